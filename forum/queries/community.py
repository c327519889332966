"""Reading reactions, follows, notifications and public profiles."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from tortoise import connections
from tortoise.functions import Count

from forum import sealing
from forum.anonymity import NOTICE_PURPOSE, my_anonymous_post_ids
from forum.models.accounts import User
from forum.models.community import Follow, Reaction, ReactionKind
from forum.models.content import Post, PostStatus
from forum.models.notifications import Notification, SealedNotification
from forum.queries.content import not_found

SEALED_SCAN = 2000
NOTIFICATIONS_SHOWN = 50
PROFILE_POSTS = 30


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


async def own_sealed_notes(user: User, unread_only: bool = False) -> list[SealedNotification]:
    """A member's sealed notes are opened only if they have anonymous posts at all."""
    if not my_anonymous_post_ids(user):
        return []
    query = SealedNotification.all()
    if unread_only:
        query = query.filter(read_at__isnull=True)
    return [note for note in await query.order_by("-id").limit(SEALED_SCAN)
            if sealing.unseal(note.sealed_recipient, NOTICE_PURPOSE) == str(user.id)]


async def unread_count(user: User) -> int:
    plain = await Notification.filter(user_id=user.id, read_at__isnull=True).count()
    return plain + len(await own_sealed_notes(user, unread_only=True))


async def notifications_for(user: User) -> list[Notification | SealedNotification]:
    plain = await Notification.filter(user_id=user.id).order_by("-id").limit(NOTIFICATIONS_SHOWN)
    both: list[Notification | SealedNotification] = [*plain, *await own_sealed_notes(user)]
    return sorted(both, key=lambda n: n.created_at, reverse=True)[:NOTIFICATIONS_SHOWN]


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
