"""The workers: inside every app process (started by the app's lifespan) and in `forum worker`.

A worker polls for due jobs (a cheap read; it claims only when there is something), claims
no more than it can start at once (``concurrency``), runs each within its kind's timeout, and
records the outcome. Its lease on a job is that kind's timeout plus a margin, so a job is run
again only if its worker died or hung: under normal operation each job runs once across every
process and host; after a crash it runs again (at least once) with the same idempotency key,
on another host too — a crisis alert held by a host that died is free again after the alert's
own lease (under a minute), not the slowest kind's (the tidy-up's five minutes).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import uuid

from forum.jobs import queue
from forum.jobs.kinds import GiveUp, Kind, load_kinds
from forum.models.jobs import Job, JobStatus
from forum.settings import Settings

log = logging.getLogger("forum.jobs")
POLL_SECONDS = 1.0
LEASE_MARGIN_SECONDS = 30.0
STOP_GRACE_SECONDS = 10.0


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class JobRunner:
    def __init__(self, settings: Settings, *, name: str | None = None,
                 poll_seconds: float = POLL_SECONDS, concurrency: int = 4) -> None:
        self.settings = settings
        self.name = name or worker_name()
        self.poll_seconds = poll_seconds
        self.kinds = load_kinds()
        self.concurrency = concurrency
        self._slots = asyncio.Semaphore(concurrency)
        self._running: set[asyncio.Task[None]] = set()
        self._stopping = asyncio.Event()

    @property
    def leases(self) -> dict[str, float]:
        """Seconds a claimed job of each kind stays this worker's."""
        return {name: kind.timeout_seconds + LEASE_MARGIN_SECONDS
                for name, kind in self.kinds.items()}

    async def run_due(self) -> int:
        """Claim what is due, as many as can start at once (a job waiting for a slot would
        use up its lease), and run it to the end; the number of jobs run."""
        if not await queue.any_due(list(self.kinds)):
            return 0
        jobs = await queue.claim(self.name, self.concurrency, self.leases, list(self.kinds))
        await asyncio.gather(*(self._run(job) for job in jobs))
        return len(jobs)

    async def _run(self, job: Job) -> None:
        kind = self.kinds[job.kind]
        async with self._slots:
            try:
                await asyncio.wait_for(kind.handler(job, self.settings), kind.timeout_seconds)
            except GiveUp as exc:
                await self._failed(job, kind, str(exc) or type(exc).__name__, retry=False)
            except Exception as exc:  # any failure is retried, and logged
                await self._failed(job, kind, f"{type(exc).__name__}: {exc}", retry=True)
            else:
                await queue.finish(job)

    async def _failed(self, job: Job, kind: Kind, error: str, *, retry: bool) -> None:
        pause = kind.pause_after(job.attempts) if retry else None
        status = await queue.attempt_failed(job, error, pause)
        if status is JobStatus.FAILED:
            log.error("job %s (%s) failed for good after %s tries: %s", job.id, job.kind,
                      job.attempts, error)
        else:
            log.warning("job %s (%s) try %s failed, again in %ss: %s", job.id, job.kind,
                        job.attempts, pause, error)

    async def run_forever(self) -> None:
        """Until cancelled: run what is due, then wait for the next poll. A database that
        cannot be reached is waited out, never fatal."""
        from forum.actions.maintenance import schedule_maintenance
        from forum.mail.rounds import schedule_mail_rounds

        failing = False
        while not self._stopping.is_set():
            try:
                await schedule_maintenance()
                await schedule_mail_rounds()
                while await self.run_due():
                    pass
            except asyncio.CancelledError:
                raise
            except Exception:  # the database may be down: try again at the next poll
                if not failing:
                    log.exception("the job worker cannot reach the job table; it keeps trying")
                failing = True
            else:
                if failing:
                    log.warning("the job worker reaches the job table again")
                failing = False
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self.poll_seconds)

    def start(self) -> asyncio.Task[None]:
        task = asyncio.get_running_loop().create_task(self.run_forever(), name="jobs")
        self._running.add(task)
        task.add_done_callback(self._running.discard)
        return task

    async def stop(self) -> None:
        """Let the jobs in hand finish (up to STOP_GRACE_SECONDS), then cancel: a job cut
        off keeps its lease and is run again by another worker once the lease ends."""
        self._stopping.set()
        tasks = list(self._running)
        if tasks:
            _done, late = await asyncio.wait(tasks, timeout=STOP_GRACE_SECONDS)
            for task in late:
                task.cancel()
            for task in late:
                with contextlib.suppress(asyncio.CancelledError):
                    await task


async def drain(settings: Settings, *, wait_seconds: float = 30.0) -> int:
    """Run jobs until none is left unfinished, waiting out retry pauses up to
    ``wait_seconds`` in all (for `forum worker --drain` and for tests); the number run."""
    runner = JobRunner(settings, poll_seconds=0.01)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait_seconds
    ran = 0
    while True:
        ran += await runner.run_due()
        if not await queue.unfinished_count() or loop.time() >= deadline:
            return ran
        await asyncio.sleep(0.02)
