"""Writing a notification: plain for a member, sealed when it concerns an anonymous post
(then no row ties the member to it; the app finds their notes by opening them)."""

from __future__ import annotations

from forum import sealing
from forum.anonymity import NOTICE_PURPOSE
from forum.models.notifications import Notification, SealedNotification


async def send(user_id: int, kind: str, message: str, link: str = "", *,
               sealed: bool = False) -> None:
    if sealed:
        await SealedNotification.create(
            sealed_recipient=sealing.seal(str(user_id), NOTICE_PURPOSE), kind=kind,
            message=message, link=link)
    else:
        await Notification.create(user_id=user_id, kind=kind, message=message, link=link)
