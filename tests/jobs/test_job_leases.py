"""How long a job waits when the worker (or the whole host) holding it dies.

A claimed job is leased to its worker; another worker on any host takes it again only once
the lease ends. A crisis alert held by a host that was killed must not wait for the lease of
the slowest kind of job there is (the hourly tidy-up may take five minutes): each job is
leased for its own kind's timeout plus a margin, and a worker takes no more jobs than it can
start at once, so no job's lease runs while it waits for a free slot.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from forum.jobs import queue
from forum.jobs.kinds import Kind, load_kinds, register
from forum.jobs.runner import LEASE_MARGIN_SECONDS, JobRunner
from forum.models.jobs import Job, JobStatus
from forum.safety import alerts

QUICK_TIMEOUT_S = 5.0
seen_leases: dict[int, float] = {}  # job id -> seconds its lease ran past the moment it ran


async def _note_lease(job: Job, _settings: object) -> None:
    held = await Job.get(id=job.id)
    assert held.lease_until is not None
    seen_leases[job.id] = (held.lease_until - datetime.now(UTC)).total_seconds()
    await asyncio.sleep(0.01)


register(Kind("test_quick_lease", _note_lease, QUICK_TIMEOUT_S, lambda: (0.0,)))


async def test_a_job_is_leased_for_its_own_kinds_timeout_not_the_slowest_kinds(db, settings):
    assert max(k.timeout_seconds for k in load_kinds().values()) > 4 * QUICK_TIMEOUT_S
    job = await queue.enqueue("test_quick_lease", {})
    assert await JobRunner(settings, name="host-a").run_due() == 1
    assert 0 < seen_leases[job.id] <= QUICK_TIMEOUT_S + LEASE_MARGIN_SECONDS


async def test_a_crisis_alert_held_by_a_dead_host_is_free_again_within_a_minute(db, settings):
    await queue.enqueue(alerts.KIND, {"post_id": 1})
    [held] = await queue.claim("host-a:dies", 4, JobRunner(settings).leases)
    assert held.kind == alerts.KIND
    stored = await Job.get(id=held.id)
    assert stored.status is JobStatus.RUNNING and stored.lease_until is not None
    free_in = (stored.lease_until - datetime.now(UTC)).total_seconds()
    assert 0 < free_in <= 60, free_in


async def test_a_worker_takes_no_more_jobs_than_it_can_start_at_once(db, settings):
    for _ in range(5):
        await queue.enqueue("test_quick_lease", {})
    runner = JobRunner(settings, name="host-b", concurrency=2)
    assert [await runner.run_due() for _ in range(4)] == [2, 2, 1, 0]
    assert await Job.filter(status=JobStatus.DONE).count() == 5
