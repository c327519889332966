"""Putting jobs on the table and taking them off it.

``enqueue`` runs inside the caller's transaction (Tortoise keeps it in a context variable), so a
job exists exactly when the change that caused it was committed. Workers ``claim`` due jobs —
pending ones whose time has come, and running ones whose worker's lease ran out (it died) —
with a compare-and-set on (status, attempts), under ``FOR UPDATE SKIP LOCKED`` on PostgreSQL
so workers on several hosts pass over each other's rows instead of waiting on them. SQLite
serialises writers anyway; the compare-and-set is what makes a claim single there.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise.expressions import F, Q
from tortoise.transactions import in_transaction

from forum.models.jobs import Job, JobStatus

ERROR_LENGTH = 300


def now() -> datetime:
    return datetime.now(UTC)


async def enqueue(kind: str, payload: dict[str, Any], *, delay_seconds: float = 0.0,
                  max_attempts: int = 8, key: str | None = None) -> Job:
    """A new job, due after ``delay_seconds``. ``key``: a stable idempotency key when the
    job must exist at most once (the unique constraint refuses a second); otherwise random."""
    return await Job.create(kind=kind, payload=payload, key=key or uuid.uuid4().hex,
                            max_attempts=max(1, max_attempts),
                            run_after=now() + timedelta(seconds=delay_seconds))


def _due(moment: datetime, kinds: Sequence[str] | None) -> Q:
    due = Q(status=JobStatus.PENDING, run_after__lte=moment) | Q(
        status=JobStatus.RUNNING, lease_until__lt=moment)
    return due & Q(kind__in=list(kinds)) if kinds is not None else due


async def any_due(kinds: Sequence[str] | None = None) -> bool:
    """A cheap read before claiming: an idle worker takes no write lock."""
    return await Job.filter(_due(now(), kinds)).exists()


async def claim(worker: str, limit: int, lease_seconds: float | Mapping[str, float],
                kinds: Sequence[str] | None = None) -> list[Job]:
    """Up to ``limit`` due jobs, each now running for this worker until its lease ends:
    ``lease_seconds`` from now, for every job or per kind."""
    moment = now()
    claimed: list[Job] = []
    async with in_transaction() as conn:
        query = Job.filter(_due(moment, kinds)).order_by("run_after", "id").limit(limit)
        if conn.capabilities.dialect == "postgres":
            query = query.select_for_update(skip_locked=True)
        for job in await query:
            lease = (lease_seconds if isinstance(lease_seconds, int | float)
                     else lease_seconds[job.kind])
            won = await Job.filter(id=job.id, status=job.status, attempts=job.attempts).update(
                status=JobStatus.RUNNING, attempts=F("attempts") + 1, worker=worker[:80],
                lease_until=moment + timedelta(seconds=lease))
            if won:
                job.status, job.attempts, job.worker = JobStatus.RUNNING, job.attempts + 1, worker
                claimed.append(job)
    return claimed


async def finish(job: Job) -> None:
    """Done: only the worker that holds the job may say so (a late one whose lease ran out
    and was reclaimed changes nothing)."""
    await Job.filter(id=job.id, worker=job.worker[:80], attempts=job.attempts).update(
        status=JobStatus.DONE, lease_until=None, last_error="", finished_at=now())


async def attempt_failed(job: Job, error: str, pause_seconds: float | None) -> JobStatus:
    """Back to pending after ``pause_seconds``, or failed for good when there is no pause
    (attempts used up, or an error no retry can mend)."""
    status = JobStatus.PENDING if pause_seconds is not None and (
        job.attempts < job.max_attempts) else JobStatus.FAILED
    await Job.filter(id=job.id, worker=job.worker[:80], attempts=job.attempts).update(
        status=status, lease_until=None, last_error=error[:ERROR_LENGTH],
        run_after=now() + timedelta(seconds=pause_seconds or 0),
        finished_at=now() if status is JobStatus.FAILED else None)
    return status


async def retry(job_id: int) -> bool:
    """An admin's retry of a failed job: due now, with its tries counted afresh."""
    updated = await Job.filter(id=job_id, status=JobStatus.FAILED).update(
        status=JobStatus.PENDING, run_after=now(), attempts=0, finished_at=None)
    return bool(updated)


async def delete_finished(done_before: datetime, failed_before: datetime) -> int:
    """Tidying: jobs done before one moment and failed before another are deleted."""
    done = await Job.filter(status=JobStatus.DONE, finished_at__lt=done_before).delete()
    failed = await Job.filter(status=JobStatus.FAILED, finished_at__lt=failed_before).delete()
    return int(done) + int(failed)


async def unfinished_count() -> int:
    return await Job.filter(status__in=[JobStatus.PENDING, JobStatus.RUNNING]).count()


async def next_run_after() -> datetime | None:
    """When the soonest pending job is due (for a worker that wants to sleep until then)."""
    job = await Job.filter(status=JobStatus.PENDING).order_by("run_after").first()
    return job.run_after if job else None
