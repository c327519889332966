"""What a member sends to keep a draft or to preview what they are writing — the same model
for the composer's form, its autosave and the API."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from forum.forms import REPLY_BODY_MAX, STORY_BODY_MAX, TITLE_MAX, WARNING_NOTE_MAX
from forum.schemas.base import ContentWarnings, Flag, IdRule, Input, TextRule
from forum.schemas.outputs import Crisis, Shape
from forum.schemas.posting import CATEGORY_SLUG_MAX, POST_NOT_FOUND

DRAFT_NOT_FOUND = "That draft could not be found."
THREAD_NEEDED = "A reply's draft needs the story it answers."
REPLY_TOO_LONG = (f"A reply can be up to {REPLY_BODY_MAX:,} characters, and this draft is "
                  "longer. Please shorten it — nothing was lost, it is all still here.")

DraftKind = Literal["story", "reply"]


class DraftIn(Input):
    """A draft as the composer holds it. Nothing is required but its kind (and a reply's
    story): a draft may be half a title. Empty title and body: the draft is let go."""

    kind: DraftKind = "story"
    draft_id: Annotated[int | None, IdRule(DRAFT_NOT_FOUND)] = None
    category: Annotated[str, TextRule("Category", max_len=CATEGORY_SLUG_MAX)] = ""
    thread_id: Annotated[int | None, IdRule(THREAD_NEEDED)] = None
    reply_to: Annotated[int | None, IdRule(POST_NOT_FOUND)] = None
    title: Annotated[str, TextRule("Title", max_len=TITLE_MAX)] = ""
    body: Annotated[str, TextRule("Your draft", max_len=STORY_BODY_MAX, multiline=True)] = ""
    content_warnings: ContentWarnings = []
    content_warning_note: Annotated[str, TextRule("Other warning",
                                                  max_len=WARNING_NOTE_MAX)] = ""
    anonymous: Flag = False


class PreviewIn(Input):
    """Text to show as it would be posted (nothing is stored)."""

    body: Annotated[str, TextRule("Your text", max_len=STORY_BODY_MAX, multiline=True)] = ""


# --- what the API answers -----------------------------------------------------------------

class Draft(Shape):
    """One of your drafts (only you ever see it)."""

    id: int
    kind: DraftKind
    category: str = Field(description="a story's category slug; empty until chosen")
    thread_id: int | None = Field(description="the story a reply answers")
    reply_to: int | None
    title: str
    body: str
    content_warnings: list[str]
    content_warning_note: str
    anonymous: bool = Field(description="whether you mean to post it anonymously")
    updated_at: str = Field(description="when it was last saved (ISO 8601)")


class DraftList(Shape):
    drafts: list[Draft]


class DraftSaved(Shape):
    draft: Draft | None = Field(description="null: the draft was empty, so none is kept")
    crisis: Crisis


class Preview(Shape):
    html: str = Field(description="the text as it would be posted: rendered and sanitised")
