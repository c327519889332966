"""Email about notifications, sent in rounds: every few minutes for what members want soon,
once a day for their digest.

Nothing about mail is written when a notification is: a post's transaction (and the sealed
notes of its event) gains no mail row, so no mail job can stand beside an anonymous post and
point at its author. Instead the worker queues one round job per window — every
SOON_MINUTES whatever happened, and one per day — and the round's handler, which has the key,
reads the notifications of its window (opening the sealed ones) and queues the emails. Beside
them it queues jobs that send nothing, sealed and padded alike, so that a round has one job
for each sealed note of its window (receipts and notes for members with no address
included) and one for each member whose plain news is emailed: the first number is in the
copy already (the sealed rows), the second follows from plain notes and public choices, so
the mail jobs add nothing — least of all a job present or missing for an anonymous author.

Mail about a sealed note (anything touching an anonymous post) is always discreet — it says
"Someone replied to your story" and links to the notifications page — whatever the member
chose, so nothing in an inbox ties its reader to an anonymous post. Fuller emails (a member's
choice) carry the note as the site shows it — the title and the author as readers see them —
for plain notes only, which are never about an anonymous post.
"""

from __future__ import annotations

import contextlib
import secrets
from collections import defaultdict
from collections.abc import Awaitable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from forum import sealing
from forum.jobs.kinds import Kind, register
from forum.jobs.queue import enqueue
from forum.mail import unsubscribe
from forum.mail.addresses import verified_email
from forum.mail.choices import QUEUE_SUMMARY, Cadence, choice, is_moderator, mail_kind
from forum.mail.outbox import queue_mail, queue_nothing
from forum.models.accounts import Role, User
from forum.models.jobs import Job
from forum.models.notifications import Notification, SealedNotification
from forum.notice_recipients import EPOCH, day_number, open_recipient
from forum.queries.community import FAN_OUT_PRECEDENCE
from forum.queries.moderation import QueueTab, queue_page
from forum.queries.site import site_identity
from forum.settings import Settings

KIND = "mail_round"
SOON_MINUTES = 5  # "soon": one email for what arrived in each window of this many minutes
GRACE_SECONDS = 60  # a window's round runs this long after it ends (late commits land first)
SOON_CATCH_UP = 12  # windows looked back on when the worker was away (an hour)
DIGEST_CATCH_UP_DAYS = 2
TEMPLATE = "notifications"
# A job that sends nothing is padded like a discreet email with one entry (about this long
# before padding), so both fill the same number of padding blocks.
NOTHING_LIKE = 700
SUMMARY_TEMPLATE = "queue_summary"

# What a discreet email says of each kind: that there is something, never what or who.
DISCREET = {
    "reply_to_story": "Someone replied to your story",
    "reply_to_post": "Someone answered your post",
    "mention": "Someone mentioned you",
    "followed_thread": "There is a new reply in a story you follow",
    "moderation": "You have a message from the moderators",
}


@dataclass(frozen=True)
class Round:
    cadence: Cadence
    start: datetime
    end: datetime
    name: str

    @property
    def key(self) -> str:
        return f"mail-{self.name}"


def soon_round(window: int) -> Round:
    start = datetime.fromtimestamp(window * SOON_MINUTES * 60, UTC)
    return Round(Cadence.SOON, start, start + timedelta(minutes=SOON_MINUTES), f"soon-{window}")


def digest_round(day: int) -> Round:
    start = datetime.combine(EPOCH + timedelta(days=day), datetime.min.time(), UTC)
    return Round(Cadence.DIGEST, start, start + timedelta(days=1), f"digest-{day}")


def due_rounds(moment: datetime) -> list[Round]:
    """The rounds whose windows have ended (GRACE_SECONDS ago) by ``moment``, the latest few."""
    settled = moment - timedelta(seconds=GRACE_SECONDS)
    last_window = int(settled.timestamp() // (SOON_MINUTES * 60)) - 1
    last_day = day_number(settled) - 1
    return [*(soon_round(w) for w in range(last_window - SOON_CATCH_UP + 1, last_window + 1)),
            *(digest_round(d) for d in range(last_day - DIGEST_CATCH_UP_DAYS + 1,
                                             last_day + 1))]


async def queue_mail_rounds(moment: datetime | None = None) -> int:
    """Queue each due round unless some worker already did (its key is its window); the
    number queued now."""
    queued = 0
    for found in due_rounds(moment or datetime.now(UTC)):
        if await Job.exists(key=found.key):
            continue
        with contextlib.suppress(IntegrityError):
            async with in_transaction():
                await enqueue(KIND, {"cadence": found.cadence.value, "name": found.name,
                                     "start": found.start.isoformat(),
                                     "end": found.end.isoformat()},
                              key=found.key, max_attempts=5)
                queued += 1
    return queued


_scheduled: set[str] = set()  # the latest round this process has already queued


async def schedule_mail_rounds() -> None:
    """Called by every worker on each poll; asks the database only when a window has ended."""
    latest = due_rounds(datetime.now(UTC))[SOON_CATCH_UP - 1].name
    if latest in _scheduled:
        return
    await queue_mail_rounds()
    _scheduled.add(latest)


@dataclass(frozen=True)
class Item:
    kind: str  # the email kind
    note_kind: str
    message: str
    link: str
    sealed: bool
    created: datetime


@dataclass
class News:
    items: list[Item] = field(default_factory=list)
    sealed_ids: list[int] = field(default_factory=list)  # every sealed note, receipts too


@dataclass(frozen=True)
class Mail:
    to: str
    context: dict[str, Any]
    headers: dict[str, str]


async def _window_news(start: datetime, end: datetime) -> tuple[dict[int, News], list[int]]:
    """Each member's unread notes created in the window: plain ones, and sealed ones opened;
    and the sealed notes this key cannot open (each still gets its job)."""
    news: dict[int, News] = defaultdict(News)
    for note in await Notification.filter(created_at__gte=start, created_at__lt=end,
                                          read_at__isnull=True).order_by("id"):
        if (kind := mail_kind(note.kind)) is not None:
            news[note.user_id].items.append(
                Item(kind, note.kind, note.message, note.link, False, note.created_at))
    unopened: list[int] = []
    for sealed in await SealedNotification.filter(created_at__gte=start, created_at__lt=end):
        recipient = open_recipient(sealed.sealed_recipient)
        if recipient is None:
            unopened.append(sealed.id)
            continue
        news[recipient.user_id].sealed_ids.append(sealed.id)
        kind = mail_kind(sealed.kind)
        if not recipient.own and kind is not None and sealed.read_at is None:
            news[recipient.user_id].items.append(
                Item(kind, sealed.kind, "", sealed.link, True, sealed.created_at))
    return news, unopened


def _one_per_event(items: list[Item]) -> list[Item]:
    """One entry per event for a member holding several roles in it (as on the site)."""
    kept: dict[tuple[str, str], Item] = {}
    for n, item in enumerate(items):
        key = (item.link, "fan-out") if item.note_kind in FAN_OUT_PRECEDENCE else (
            item.link, str(n))
        rank = FAN_OUT_PRECEDENCE.index(item.note_kind) if (
            item.note_kind in FAN_OUT_PRECEDENCE) else 0
        if key not in kept or rank < FAN_OUT_PRECEDENCE.index(kept[key].note_kind):
            kept[key] = item
    return list(kept.values())


def _read_on_the_site(user: User, created: datetime) -> bool:
    return user.sealed_notes_read_before is not None and created < user.sealed_notes_read_before


def compose_context(settings: Settings, user: User, items: list[Item],
                    cadence: Cadence, site: str) -> dict[str, Any]:
    """What the email says: discreet (the default, and always for sealed notes) or fuller
    (``site``: what the admins call the site)."""
    fuller = user.mail_fuller
    entries = [{"text": item.message if fuller and not item.sealed else DISCREET[item.kind],
                "link": f"{settings.base_url}{item.link}" if (
                    fuller and not item.sealed and item.link) else ""}
               for item in items]
    if cadence is Cadence.DIGEST:
        subject = f"Your daily summary from {site}: {_count(len(items))}"
    elif len(items) == 1:
        subject = f"{entries[0]['text'].rstrip('.')} on {site}"
    else:
        subject = f"{_count(len(items))} on {site}"
    kinds = sorted({item.kind for item in items})
    return {"subject": subject, "entries": entries, "digest": cadence is Cadence.DIGEST,
            "notifications_url": f"{settings.base_url}/notifications",
            "preferences_url": f"{settings.base_url}/account/email",
            "unsubscribe_url": unsubscribe.unsubscribe_url(settings, user.id, kinds),
            "kinds": kinds}


def _count(n: int) -> str:
    return f"{n} new notification{'s' if n != 1 else ''}"


def mail_key(round_name: str, slot: str) -> str:
    """The same on a repeat of the round (so nobody is mailed twice for one round);
    unlinkable to a member or a note without the key."""
    return sealing.tag("mail-round", round_name, slot)[:40]


async def _queue_once(coroutine: Awaitable[Job]) -> None:
    with contextlib.suppress(IntegrityError):
        async with in_transaction():
            await coroutine


async def run_round(job: Job, settings: Settings) -> None:
    """One round: an email for each member with news they want at this pace, and beside the
    emails jobs that send nothing, so that the round queues one job per sealed note of its
    window (a number a copy of the database already shows) plus one per member whose plain
    news is emailed (which the copy can work out from plain notes and choices). Whose a job
    is, and whether it sends anything, is sealed."""
    cadence = Cadence(str(job.payload["cadence"]))
    name = str(job.payload["name"])
    start = datetime.fromisoformat(str(job.payload["start"]))
    end = datetime.fromisoformat(str(job.payload["end"]))
    news, unopened = await _window_news(start, end)
    site = (await site_identity()).name
    members = {u.id: u for u in await User.filter(id__in=list(news), banned_at__isnull=True)}
    queued: list[tuple[str, Mail | None]] = [(mail_key(name, f"note-{n}"), None)
                                             for n in unopened]
    for user_id, found in news.items():
        user = members.get(user_id)
        address = verified_email(user) if user is not None else None
        mail: Mail | None = None
        slots = [mail_key(name, f"note-{n}") for n in found.sealed_ids]
        if user is not None and address is not None and (items := _one_per_event([
                i for i in found.items if choice(user, i.kind) is cadence
                and not (i.sealed and _read_on_the_site(user, i.created))])):
            context = compose_context(settings, user, items, cadence, site)
            mail = Mail(address, context, unsubscribe.headers(settings, user.id,
                                                              context["kinds"]))
            if any(not item.sealed for item in items):
                slots.insert(0, mail_key(name, f"member-{user_id}"))
        queued += [(key, mail if n == 0 else None) for n, key in enumerate(slots)]
    # In a random order: the order of the jobs (their ids) says nothing of whose they are.
    secrets.SystemRandom().shuffle(queued)
    for key, mail in queued:
        if mail is None:
            await _queue_once(queue_nothing(key, NOTHING_LIKE))
        else:
            await _queue_once(queue_mail(mail.to, TEMPLATE, mail.context, key=key,
                                         headers=mail.headers))
    if cadence is Cadence.DIGEST:
        await _queue_summaries(settings)


async def _queue_summaries(settings: Settings) -> None:
    """The moderators who asked for it get the queue as it is now: counts, a link. Once a
    day whichever day's rounds run (its key is the day it is sent)."""
    moderators = [u for u in await User.filter(
        role__in=[Role.MODERATOR, Role.ADMIN], banned_at__isnull=True)
        if is_moderator(u) and choice(u, QUEUE_SUMMARY) is Cadence.DIGEST and verified_email(u)]
    if not moderators:
        return
    counts = (await queue_page(QueueTab.URGENT, 1)).counts
    for moderator in moderators:
        address = verified_email(moderator)
        assert address is not None
        await _queue_once(queue_mail(address, SUMMARY_TEMPLATE, {
            "counts": counts, "queue_url": f"{settings.base_url}/mod/",
            "preferences_url": f"{settings.base_url}/account/email",
            "unsubscribe_url": unsubscribe.unsubscribe_url(settings, moderator.id,
                                                           [QUEUE_SUMMARY]),
        }, key=sealing.tag("queue-summary", day_number(datetime.now(UTC)), moderator.id)[:40],
            headers=unsubscribe.headers(settings, moderator.id, [QUEUE_SUMMARY])))


register(Kind(KIND, run_round, 60.0, lambda: (30.0, 120.0, 600.0, 1800.0)))
