"""Reading a member's own notifications."""

from __future__ import annotations

from forum.models.accounts import User
from forum.models.notifications import Notification

RECENT_NOTIFICATIONS = 30


async def recent_notifications(user: User) -> list[Notification]:
    return await Notification.filter(user_id=user.id).order_by("-id").limit(RECENT_NOTIFICATIONS)
