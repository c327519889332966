"""What a member sends to mark a thread read, bookmark a post or block a member — shared by
the pages and the API."""

from __future__ import annotations

from pydantic import Field

from forum.numbers import ID_MAX
from forum.schemas.base import Input
from forum.schemas.outputs import Author, Shape


class ReadIn(Input):
    """Read up to ``post_id`` (the last post the page showed) in thread ``thread_id``."""

    thread_id: int = Field(ge=1, le=ID_MAX)
    post_id: int = Field(ge=1, le=ID_MAX)


class BookmarkIn(Input):
    post_id: int = Field(ge=1, le=ID_MAX)
    on: bool


class BlockIn(Input):
    username: str = Field(min_length=1, max_length=60)
    on: bool


class ReadBody(Input):
    """The API's body for marking a story read: the last post read."""

    post_id: int = Field(ge=1, le=ID_MAX)


# --- what the API answers ----------------------------------------------------------------

class ReadPosition(Shape):
    story_id: int
    last_read_post_id: int
    changed: bool


class BookmarkState(Shape):
    bookmarked: bool
    changed: bool


class BookmarkItem(Shape):
    post_id: int
    story_id: int
    is_story: bool
    title: str
    author: Author
    link: str


class BookmarkList(Shape):
    bookmarks: list[BookmarkItem]


class BlockState(Shape):
    username: str
    blocked: bool
    changed: bool


class BlockedMember(Shape):
    username: str
    display_name: str


class BlockList(Shape):
    blocked: list[BlockedMember]
