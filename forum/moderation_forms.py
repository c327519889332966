"""Request data -> validated values for reports and moderation (shared by pages and API)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from starlette.exceptions import HTTPException

from forum.forms import WARNING_NOTE_MAX, Checker, content_warnings_field
from forum.models.accounts import Role
from forum.models.moderation import ReportReason
from forum.numbers import ID_MAX, whole_number
from forum.queries.moderation import AuditFilter
from forum.safety.words import WordAction, normalize_pattern

REPORT_NOTE_MAX = 1000
REASON_MAX = 500
MOD_NOTE_MAX = 2000
MAX_SANCTION_DAYS = 3650

# What a member can choose when reporting, worded kindly; `watched_word` is the system's.
REPORT_REASONS: dict[str, str] = {
    ReportReason.WORRIED: "I'm worried about this person",
    ReportReason.HARASSMENT: "Harassment or bullying",
    ReportReason.HATE: "Hate",
    ReportReason.SPAM: "Spam",
    ReportReason.SELF_PROMOTION: "Selling or self-promotion",
    ReportReason.OTHER: "Something else",
}
WORD_ACTIONS: dict[str, str] = {
    WordAction.BLOCK: "Block — refuse the post, kindly",
    WordAction.REQUIRE_APPROVAL: "Hold for approval",
    WordAction.FLAG: "Flag — publish, and add to the Reports tab",
    WordAction.CENSOR: "Censor — publish with the word masked",
}


@dataclass(frozen=True)
class ReportForm:
    reason: ReportReason
    note: str


def parse_report(data: Mapping[str, Any]) -> ReportForm:
    check = Checker(data)
    reason = str(data.get("reason", ""))
    if reason not in REPORT_REASONS:
        check.errors["reason"] = "Please choose what is wrong."
    note = check.text("note", label="Your note", max_len=REPORT_NOTE_MAX, multiline=True)
    check.fail_if_errors()
    return ReportForm(ReportReason(reason), note)


def parse_reason(data: Mapping[str, Any], *, required: bool) -> str:
    check = Checker(data)
    reason = check.text("reason", label="The reason", max_len=REASON_MAX,
                        min_len=1 if required else 0, multiline=True)
    check.fail_if_errors()
    return reason


def parse_until(data: Mapping[str, Any], now: datetime | None = None) -> datetime:
    """`days` from now (1 to 3650), to the minute."""
    check = Checker(data)
    days = whole_number(str(data.get("days", "")).strip(), low=1, high=MAX_SANCTION_DAYS)
    if days is None:
        check.errors["days"] = f"Give a number of days from 1 to {MAX_SANCTION_DAYS}."
    check.fail_if_errors()
    assert days is not None
    start = (now or datetime.now(UTC)).replace(second=0, microsecond=0)
    return start + timedelta(days=days)


def parse_note(data: Mapping[str, Any]) -> str:
    check = Checker(data)
    body = check.text("body", label="The note", max_len=MOD_NOTE_MAX, min_len=1, multiline=True)
    check.fail_if_errors()
    return body


@dataclass(frozen=True)
class WarningsForm:
    content_warnings: list[str]
    content_warning_note: str


def parse_warnings(data: Mapping[str, Any]) -> WarningsForm:
    check = Checker(data)
    warnings = content_warnings_field(check, data.get("content_warnings", []))
    note = check.text("content_warning_note", label="Other warning", max_len=WARNING_NOTE_MAX)
    check.fail_if_errors()
    return WarningsForm(warnings, note)


def parse_category_slug(data: Mapping[str, Any]) -> str:
    check = Checker(data)
    slug = check.text("category", label="Category", max_len=60, min_len=1)
    check.fail_if_errors()
    return slug


@dataclass(frozen=True)
class WatchedWordForm:
    pattern: str
    action: WordAction


def parse_watched_word(data: Mapping[str, Any]) -> WatchedWordForm:
    check = Checker(data)
    raw = check.text("pattern", label="The word or phrase", max_len=100, min_len=1)
    pattern = ""
    if raw:
        try:
            pattern = normalize_pattern(raw)
        except ValueError as exc:
            check.errors["pattern"] = str(exc)
    action = str(data.get("action", ""))
    if action not in WORD_ACTIONS:
        check.errors["action"] = "Choose what should happen when it matches."
    check.fail_if_errors()
    return WatchedWordForm(pattern, WordAction(action))


def parse_role(data: Mapping[str, Any]) -> Role:
    check = Checker(data)
    role = str(data.get("role", ""))
    if role not in {r.value for r in Role}:
        check.errors["role"] = "Choose member, moderator or admin."
    check.fail_if_errors()
    return Role(role)


AUDIT_TARGETS = ("post", "thread", "user", "word", "resource")


def parse_audit_filter(params: Mapping[str, str]) -> AuditFilter:
    """The audit log's filters from a query string; an unknown target type is ignored, a
    target number that is not a whole number is a 400."""
    raw_id = params.get("target_id", "")
    target_id = whole_number(raw_id, low=1, high=ID_MAX) if raw_id else None
    if raw_id and target_id is None:
        raise HTTPException(400, "The target number must be a whole number, like 42.")
    return AuditFilter(
        action=params.get("action", "")[:40],
        actor=params.get("actor", "")[:30],
        target_type=params.get("target_type", "") if params.get("target_type") in AUDIT_TARGETS
        else "",
        target_id=target_id,
    )


def parse_test_text(data: Mapping[str, Any]) -> str:
    check = Checker(data)
    text = check.text("text", label="The text", max_len=20000, multiline=True)
    check.fail_if_errors()
    return text
