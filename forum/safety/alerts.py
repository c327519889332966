"""Telling a human about an urgent post: a JSON alert POSTed to FORUM_CRISIS_WEBHOOK_URL.

The alert carries a link to the post (public and moderation views), the level and the
time — never the author. It is a job on the job table (forum.jobs), queued in the same
transaction as the words that made the post urgent: it survives a crash or restart of the
process, is retried with growing pauses, and every delivery carries the job's key as an
`Idempotency-Key` header (and `idempotency_key` in the body) so a receiver can drop a
repeat after a crash mid-send. Each outcome is kept on its `CrisisAlert` row for admins.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx

from forum.clock import iso_time
from forum.jobs.kinds import Kind, register
from forum.jobs.queue import enqueue
from forum.models.jobs import Job
from forum.models.safety import CrisisAlert
from forum.settings import Settings

KIND = "crisis_alert"
# Pauses after each failed try: about two hours of trying in all.
RETRY_DELAYS_SECONDS: tuple[float, ...] = (2.0, 10.0, 30.0, 120.0, 300.0, 900.0, 1800.0,
                                           3600.0)
TIMEOUT_SECONDS = 10.0


class DeliveryFailed(Exception):
    pass


def alert_payload(alert: CrisisAlert, base_url: str, key: str) -> dict[str, Any]:
    return {
        "type": "hearth.crisis_alert",
        "level": alert.level,
        "post_url": f"{base_url}/posts/{alert.post_id}",
        "moderation_url": f"{base_url}/mod/posts/{alert.post_id}",
        "created_at": iso_time(alert.created_at),
        "idempotency_key": key,
    }


async def queue_alert(post_id: int, level: str) -> Job:
    """Inside the transaction that made the post urgent: the webhook alert, and beside it the
    emails to moderators who asked for them (forum.mail.moderators), which hold the same
    post id and level and nothing else."""
    from forum.mail.moderators import queue_urgent_mail

    await queue_urgent_mail(post_id, level)
    return await enqueue(KIND, {"post_id": post_id, "level": level},
                         max_attempts=len(RETRY_DELAYS_SECONDS) + 1)


async def deliver(job: Job, settings: Settings) -> None:
    """One try. No webhook set: nothing to send (the Urgent tab is the alert)."""
    url = settings.crisis_webhook_url
    if not url:
        return
    alert, _ = await CrisisAlert.get_or_create(job_id=job.id, defaults={
        "post_id": int(job.payload["post_id"]), "level": str(job.payload["level"])})
    payload = alert_payload(alert, settings.base_url, job.key)
    try:
        async with httpx.AsyncClient(timeout=TIMEOUT_SECONDS) as client:
            response = await client.post(url, json=payload, headers={"Idempotency-Key": job.key})
        error = "" if response.is_success else f"HTTP {response.status_code}"
    except httpx.HTTPError as exc:
        error = f"{type(exc).__name__}: {exc}"[:300]
    if not error:
        await CrisisAlert.filter(id=alert.id).update(
            status="delivered", attempts=job.attempts, last_error="",
            delivered_at=datetime.now(UTC))
        return
    last = job.attempts >= job.max_attempts
    await CrisisAlert.filter(id=alert.id).update(
        attempts=job.attempts, last_error=error, **({"status": "failed"} if last else {}))
    raise DeliveryFailed(error)


register(Kind(KIND, deliver, TIMEOUT_SECONDS + 5.0, lambda: RETRY_DELAYS_SECONDS))
