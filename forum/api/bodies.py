"""Request bodies the API reads that have no input schema in forum.schemas yet.

They describe, for the OpenAPI document only, what the handlers' parsers accept today (the
limits come from the parsers' own constants). Each goes once its schema lands in forum.schemas.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from forum.forms import WARNING_NOTE_MAX
from forum.models.accounts import Role
from forum.models.moderation import ReportReason
from forum.moderation_forms import MAX_SANCTION_DAYS, MOD_NOTE_MAX, REASON_MAX, REPORT_NOTE_MAX
from forum.safety.words import WordAction
from forum.schemas.base import ContentWarnings

SLUG_MAX = 60
WORD_MAX = 100

MEMBER_REPORT_REASONS = tuple(r.value for r in ReportReason if r is not ReportReason.WATCHED_WORD)


class Body(BaseModel):
    """A JSON object; keys not named here are ignored."""

    model_config = ConfigDict(frozen=True, extra="ignore")







class NewReport(Body):
    reason: Literal[MEMBER_REPORT_REASONS]  # type: ignore[valid-type]
    note: Annotated[str, Field(max_length=REPORT_NOTE_MAX)] = ""


class ModAction(Body):
    """Fields by action. Posts: reject and hide need `reason` (hide's is public); delete
    (stories only) needs `reason`; move needs `category` (a slug); warnings takes
    `content_warnings` and `content_warning_note`; care needs `message` (sent to the author,
    sealed if anonymous); others take an optional `reason`. People: warn and ban need
    `reason`; silence and suspend need `days` and `reason`; lift takes an optional `reason`;
    note needs `body`."""

    reason: Annotated[str, Field(max_length=REASON_MAX)] | None = None
    category: Annotated[str, Field(max_length=SLUG_MAX)] | None = None
    days: Annotated[int, Field(ge=1, le=MAX_SANCTION_DAYS)] | None = None
    body: Annotated[str, Field(max_length=MOD_NOTE_MAX)] | None = None
    message: Annotated[str, Field(max_length=MOD_NOTE_MAX)] | None = None
    content_warnings: ContentWarnings = []
    content_warning_note: Annotated[str, Field(max_length=WARNING_NOTE_MAX)] = ""


class NewWatchedWord(Body):
    pattern: Annotated[str, Field(min_length=1, max_length=WORD_MAX)]
    action: WordAction


class RoleChange(Body):
    role: Role
    reason: Annotated[str, Field(max_length=REASON_MAX)] = ""


class Reveal(Body):
    reason: Annotated[str, Field(min_length=1, max_length=REASON_MAX)]
    password: str = Field(description="the admin's own password, again")
