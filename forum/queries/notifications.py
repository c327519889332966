"""Reading a member's own notifications, plain and sealed."""

from __future__ import annotations

from forum import sealing
from forum.anonymity import NOTICE_PURPOSE
from forum.models.accounts import User
from forum.models.notifications import Notification, SealedNotification

RECENT_NOTIFICATIONS = 30
SEALED_SCAN = 2000  # newest sealed notes opened to find a member's own


async def recent_notifications(user: User) -> list[Notification | SealedNotification]:
    plain = await Notification.filter(user_id=user.id).order_by("-id").limit(
        RECENT_NOTIFICATIONS)
    sealed = [
        note for note in await SealedNotification.all().order_by("-id").limit(SEALED_SCAN)
        if sealing.unseal(note.sealed_recipient, NOTICE_PURPOSE) == str(user.id)
    ]
    both = sorted([*plain, *sealed], key=lambda n: n.created_at, reverse=True)
    return both[:RECENT_NOTIFICATIONS]
