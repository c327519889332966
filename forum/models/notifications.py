"""Private messages from the forum to one member: report outcomes, warnings, approvals."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model

if TYPE_CHECKING:
    from forum.models.accounts import User


class Notification(Model):
    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="notifications", on_delete=fields.CASCADE)
    user_id: int
    kind = fields.CharField(max_length=30)
    message = fields.TextField()
    link = fields.CharField(max_length=200, default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    read_at = fields.DatetimeField(null=True)

    class Meta:
        table = "notifications"
        # created_at alone: the email rounds read a window of every member's notes.
        indexes = [Index(fields=("user_id", "created_at")), Index(fields=("created_at",))]


class SealedNotification(Model):
    """News about an anonymous post. The recipient is sealed (forum.sealing), so no row ties
    a member to their anonymous post; the app finds a member's notes by their keyed slots."""

    id = fields.IntField(primary_key=True)
    sealed_recipient = fields.CharField(max_length=120)
    # Where the recipient finds it (forum.notice_recipients.note_slot); unique.
    slot = fields.CharField(max_length=64, null=True, unique=True)
    kind = fields.CharField(max_length=30)
    message = fields.TextField()
    link = fields.CharField(max_length=200, default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    read_at = fields.DatetimeField(null=True)

    class Meta:
        table = "sealed_notifications"
        indexes = [Index(fields=("created_at",))]
