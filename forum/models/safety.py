"""Crisis resources (shipped as data, editable by admins) and crisis alerts to the webhook."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model

if TYPE_CHECKING:
    from forum.models.content import Post


class CrisisResource(Model):
    id = fields.IntField(primary_key=True)
    key = fields.CharField(max_length=60, unique=True)  # stable id from the shipped data
    name = fields.CharField(max_length=120)
    country = fields.CharField(max_length=4)  # ISO 3166-1 alpha-2, or INTL
    topics: fields.JSONField[list[str]] = fields.JSONField(default=list)
    description = fields.CharField(max_length=300, default="")
    phone = fields.CharField(max_length=30, null=True)  # dialable: tel: links
    phone_display = fields.CharField(max_length=60, null=True)
    text_number = fields.CharField(max_length=30, null=True)  # sms: links
    text_keyword = fields.CharField(max_length=30, null=True)
    chat_url = fields.CharField(max_length=300, null=True)
    website = fields.CharField(max_length=300, null=True)
    hours = fields.CharField(max_length=80, default="")
    languages: fields.JSONField[list[str]] = fields.JSONField(default=list)
    source = fields.CharField(max_length=300)
    last_verified = fields.DateField()
    enabled = fields.BooleanField(default=True)
    # Set when an admin edits the entry: a later import leaves it alone.
    edited_by_admin = fields.BooleanField(default=False)

    class Meta:
        table = "crisis_resources"
        indexes = [Index(fields=("country", "enabled"))]


class CrisisAlert(Model):
    """One alert about an urgent post for the crisis webhook, and how its delivery went.
    It carries a link to the post, the level and the time — never the author."""

    id = fields.IntField(primary_key=True)
    post: fields.ForeignKeyRelation[Post] = fields.ForeignKeyField(
        "models.Post", related_name="crisis_alerts", on_delete=fields.CASCADE)
    post_id: int
    level = fields.CharField(max_length=10)
    status = fields.CharField(max_length=12, default="pending")  # pending|delivered|failed
    attempts = fields.IntField(default=0)
    last_error = fields.CharField(max_length=300, default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    delivered_at = fields.DatetimeField(null=True)
    job_id = fields.IntField(null=True, unique=True)  # the job delivering it (forum.jobs)

    class Meta:
        table = "crisis_alerts"
        indexes = [Index(fields=("status", "created_at")), Index(fields=("post_id",))]
