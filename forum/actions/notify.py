"""Writing a notification: plain for a member, sealed when it concerns an anonymous post
(then no row ties the member to it; the app finds their notes by opening them)."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from forum.models.notifications import Notification, SealedNotification
from forum.notice_recipients import seal_recipient


@dataclass(frozen=True)
class Note:
    user_id: int
    kind: str
    message: str
    own: bool = False  # the member caused the event: a receipt, not news


async def send(user_id: int, kind: str, message: str, link: str = "", *,
               sealed: bool = False) -> None:
    if sealed:
        await SealedNotification.create(sealed_recipient=seal_recipient(user_id), kind=kind,
                                        message=message, link=link)
    else:
        await Notification.create(user_id=user_id, kind=kind, message=message, link=link)


async def send_sealed_event(notes: Sequence[Note], link: str) -> None:
    """All the sealed notes of one event at once: one timestamp, in a random order, so
    neither the order of the rows nor their times sets any recipient apart."""
    if not notes:
        return
    now = datetime.now(UTC)
    shuffled = list(notes)
    secrets.SystemRandom().shuffle(shuffled)
    await SealedNotification.bulk_create([
        SealedNotification(sealed_recipient=seal_recipient(n.user_id, own=n.own), kind=n.kind,
                           message=n.message, link=link, created_at=now)
        for n in shuffled])
