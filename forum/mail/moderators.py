"""Emails to moderators about an urgent post, for those who opted in.

The job is queued in the same transaction as the urgent post's crisis alert
(forum.safety.alerts.queue_alert) and holds what that alert holds — the post's id and level —
so a copy of the database learns nothing from it that the alert did not already say. At
send time the handler finds the moderators who chose the email and have a verified address,
and queues one mail each (keyed, so a repeat of the job mails nobody twice). The email says
that an urgent post needs a look and links to it: never its words, its title or its author.
"""

from __future__ import annotations

from forum import sealing
from forum.jobs.kinds import Kind, register
from forum.jobs.queue import enqueue
from forum.mail import unsubscribe
from forum.mail.addresses import verified_email
from forum.mail.choices import URGENT_POST, Cadence, choice
from forum.mail.outbox import queue_mail
from forum.models.accounts import Role, User
from forum.models.jobs import Job
from forum.settings import Settings

KIND = "urgent_mail"
TEMPLATE = "urgent_post"
RETRY_DELAYS_SECONDS: tuple[float, ...] = (2.0, 10.0, 30.0, 120.0, 300.0)


async def queue_urgent_mail(post_id: int, level: str) -> Job:
    return await enqueue(KIND, {"post_id": post_id, "level": level},
                         max_attempts=len(RETRY_DELAYS_SECONDS) + 1)


async def opted_in_moderators() -> list[tuple[User, str]]:
    found = []
    for user in await User.filter(role__in=[Role.MODERATOR, Role.ADMIN], banned_at__isnull=True):
        address = verified_email(user)
        if address is not None and choice(user, URGENT_POST) is Cadence.SOON:
            found.append((user, address))
    return found


async def send_urgent_mail(job: Job, settings: Settings) -> None:
    post_id = int(job.payload["post_id"])
    for moderator, address in await opted_in_moderators():
        key = sealing.tag("urgent-mail", job.key, moderator.id)[:40]
        if await Job.exists(key=key):
            continue
        await queue_mail(address, TEMPLATE, {
            "moderation_url": f"{settings.base_url}/mod/posts/{post_id}",
            "queue_url": f"{settings.base_url}/mod/",
            "preferences_url": f"{settings.base_url}/account/email",
            "unsubscribe_url": unsubscribe.unsubscribe_url(settings, moderator.id, [URGENT_POST]),
        }, key=key, headers=unsubscribe.headers(settings, moderator.id, [URGENT_POST]))


register(Kind(KIND, send_urgent_mail, 30.0, lambda: RETRY_DELAYS_SECONDS))
