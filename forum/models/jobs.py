"""Background work that must outlive the request and the process: the job table (an outbox).

A job is written in the same transaction as the change that causes it, so it exists exactly
when the change does; workers in every app process (and `forum worker`) claim due jobs with a
lease, run them, and retry failures with growing pauses. A job names no member: it carries
ids of posts or rows that anyone reading those already sees.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model


class JobStatus(StrEnum):
    PENDING = "pending"  # waiting for its run_after
    RUNNING = "running"  # claimed by a worker until lease_until
    DONE = "done"
    FAILED = "failed"  # every attempt failed; an admin may retry it


class Job(Model):
    id = fields.IntField(primary_key=True)
    kind = fields.CharField(max_length=40)
    payload: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)
    # Sent with each delivery (Idempotency-Key) so a receiver can tell a repeat from news.
    key = fields.CharField(max_length=40, unique=True)
    status = fields.CharEnumField(JobStatus, max_length=10, default=JobStatus.PENDING)
    attempts = fields.IntField(default=0)
    max_attempts = fields.IntField(default=8)
    run_after = fields.DatetimeField()
    lease_until = fields.DatetimeField(null=True)
    worker = fields.CharField(max_length=80, default="")
    last_error = fields.CharField(max_length=300, default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    finished_at = fields.DatetimeField(null=True)

    class Meta:
        table = "jobs"
        indexes = [Index(fields=("status", "run_after"))]
