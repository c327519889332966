"""The job table as workers on several processes see it: a job exists exactly when the change
that queued it was committed, each due job is claimed by one worker, a worker that died
leaves its job to another once its lease ends, failures are retried with pauses and then
kept for an admin, and tidying deletes what has run its course — on both databases."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from tortoise.transactions import in_transaction

from forum.actions import maintenance
from forum.jobs import queue
from forum.jobs.kinds import GiveUp, Kind, register
from forum.jobs.runner import JobRunner
from forum.models.accounts import Session
from forum.models.jobs import Job, JobStatus
from forum.models.notifications import Notification

from ..factories import make_user

ran_jobs: list[tuple[int, int]] = []  # (job id, attempt) as the test kinds saw them
FAILS_LEFT: dict[int, int] = {}


async def _counting(job: Job, _settings: object) -> None:
    ran_jobs.append((job.id, job.attempts))
    await asyncio.sleep(0.01)


async def _flaky(job: Job, _settings: object) -> None:
    ran_jobs.append((job.id, job.attempts))
    if FAILS_LEFT.get(job.id, 0) > 0:
        FAILS_LEFT[job.id] -= 1
        raise RuntimeError("the receiver is down")


async def _hopeless(job: Job, _settings: object) -> None:
    ran_jobs.append((job.id, job.attempts))
    raise GiveUp("the post is gone")


register(Kind("test_counting", _counting, 5.0, lambda: (0.0,)))
register(Kind("test_flaky", _flaky, 5.0, lambda: (0.0, 0.0)))
register(Kind("test_hopeless", _hopeless, 5.0, lambda: (0.0, 0.0)))


@pytest.fixture(autouse=True)
def clean_records():
    ran_jobs.clear()
    FAILS_LEFT.clear()


class RolledBack(Exception):
    pass


async def test_a_job_queued_in_a_transaction_that_rolls_back_does_not_exist(db):
    with pytest.raises(RolledBack):
        async with in_transaction():
            await queue.enqueue("test_counting", {"n": 1})
            raise RolledBack
    assert await Job.all().count() == 0
    async with in_transaction():
        await queue.enqueue("test_counting", {"n": 2})
    assert [j.payload for j in await Job.all()] == [{"n": 2}]


async def test_workers_racing_for_the_same_jobs_run_each_job_once(db, settings):
    for n in range(30):
        await queue.enqueue("test_counting", {"n": n})
    runners = [JobRunner(settings, name=f"host-{n}") for n in range(4)]
    for _ in range(10):
        await asyncio.gather(*(r.run_due() for r in runners))
    every = [j.id for j in await Job.all().order_by("id")]
    assert sorted(job_id for job_id, _ in ran_jobs) == every
    assert await Job.filter(status=JobStatus.DONE).count() == 30


async def test_a_job_whose_worker_died_is_run_again_once_its_lease_ends(db, settings):
    job = await queue.enqueue("test_counting", {})
    [held] = await queue.claim("a-worker-that-dies", 5, lease_seconds=60)
    assert await queue.claim("another-worker", 5, lease_seconds=60) == []  # leased
    await Job.filter(id=job.id).update(lease_until=datetime.now(UTC) - timedelta(seconds=1))
    assert await JobRunner(settings, name="another-worker").run_due() == 1
    assert ran_jobs == [(job.id, 2)]
    await queue.finish(held)  # the first worker wakes up late: it changes nothing
    stored = await Job.get(id=job.id)
    assert (stored.status, stored.worker, stored.attempts) == (JobStatus.DONE,
                                                              "another-worker", 2)


async def test_failures_are_retried_then_kept_for_an_admin_who_can_retry(db, settings, admin):
    flaky = await queue.enqueue("test_flaky", {}, max_attempts=3)
    FAILS_LEFT[flaky.id] = 2
    runner = JobRunner(settings)
    for _ in range(3):
        await runner.run_due()
    assert [a for _, a in ran_jobs] == [1, 2, 3]
    assert (await Job.get(id=flaky.id)).status is JobStatus.DONE

    ran_jobs.clear()
    broken = await queue.enqueue("test_flaky", {}, max_attempts=2)
    FAILS_LEFT[broken.id] = 5
    for _ in range(4):
        await runner.run_due()
    stored = await Job.get(id=broken.id)
    assert (stored.status, stored.attempts) == (JobStatus.FAILED, 2)
    assert "the receiver is down" in stored.last_error

    page = await admin.get("/admin/jobs")
    assert page.status_code == 200 and "the receiver is down" in page.text
    FAILS_LEFT[broken.id] = 0
    retried = await admin.post_form(f"/admin/jobs/{broken.id}/retry", {})
    assert retried.status_code == 303
    again = await admin.post_form(f"/admin/jobs/{broken.id}/retry", {})
    assert again.status_code == 409 and "nothing changed" in again.text
    await runner.run_due()
    assert (await Job.get(id=broken.id)).status is JobStatus.DONE


async def test_a_job_that_gives_up_fails_at_once(db, settings):
    job = await queue.enqueue("test_hopeless", {}, max_attempts=5)
    await JobRunner(settings).run_due()
    stored = await Job.get(id=job.id)
    assert (stored.status, stored.attempts, stored.last_error) == (
        JobStatus.FAILED, 1, "the post is gone")


async def test_members_cannot_see_or_retry_jobs(db, member):
    job = await queue.enqueue("test_hopeless", {})
    assert (await member.get("/admin/jobs")).status_code == 403
    assert (await member.post_form(f"/admin/jobs/{job.id}/retry", {})).status_code == 403


async def test_the_hourly_tidy_up_is_queued_once_however_many_workers_ask(db):
    maintenance._scheduled.clear()
    moment = datetime(2026, 12, 2, 9, 30, tzinfo=UTC)
    await maintenance.schedule_maintenance(moment)
    maintenance._scheduled.clear()  # another process, which has not queued it yet
    await maintenance.schedule_maintenance(moment)
    await maintenance.schedule_maintenance(moment + timedelta(minutes=20))
    assert await Job.filter(kind="maintenance").count() == 1
    maintenance._scheduled.clear()
    await maintenance.schedule_maintenance(moment + timedelta(hours=1))
    assert await Job.filter(kind="maintenance").count() == 2
    maintenance._scheduled.clear()


async def test_tidying_deletes_expired_sessions_old_read_notes_and_finished_jobs(db, settings):
    user = await make_user()
    now = datetime.now(UTC)
    expired = await Session.create(user=user, token_hash="a" * 64, expires_at=now)
    live = await Session.create(user=user, token_hash="b" * 64,
                                expires_at=now + timedelta(days=1))
    kept = timedelta(days=settings.notifications_kept_days)
    old_read = await Notification.create(user=user, kind="x", message="old, read")
    old_unread = await Notification.create(user=user, kind="x", message="old, never read")
    recent_read = await Notification.create(user=user, kind="x", message="recent, read")
    await Notification.filter(id__in=[old_read.id, old_unread.id]).update(
        created_at=now - kept - timedelta(days=1))
    await Notification.filter(id__in=[old_read.id, recent_read.id]).update(read_at=now)
    done_long_ago = await queue.enqueue("test_counting", {})
    failed_recently = await queue.enqueue("test_counting", {})
    await Job.filter(id=done_long_ago.id).update(status=JobStatus.DONE,
                                                 finished_at=now - timedelta(days=15))
    await Job.filter(id=failed_recently.id).update(status=JobStatus.FAILED,
                                                   finished_at=now - timedelta(days=15))
    pruned = await maintenance.prune(settings)
    assert (pruned.sessions, pruned.notifications, pruned.jobs) == (1, 1, 1)
    assert not await Session.exists(id=expired.id) and await Session.exists(id=live.id)
    assert {n.message for n in await Notification.all()} == {"old, never read",
                                                             "recent, read"}
    assert [j.id for j in await Job.all()] == [failed_recently.id]
