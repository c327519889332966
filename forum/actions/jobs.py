"""Admins looking after the background jobs: a failed job tried again (audit-logged)."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from tortoise.transactions import in_transaction

from forum import permissions
from forum.actions.context import Context
from forum.actions.moderation import record_admin_action
from forum.jobs import queue

NOT_FAILED = "That job has not failed (it may have been retried already), so nothing changed."


async def retry_job(ctx: Context, job_id: int) -> None:
    admin = permissions.ensure_admin(ctx.viewer)
    async with in_transaction():
        if not await queue.retry(job_id):
            raise HTTPException(409, NOT_FAILED)
        await record_admin_action(admin, "job_retry", "job", job_id)
