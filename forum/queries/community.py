"""Reading reactions, follows, notifications and public profiles."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol, TypeVar

from tortoise import connections
from tortoise.functions import Count

from forum.clock import parse_time
from forum.models.accounts import User
from forum.models.community import Follow, Reaction, ReactionKind
from forum.models.content import Post, PostStatus
from forum.models.notifications import Notification, SealedNotification
from forum.notice_recipients import (
    FOR_ADMINS,
    SEALED_NOTES_KEPT_DAYS,
    SLOTS_PER_PROBE,
    day_number,
    note_slot,
    open_admin_note,
    open_recipient,
    recent_slots,
    slot_literals,
)
from forum.queries.content import not_found

# Sealed notes are looked up by slot for all the days they are kept in one query; the bell
# counts those of the last BELL_DAYS days (older ones are on the notifications page).
BELL_DAYS = 30
NOTIFICATIONS_SHOWN = 50
PROFILE_POSTS = 30
# A member told about one event in several roles sees one note: the first role here.
FAN_OUT_PRECEDENCE = ("reply_to_story", "reply_to_post", "followed_thread", "mention")


@dataclass
class ReactionSummary:
    counts: dict[str, int]
    mine: set[str]


async def reactions_for(post_ids: list[int], viewer: User | None) -> dict[int, ReactionSummary]:
    """Counts per post and kind, and which the viewer gave — one query for a whole page."""
    found: dict[int, ReactionSummary] = defaultdict(lambda: ReactionSummary({}, set()))
    if not post_ids:
        return found
    placeholders = ",".join(str(int(n)) for n in post_ids)
    viewer_id = int(viewer.id) if viewer else -1
    rows = await connections.get("default").execute_query_dict(
        f"SELECT post_id, kind, COUNT(*) AS n, "  # noqa: S608 (ids are ints)
        f"SUM(CASE WHEN user_id = {viewer_id} THEN 1 ELSE 0 END) AS mine "
        f"FROM reactions WHERE post_id IN ({placeholders}) GROUP BY post_id, kind")
    for row in rows:
        summary = found[row["post_id"]]
        summary.counts[row["kind"]] = int(row["n"])
        if int(row["mine"] or 0):
            summary.mine.add(row["kind"])
    return found


async def is_following(user: User, thread_id: int) -> bool:
    return await Follow.exists(user_id=user.id, thread_id=thread_id)


SlotKey = TypeVar("SlotKey", bound=Hashable)


async def rows_in_slots(keys: Iterable[SlotKey], slot_of: Callable[[SlotKey, int], str],
                        columns: str, *, from_n: int = 0,
                        ) -> list[tuple[SlotKey, int, dict[str, Any]]]:
    """Every sealed row in the slots ``slot_of(key, n)`` of these keys, n from ``from_n`` on,
    each with its (key, n): one query for all the keys' first slots, another only for the
    keys whose slots were all taken (a key's slots have no gap). ``columns`` names ``slot``."""
    found: list[tuple[SlotKey, int, dict[str, Any]]] = []
    start = dict.fromkeys(keys, from_n)
    while start:
        index = {slot_of(key, n): (key, n) for key, begin in start.items()
                 for n in range(begin, begin + SLOTS_PER_PROBE)}
        rows = await connections.get("default").execute_query_dict(
            f"SELECT {columns} FROM sealed_notifications "  # noqa: S608 (checked literals)
            f"WHERE slot IN ({slot_literals(index)})")
        top: dict[SlotKey, int] = {}
        for row in rows:
            key, n = index[str(row["slot"])]
            found.append((key, n, row))
            top[key] = max(top.get(key, -1), n)
        start = {key: begin + SLOTS_PER_PROBE for key, begin in start.items()
                 if top.get(key) == begin + SLOTS_PER_PROBE - 1}
    return found


async def _slotted_rows(user_id: int, days: Sequence[int], columns: str, *,
                        from_n: int = 0) -> list[dict[str, Any]]:
    """Every sealed row in the member's slots of these days (from slot ``from_n`` on)."""
    return [row for _day, _n, row in await rows_in_slots(
        days, lambda day, n: note_slot(user_id, day, n), columns, from_n=from_n)]


def _days_back(today: int, count: int) -> list[int]:
    return list(range(today, today - count, -1))


async def _opened_sealed_notes(user: User, unread_only: bool,
                               ) -> list[tuple[SealedNotification, bool]]:
    """The member's sealed notes of every day they are kept, newest first, each with whether
    it is their own receipt: the slots of all those days in one query (and one more only for
    days whose first slots were all taken), then the notes themselves in one."""
    today = day_number(datetime.now(UTC))
    days = _days_back(today, SEALED_NOTES_KEPT_DAYS + 1)
    ids = [int(row["id"]) for row in await _slotted_rows(user.id, days, "id, slot")]
    if not ids:
        return []
    found: list[tuple[SealedNotification, bool]] = []
    for note in await SealedNotification.filter(id__in=ids).order_by("-id"):
        recipient = open_recipient(note.sealed_recipient)
        if recipient is None or recipient.user_id != user.id:
            continue
        if note.read_at is None and user.sealed_notes_read_before is not None and (
                note.created_at < user.sealed_notes_read_before):
            note.read_at = note.created_at  # shown as read; the row is never written
        if unread_only and note.read_at is not None:
            continue
        found.append((note, recipient.own))
    return found


async def own_sealed_notes(user: User, unread_only: bool = False) -> list[SealedNotification]:
    """Every sealed note of the member, their own receipts included (for reading them all,
    exporting and erasing)."""
    return [note for note, _own in await _opened_sealed_notes(user, unread_only)]


class _NoteLike(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def kind(self) -> str: ...
    @property
    def link(self) -> str: ...


N = TypeVar("N", bound=_NoteLike)


@dataclass(frozen=True)
class _Unread:
    id: int
    kind: str
    link: str


def _as_news(opened: list[tuple[N, bool]]) -> list[N]:
    """What the member is shown: no receipts, and one note per event (the first of their
    roles in FAN_OUT_PRECEDENCE) however many roles they hold in it."""
    shown: dict[tuple[str, str], N] = {}
    for note, own in opened:
        if own:
            continue
        key = (note.link, "fan-out") if note.kind in FAN_OUT_PRECEDENCE else (
            note.link, f"note-{note.id}")
        if key not in shown or _rank(note) < _rank(shown[key]):
            shown[key] = note
    return list(shown.values())


def _rank(note: _NoteLike) -> int:
    return FAN_OUT_PRECEDENCE.index(note.kind) if note.kind in FAN_OUT_PRECEDENCE else 0


async def unread_count(user: User) -> int:
    """The bell on every page: the plain count, and the member's unread sealed notes of the
    last BELL_DAYS days found by their slots, in one query."""
    recent = recent_slots(user.id, day_number(datetime.now(UTC)), BELL_DAYS)
    index = recent.index
    rows = await connections.get("default").execute_query_dict(
        "SELECT 0 AS id, '' AS slot, '' AS sealed_recipient, '' AS kind, '' AS link, "  # noqa: S608
        "NULL AS created_at, NULL AS read_at, "
        f"COUNT(*) AS plain FROM notifications WHERE user_id = {int(user.id)} "
        "AND read_at IS NULL UNION ALL SELECT id, slot, sealed_recipient, kind, link, "
        "created_at, read_at, 0 AS plain FROM sealed_notifications "
        f"WHERE slot IN ({recent.literals})")
    plain = sum(int(row["plain"]) for row in rows if not row["slot"])
    sealed = [row for row in rows if row["slot"]]
    top: dict[int, int] = {}
    for row in sealed:
        day, n = index[str(row["slot"])]
        top[day] = max(top.get(day, -1), n)
    if full := [day for day, n in top.items() if n == SLOTS_PER_PROBE - 1]:
        sealed += await _slotted_rows(
            user.id, full, "id, slot, sealed_recipient, kind, link, created_at, read_at",
            from_n=SLOTS_PER_PROBE)
    read_before = user.sealed_notes_read_before
    opened: list[tuple[_Unread, bool]] = []
    for row in sealed:
        if row["read_at"] is None and (
                read_before is None or parse_time(row["created_at"]) >= read_before) and (
                recipient := open_recipient(row["sealed_recipient"])) is not None and (
                recipient.user_id == user.id):
            opened.append((_Unread(int(row["id"]), row["kind"], row["link"]), recipient.own))
    return plain + len(_as_news(opened))


async def notifications_for(user: User) -> list[Notification | SealedNotification]:
    plain = await Notification.filter(user_id=user.id).order_by("-id").limit(NOTIFICATIONS_SHOWN)
    for note in plain:
        if note.kind == FOR_ADMINS:
            note.message = open_admin_note(note.message)  # shown opened; the row stays sealed
    sealed = await _opened_sealed_notes(user, unread_only=False)
    both: list[Notification | SealedNotification] = [*plain, *_as_news(sealed)]
    return sorted(both, key=lambda n: (n.created_at, n.id), reverse=True)[:NOTIFICATIONS_SHOWN]


@dataclass(frozen=True)
class Profile:
    user: User
    posts: list[Post]
    reactions_received: dict[str, int]


async def profile(username: str) -> Profile:
    """What anyone may see of a member: never their anonymous posts or guest posts."""
    from forum.queries.accounts import find_user_by_username

    user = await find_user_by_username(username)
    if user is None:
        raise not_found()
    if user.hide_activity:
        return Profile(user, [], {})
    named = await Post.filter(author_id=user.id, is_anonymous=False,
                              status=PostStatus.PUBLISHED).select_related("thread").order_by(
        "-id").limit(PROFILE_POSTS * 2)
    open_threads: set[int] = {thread_id for (thread_id,) in await Post.filter(
        is_story=True, status=PostStatus.PUBLISHED,
        thread_id__in=[p.thread_id for p in named]).values_list("thread_id")}
    posts = [p for p in named if p.thread_id in open_threads][:PROFILE_POSTS]
    received = await Reaction.filter(post__author_id=user.id, post__is_anonymous=False,
                                     post__status=PostStatus.PUBLISHED).annotate(
        n=Count("id")).group_by("kind").values("kind", "n")
    counts = {row["kind"]: row["n"] for row in received}
    return Profile(user, posts, {k.value: counts.get(k.value, 0) for k in ReactionKind})
