"""The choices and limits of reports and moderation, and the audit log's query-string filters.

What people send to act is parsed by the models in `forum.schemas.moderation`."""

from __future__ import annotations

from collections.abc import Mapping

from starlette.exceptions import HTTPException

from forum.models.moderation import ReportReason
from forum.numbers import ID_MAX, whole_number
from forum.queries.moderation import AuditFilter
from forum.safety.words import WordAction

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


AUDIT_TARGETS = ("post", "thread", "user", "word", "resource")


def parse_audit_filter(params: Mapping[str, str]) -> AuditFilter:
    """The audit log's filters from a query string; an unknown target type is ignored, a
    target number that is not a whole number is a 400."""
    raw_id = params.get("target_id", "")
    target_id = whole_number(raw_id, low=1, high=ID_MAX) if raw_id else None
    if raw_id and target_id is None:
        raise HTTPException(400, "The target number must be a whole number, like 42.")
    action, actor = params.get("action", "")[:40], params.get("actor", "")[:30]
    if "\x00" in action + actor:
        raise HTTPException(400, "The filters can't hold a NUL character (%00). Please "
                                 "remove it.")
    return AuditFilter(
        action=action,
        actor=actor,
        target_type=params.get("target_type", "") if params.get("target_type") in AUDIT_TARGETS
        else "",
        target_id=target_id,
    )

