"""Writing a notification: plain for a member, sealed when it concerns an anonymous post
(then no row ties the member to it; the member finds their notes by their keyed slots)."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from forum.models.notifications import Notification, SealedNotification
from forum.notice_recipients import day_number, note_slot, seal_recipient
from forum.queries.community import rows_in_slots

# Another write took a slot between our look and our insert: look again (each round one of
# the racing writers wins, so this bounds the writers racing for one member at one moment).
SLOT_RACES = 64


@dataclass(frozen=True)
class Note:
    user_id: int
    kind: str
    message: str
    own: bool = False  # the member caused the event: a receipt, not news


async def send(user_id: int, kind: str, message: str, link: str = "", *,
               sealed: bool = False) -> None:
    if sealed:
        await send_sealed_event([Note(user_id, kind, message)], link)
    else:
        await Notification.create(user_id=user_id, kind=kind, message=message, link=link)


async def send_plain_event(notes: Sequence[Note], link: str) -> None:
    """All the plain notes of one event in one statement (one write, not one per member:
    on SQLite each write is a turn of the database's only write lock)."""
    if notes:
        await Notification.bulk_create([
            Notification(user_id=n.user_id, kind=n.kind, message=n.message, link=link)
            for n in notes])


async def send_sealed_event(notes: Sequence[Note], link: str) -> None:
    """All the sealed notes of one event at once: one timestamp, in a random order, so
    neither the order of the rows nor their times sets any recipient apart. Each goes into
    its recipient's next free slot of the day."""
    if not notes:
        return
    now = datetime.now(UTC)
    shuffled = list(notes)
    secrets.SystemRandom().shuffle(shuffled)
    for attempt in range(SLOT_RACES):
        slots = await next_free_slots([n.user_id for n in shuffled], day_number(now))
        rows = [SealedNotification(
            sealed_recipient=seal_recipient(n.user_id, own=n.own), kind=n.kind,
            message=n.message, link=link, created_at=now, slot=slots[i])
            for i, n in enumerate(shuffled)]
        try:
            async with in_transaction():  # a savepoint inside the caller's transaction
                await SealedNotification.bulk_create(rows)
            return
        except IntegrityError:
            if attempt == SLOT_RACES - 1:
                raise
            await asyncio.sleep(secrets.randbelow(5) / 1000)


async def next_free_slots(user_ids: list[int], day: int) -> list[str]:
    """A free slot of the day for each recipient in turn (one member twice gets two)."""
    taken = await rows_in_slots(set(user_ids), lambda user_id, n: note_slot(user_id, day, n),
                                "slot")
    next_n: dict[int, int] = {}
    for user_id, n, _row in taken:
        next_n[user_id] = max(next_n.get(user_id, 0), n + 1)
    slots = []
    for user_id in user_ids:
        n = next_n.get(user_id, 0)
        next_n[user_id] = n + 1
        slots.append(note_slot(user_id, day, n))
    return slots
