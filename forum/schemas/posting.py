"""What a person sends to write, answer or edit a post — the same model for the page's form
and the API's JSON body, with the same kind messages."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator, WithJsonSchema

from forum.forms import (
    CONTENT_WARNINGS,
    REPLY_BODY_MAX,
    STORY_BODY_MAX,
    TITLE_MAX,
    WARNING_NOTE_MAX,
)
from forum.schemas.base import (
    ContentWarnings,
    Flag,
    IdRule,
    Input,
    SubmissionId,
    TextRule,
    check_content_warnings,
)

CATEGORY_SLUG_MAX = 60
POST_NOT_FOUND = "That post could not be found."
DRAFT_GONE = "That draft could not be found. Your words are kept below."

StoryBody = Annotated[str, TextRule("Your story", max_len=STORY_BODY_MAX, min_len=1,
                                    multiline=True)]
ReplyBody = Annotated[str, TextRule("Your reply", max_len=REPLY_BODY_MAX, min_len=1,
                                    multiline=True)]
Title = Annotated[str, TextRule("Title", max_len=TITLE_MAX, min_len=1)]


def _anything(value: Any) -> str:
    return value if isinstance(value, str) else "" if value is None else str(value)


# A field people never see; programs fill it in. Only its being non-empty matters.
Honeypot = Annotated[str, BeforeValidator(_anything), WithJsonSchema({"type": "string"})]


def _warnings_or_none(value: Any) -> list[str] | None:
    return None if value is None else check_content_warnings(value)


class StoryIn(Input):
    category: Annotated[str, TextRule("Category", max_len=CATEGORY_SLUG_MAX, min_len=1,
                                      missing="Choose where your story belongs.")]
    title: Title
    body: StoryBody
    content_warnings: ContentWarnings = []
    content_warning_note: Annotated[str, TextRule("Other warning",
                                                  max_len=WARNING_NOTE_MAX)] = ""
    submission_id: SubmissionId = None
    anonymous: Flag = False
    # The member's draft this was written in (forum.actions.drafts): it goes once posted.
    draft_id: Annotated[int | None, IdRule(DRAFT_GONE)] = None


class ReplyIn(Input):
    body: ReplyBody
    reply_to: Annotated[int | None, IdRule(POST_NOT_FOUND)] = None
    submission_id: SubmissionId = None
    anonymous: Flag = False
    # Posting under your name in a thread where you wrote anonymously needs this, once
    # you have been told what it shows (otherwise: 409, nothing posted).
    confirm_named: Flag = False
    draft_id: Annotated[int | None, IdRule(DRAFT_GONE)] = None


class StoryEditIn(Input):
    """An edit of a story. The title is the thread's; left out (the API), it stays."""

    title: Annotated[str | None, TextRule("Title", max_len=TITLE_MAX, min_len=1)] = None
    body: StoryBody
    show_my_name: Flag = False  # an anonymous post may become named (never the reverse)
    # The story's content warnings; left out (the API), they stay as they are.
    content_warnings: Annotated[list[str] | None, BeforeValidator(_warnings_or_none),
                                WithJsonSchema({"type": ["array", "null"], "uniqueItems": True,
                                                "items": {"type": "string",
                                                          "enum": list(CONTENT_WARNINGS)}})
                                ] = None
    content_warning_note: Annotated[str | None, TextRule("Other warning",
                                                         max_len=WARNING_NOTE_MAX)] = None


class ReplyEditIn(Input):
    body: ReplyBody
    show_my_name: Flag = False


EditIn = StoryEditIn | ReplyEditIn


class GuestStoryIn(StoryIn):
    website: Honeypot = ""


class GuestReplyIn(ReplyIn):
    website: Honeypot = ""


class GuestStoryEditIn(StoryEditIn):
    website: Honeypot = ""


class GuestReplyEditIn(ReplyEditIn):
    website: Honeypot = ""


GuestEditIn = GuestStoryEditIn | GuestReplyEditIn


class GuestDeleteIn(Input):
    """A guest's delete from the manage page: only a confirmed one deletes (the first press
    asks); the API's DELETE is its own confirmation."""

    confirm: Flag = False


def edit_schema(is_story: bool) -> type[EditIn]:
    """Which edit model fits the post: a story's edit has a title, a reply's has none."""
    return StoryEditIn if is_story else ReplyEditIn


def guest_edit_schema(is_story: bool) -> type[GuestEditIn]:
    return GuestStoryEditIn if is_story else GuestReplyEditIn
