"""Lean read models: what the busiest pages show, as plain frozen rows.

The story page, the home page and the category pages read plain SQL rows into these small
dataclasses instead of building Tortoise model objects (with every column, converted field
by field). The rules that judge a post — who wrote it as a viewer may see it
(`forum.anonymity.author_view`), what a viewer may do with it (`forum.permissions`), how a
reader chose to meet warnings and muted words (`forum.reader`) — take the `PostFacts` and
`ThreadFacts` protocols below, which both these rows and the models satisfy, so the same one
function decides for both.

A row carries only what a page shows: an anonymous post's row has no author id
(``author_id`` is None, as in the table) and only the sealed value, which the app alone opens.
The rows are frozen and hashable: a rendered fragment of a post can be kept under the row
itself (forum.post_fragments), so any change to anything the row holds is a new key.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from forum.clock import parse_time
from forum.models.content import PostStatus


class AuthorFacts(Protocol):
    @property
    def username(self) -> str: ...
    @property
    def shown_name(self) -> str: ...
    @property
    def role(self) -> str: ...  # a Role on the model (a StrEnum), its value on a row


class PostFacts(Protocol):
    """What the author, permission and reader rules read of a post."""

    @property
    def id(self) -> int: ...
    @property
    def thread_id(self) -> int: ...
    @property
    def is_story(self) -> bool: ...
    @property
    def status(self) -> PostStatus: ...
    @property
    def is_anonymous(self) -> bool: ...
    @property
    def is_guest(self) -> bool: ...
    @property
    def sealed_author(self) -> str | None: ...
    @property
    def author_id(self) -> int | None: ...
    @property
    def pseudonym(self) -> str: ...
    @property
    def is_op(self) -> bool: ...
    @property
    def body_md(self) -> str: ...
    @property
    def author(self) -> AuthorFacts | None: ...


class ThreadFacts(Protocol):
    @property
    def is_locked(self) -> bool: ...
    @property
    def content_warnings(self) -> Any: ...  # a list on the model, a tuple on a row
    @property
    def content_warning_note(self) -> str: ...


@dataclass(frozen=True, slots=True)
class AuthorRow:
    """A named author: what a page shows of them (never an email, a hash or a bio)."""

    username: str
    display_name: str
    role: str = "member"  # for the staff badge and who may be blocked

    @property
    def shown_name(self) -> str:
        return self.display_name or self.username


@dataclass(frozen=True, slots=True)
class CategoryRow:
    id: int
    slug: str
    name: str
    allow_anonymous: bool
    allow_guests: bool


@dataclass(frozen=True, slots=True)
class ThreadRow:
    id: int
    title: str
    content_warnings: tuple[str, ...]
    content_warning_note: str
    is_locked: bool
    is_pinned: bool
    reply_count: int
    last_post_at: datetime
    category: CategoryRow


@dataclass(frozen=True, slots=True)
class PostRow:
    """A story or reply as a thread page shows it."""

    id: int
    thread_id: int
    is_story: bool
    status: PostStatus
    body_md: str
    body_html: str
    moderation_reason: str
    is_anonymous: bool
    is_guest: bool
    sealed_author: str | None
    pseudonym: str
    is_op: bool
    author_id: int | None
    reply_to_id: int | None
    created_at: datetime
    edited_at: datetime | None
    author: AuthorRow | None


@dataclass(frozen=True, slots=True)
class StoryCardRow:
    """A story in a list (home, category): its thread, no body."""

    id: int
    thread_id: int
    is_story: bool
    status: PostStatus
    is_anonymous: bool
    is_guest: bool
    sealed_author: str | None
    pseudonym: str
    is_op: bool
    author_id: int | None
    created_at: datetime
    author: AuthorRow | None
    thread: ThreadRow
    body_md: str = ""  # never read for a card; here so a card is a PostFacts
    reader_blocked: int = 0  # the member's own mark (forum.queries.reading.list_columns)


# The columns each row is read from, in order (table aliases p = posts, u = users,
# t = threads, c = categories).
POST_COLUMNS = (
    "p.id, p.thread_id, p.is_story, p.status, p.body_md, p.body_html, p.moderation_reason, "
    "p.is_anonymous, p.is_guest, p.sealed_author, p.pseudonym, p.is_op, p.author_id, "
    "p.reply_to_id, p.created_at, p.edited_at, u.username AS u_username, "
    "u.display_name AS u_display_name, u.role AS u_role")
CARD_COLUMNS = (
    "p.id, p.thread_id, p.is_story, p.status, p.is_anonymous, p.is_guest, p.sealed_author, "
    "p.pseudonym, p.is_op, p.author_id, p.created_at, u.username AS u_username, "
    "u.display_name AS u_display_name, u.role AS u_role")
THREAD_COLUMNS = (
    "t.id AS t_id, t.title AS t_title, t.content_warnings AS t_content_warnings, "
    "t.content_warning_note AS t_content_warning_note, t.is_locked AS t_is_locked, "
    "t.is_pinned AS t_is_pinned, t.reply_count AS t_reply_count, "
    "t.last_post_at AS t_last_post_at, c.id AS c_id, c.slug AS c_slug, c.name AS c_name, "
    "c.allow_anonymous AS c_allow_anonymous, c.allow_guests AS c_allow_guests")


def _author(row: dict[str, Any]) -> AuthorRow | None:
    """The named author of a row, if it has one (anonymous and guest rows have none)."""
    if row["author_id"] is None or row["u_username"] is None:
        return None
    return AuthorRow(row["u_username"], row["u_display_name"] or "", row["u_role"])


def _warnings(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):  # SQLite (and PostgreSQL json read as text)
        value = json.loads(value) if value else []
    return tuple(str(w) for w in value or ())


def _moment(value: Any) -> datetime:
    return parse_time(value)


def thread_of(row: dict[str, Any]) -> ThreadRow:
    return ThreadRow(
        id=int(row["t_id"]), title=row["t_title"],
        content_warnings=_warnings(row["t_content_warnings"]),
        content_warning_note=row["t_content_warning_note"] or "",
        is_locked=bool(row["t_is_locked"]), is_pinned=bool(row["t_is_pinned"]),
        reply_count=int(row["t_reply_count"]), last_post_at=_moment(row["t_last_post_at"]),
        category=CategoryRow(int(row["c_id"]), row["c_slug"], row["c_name"],
                             bool(row["c_allow_anonymous"]), bool(row["c_allow_guests"])))


def post_of(row: dict[str, Any]) -> PostRow:
    return PostRow(
        id=int(row["id"]), thread_id=int(row["thread_id"]), is_story=bool(row["is_story"]),
        status=PostStatus(row["status"]), body_md=row["body_md"], body_html=row["body_html"],
        moderation_reason=row["moderation_reason"] or "",
        is_anonymous=bool(row["is_anonymous"]), is_guest=bool(row["is_guest"]),
        sealed_author=row["sealed_author"], pseudonym=row["pseudonym"] or "",
        is_op=bool(row["is_op"]), author_id=row["author_id"], reply_to_id=row["reply_to_id"],
        created_at=_moment(row["created_at"]),
        edited_at=_moment(row["edited_at"]) if row["edited_at"] is not None else None,
        author=_author(row))


def card_of(row: dict[str, Any]) -> StoryCardRow:
    return StoryCardRow(
        id=int(row["id"]), thread_id=int(row["thread_id"]), is_story=bool(row["is_story"]),
        status=PostStatus(row["status"]), is_anonymous=bool(row["is_anonymous"]),
        is_guest=bool(row["is_guest"]), sealed_author=row["sealed_author"],
        pseudonym=row["pseudonym"] or "", is_op=bool(row["is_op"]),
        author_id=row["author_id"], created_at=_moment(row["created_at"]),
        author=_author(row), thread=thread_of(row),
        reader_blocked=int(row.get("reader_blocked") or 0))
