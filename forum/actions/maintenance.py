"""Keeping the database tidy: expired sessions, old read notifications, sealed notes past
their year and finished jobs are deleted. It runs as a job on the job table (queued at most
once an hour by whichever worker comes first) and by hand with `forum prune`."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from tortoise.exceptions import IntegrityError

from forum.actions.notify import next_free_slots
from forum.jobs.kinds import Kind, register
from forum.jobs.queue import delete_finished, enqueue
from forum.models.accounts import Session
from forum.models.jobs import Job
from forum.models.notifications import Notification, SealedNotification
from forum.notice_recipients import SEALED_NOTES_KEPT_DAYS, day_number, open_recipient
from forum.settings import Settings

KIND = "maintenance"
DONE_JOBS_KEPT = timedelta(days=14)
FAILED_JOBS_KEPT = timedelta(days=90)
LEGACY_BATCH = 500
NOBODY = 0  # the recipient of a note this key cannot open: kept, found by nobody
_scheduled: set[str] = set()  # hours this process has already queued


@dataclass(frozen=True)
class Pruned:
    sessions: int
    notifications: int
    sealed_notifications: int
    jobs: int

    def __str__(self) -> str:
        return (f"Deleted {self.sessions} expired session(s), {self.notifications} read "
                f"notification(s), {self.sealed_notifications} sealed notification(s) older "
                f"than {SEALED_NOTES_KEPT_DAYS} days and {self.jobs} finished job(s).")


async def prune(settings: Settings, *, moment: datetime | None = None) -> Pruned:
    now = moment or datetime.now(UTC)
    sessions = await Session.filter(expires_at__lte=now).delete()
    kept = timedelta(days=settings.notifications_kept_days)
    notifications = await Notification.filter(read_at__isnull=False,
                                              created_at__lt=now - kept).delete()
    # Whole days only: a kept day's slots must have no gap.
    first_kept_day = datetime.combine(now.astimezone(UTC).date(), time(), UTC) - timedelta(
        days=SEALED_NOTES_KEPT_DAYS)
    sealed = await SealedNotification.filter(created_at__lt=first_kept_day).delete()
    jobs = await delete_finished(now - DONE_JOBS_KEPT, now - FAILED_JOBS_KEPT)
    await give_old_notes_slots()
    return Pruned(int(sessions), int(notifications), int(sealed), jobs)


async def give_old_notes_slots() -> int:
    """Sealed notes written before they had slots get one (their recipient's next free slot
    of the day they were sent), so their member finds them. Run after migrating."""
    given = 0
    while rows := await SealedNotification.filter(slot__isnull=True).order_by("id").limit(
            LEGACY_BATCH):
        for note in rows:
            recipient = open_recipient(note.sealed_recipient)
            user_id = recipient.user_id if recipient is not None else NOBODY
            [slot] = await next_free_slots([user_id], day_number(note.created_at))
            await SealedNotification.filter(id=note.id).update(slot=slot)
            given += 1
    return given


async def schedule_maintenance(moment: datetime | None = None) -> None:
    """Queue this hour's tidy-up unless some worker (here or on another host) already did:
    the job's key is the hour, and the table takes each key once."""
    hour = (moment or datetime.now(UTC)).strftime("maintenance-%Y%m%d%H")
    if hour in _scheduled:
        return
    with contextlib.suppress(IntegrityError):
        await enqueue(KIND, {}, key=hour, max_attempts=3)
    _scheduled.add(hour)


async def _run(_job: Job, settings: Settings) -> None:
    await prune(settings)


register(Kind(KIND, _run, 300.0, lambda: (60.0, 600.0)))
