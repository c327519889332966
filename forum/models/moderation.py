"""Reports, sanctions, moderator notes, watched words and the append-only audit log."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model

if TYPE_CHECKING:
    from forum.models.accounts import User
    from forum.models.content import Post


class ReportReason(StrEnum):
    WORRIED = "worried"
    HARASSMENT = "harassment"
    HATE = "hate"
    SPAM = "spam"
    SELF_PROMOTION = "self_promotion"
    OTHER = "other"
    WATCHED_WORD = "watched_word"  # a system report: a `flag` watched word matched


class ReportOutcome(StrEnum):
    ACTIONED = "actioned"
    DISMISSED = "dismissed"


class Report(Model):
    id = fields.IntField(primary_key=True)
    post: fields.ForeignKeyRelation[Post] = fields.ForeignKeyField(
        "models.Post", related_name="reports", on_delete=fields.CASCADE)
    post_id: int
    # None for system reports; SET_NULL keeps the report when the reporter leaves.
    reporter: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="reports_made", null=True, on_delete=fields.SET_NULL
    )
    reporter_id: int | None
    reason = fields.CharEnumField(ReportReason, max_length=16)
    note = fields.TextField(default="")
    # "post:reporter" while open, NULL once resolved: one open report per member per post.
    open_key = fields.CharField(max_length=40, null=True, unique=True)
    outcome = fields.CharEnumField(ReportOutcome, max_length=16, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    resolved_at = fields.DatetimeField(null=True)

    class Meta:
        table = "reports"
        indexes = [
            Index(fields=("post_id", "resolved_at")),
            Index(fields=("resolved_at", "id")),
            Index(fields=("reporter_id",)),
        ]


class SanctionKind(StrEnum):
    WARNING = "warning"
    SILENCE = "silence"
    SUSPENSION = "suspension"
    BAN = "ban"


class Sanction(Model):
    """The history of what moderators did to an account. Enforcement reads the user's own
    ``silenced_until`` / ``suspended_until`` / ``banned_at``, kept in step by the actions."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="sanctions", on_delete=fields.CASCADE)
    user_id: int
    kind = fields.CharEnumField(SanctionKind, max_length=16)
    reason = fields.TextField(default="")
    ends_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "sanctions"
        indexes = [Index(fields=("user_id", "created_at"))]


class ModeratorNote(Model):
    """Private notes on a member, for moderators only."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="moderator_notes", on_delete=fields.CASCADE)
    user_id: int
    author: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="notes_written", null=True, on_delete=fields.SET_NULL)
    author_id: int | None
    author_name = fields.CharField(max_length=30)
    body = fields.TextField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "moderator_notes"
        indexes = [Index(fields=("user_id", "created_at")), Index(fields=("author_id",))]


class WatchedWord(Model):
    id = fields.IntField(primary_key=True)
    pattern = fields.CharField(max_length=100, unique=True)
    action = fields.CharField(max_length=20)  # a forum.safety.words.WordAction value
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "watched_words"


class AuditEntry(Model):
    """One moderator or admin action. Rows are only ever inserted (a test scans for it)."""

    id = fields.IntField(primary_key=True)
    actor: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="audit_entries", null=True, on_delete=fields.SET_NULL)
    actor_id: int | None
    actor_name = fields.CharField(max_length=30)  # survives the account's deletion
    action = fields.CharField(max_length=40)
    target_type = fields.CharField(max_length=16)  # post | thread | user | word
    target_id = fields.IntField()
    target_label = fields.CharField(max_length=160, default="")
    reason = fields.TextField(default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "audit_log"
        indexes = [
            Index(fields=("created_at",)),
            Index(fields=("action", "created_at")),
            Index(fields=("actor_id", "created_at")),
            Index(fields=("target_type", "target_id")),
        ]


class SealedLimit(Model):
    """A limit set through an anonymous post (or the lifting of such limits), sealed.

    ``slot`` is a keyed hash of (member, n) — the member's n-th such row — so without the
    key no row names a member, and two rows of one member look unrelated. Rows are only
    ever added; what is in force is read from them in order (forum.sealed_side).
    """

    id = fields.IntField(primary_key=True)
    slot = fields.CharField(max_length=40, unique=True)
    sealed = fields.TextField()

    class Meta:
        table = "sealed_limits"
