"""What a reporting member, a moderator or an admin sends: one model per kind of action.

The pages and the API parse into these with `parse_input`, so a reason is required, a number
of days bounded and a message worded the same whichever door the request came through.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from forum.forms import WARNING_NOTE_MAX
from forum.models.accounts import Role
from forum.models.moderation import ReportReason
from forum.moderation_forms import (
    MAX_SANCTION_DAYS,
    MOD_NOTE_MAX,
    REASON_MAX,
    REPORT_NOTE_MAX,
    REPORT_REASONS,
    WORD_ACTIONS,
)
from forum.safety.words import WordAction, normalize_pattern
from forum.schemas.base import ContentWarnings, Input, TextRule, whole_number

CATEGORY_SLUG_MAX = 60
WORD_PATTERN_MAX = 100
TEST_TEXT_MAX = 20_000

DAYS_MESSAGE = f"Give a number of days from 1 to {MAX_SANCTION_DAYS}."


def _refuse(kind: str, message: str) -> PydanticCustomError:
    return PydanticCustomError(f"forum.{kind}", message.replace("{", "(").replace("}", ")"))


def _choice(kind: str, allowed: Any, message: str) -> Any:
    def check(value: Any) -> Any:
        if not isinstance(value, str) or value not in allowed:
            raise _refuse(kind, message)
        return value
    return check


def _days(value: Any) -> int:
    days = whole_number(value, low=1, high=MAX_SANCTION_DAYS)
    if days is None:
        raise _refuse("days", DAYS_MESSAGE)
    return days


def _pattern(value: str) -> str:
    try:
        return normalize_pattern(value)
    except ValueError as exc:
        raise _refuse("pattern", str(exc)) from None


def _any_text(value: Any) -> str:
    """A password is compared, never validated: anything that isn't text is simply wrong."""
    return value if isinstance(value, str) else ""


RequiredReason = Annotated[str, TextRule("The reason", max_len=REASON_MAX, min_len=1,
                                         multiline=True)]
OptionalReason = Annotated[str, TextRule("The reason", max_len=REASON_MAX, multiline=True)]
Days = Annotated[int, BeforeValidator(_days),
                 WithJsonSchema({"type": "integer", "minimum": 1,
                                 "maximum": MAX_SANCTION_DAYS})]


# --- reports ----------------------------------------------------------------------------

class ReportInput(Input):
    reason: Annotated[ReportReason, BeforeValidator(_choice(
        "report_reason", REPORT_REASONS, "Please choose what is wrong.")),
        WithJsonSchema({"enum": list(REPORT_REASONS)})]
    note: Annotated[str, TextRule("Your note", max_len=REPORT_NOTE_MAX, multiline=True)] = ""


# --- posts and threads ------------------------------------------------------------------

class ReasonInput(Input):
    """Lock, unlock, pin, unpin, dismiss reports: a reason may be given."""

    reason: OptionalReason = ""


class RequiredReasonInput(Input):
    """Reject, hide, delete a thread: the reason is required (for hide, it is shown)."""

    reason: RequiredReason


class NoInput(Input):
    """Approve, restore: nothing to say."""


class MoveInput(Input):
    category: Annotated[str, TextRule("Category", max_len=CATEGORY_SLUG_MAX, min_len=1)]
    reason: OptionalReason = ""


class WarningsInput(Input):
    content_warnings: ContentWarnings = []
    content_warning_note: Annotated[str, TextRule("Other warning",
                                                  max_len=WARNING_NOTE_MAX)] = ""
    reason: OptionalReason = ""


class CareInput(Input):
    message: Annotated[str, TextRule("The message", max_len=MOD_NOTE_MAX, min_len=1,
                                     multiline=True)]


# --- members ----------------------------------------------------------------------------

class SanctionInput(Input):
    """Warn and ban: the reason is required (a warning's reason is the message sent)."""

    reason: RequiredReason


class LimitInput(Input):
    """Silence and suspend: for a number of days, with a reason."""

    days: Days
    reason: RequiredReason

    def until(self, now: datetime | None = None) -> datetime:
        """`days` from now, to the minute."""
        start = (now or datetime.now(UTC)).replace(second=0, microsecond=0)
        return start + timedelta(days=self.days)


class LiftInput(Input):
    reason: OptionalReason = ""


class NoteInput(Input):
    body: Annotated[str, TextRule("The note", max_len=MOD_NOTE_MAX, min_len=1, multiline=True)]


class RoleInput(Input):
    role: Annotated[Role, BeforeValidator(_choice(
        "role", {r.value for r in Role}, "Choose member, moderator or admin.")),
        WithJsonSchema({"enum": [r.value for r in Role]})]
    reason: OptionalReason = ""


class RevealInput(Input):
    reason: RequiredReason
    password: Annotated[str, BeforeValidator(_any_text),
                        WithJsonSchema({"type": "string", "format": "password"})] = ""


# --- watched words ----------------------------------------------------------------------

class WatchedWordInput(Input):
    pattern: Annotated[str, TextRule("The word or phrase", max_len=WORD_PATTERN_MAX,
                                     min_len=1), AfterValidator(_pattern)]
    action: Annotated[WordAction, BeforeValidator(_choice(
        "word_action", WORD_ACTIONS, "Choose what should happen when it matches.")),
        WithJsonSchema({"enum": list(WORD_ACTIONS)})]


class WordTestInput(Input):
    text: Annotated[str, TextRule("The text", max_len=TEST_TEXT_MAX, multiline=True)] = ""
