"""A member's own reading state: how far they read, what they bookmarked, whom they blocked.

No page asks more than once: a story page reads its reactions and the member's state in one
statement (``thread_page_state``); a list adds a column to its own query for blocks
(``list_annotations``) and reads the member's unread counts for the threads it shows in one
more (``unread_counts``), whatever the number of posts, bookmarks or blocks. Signed-out
readers ask nothing. What is read here is for the member's own eyes (their pages are
private, no-store); no other viewer's page reads it.

Read positions are found by ``reader_tag`` (a keyed hash of member and thread), which only
the running app can compute: the tags of the threads a list shows are computed once it
knows them, hence the statement of its own.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from tortoise import connections
from tortoise.expressions import RawSQL

from forum import sealing
from forum.anonymity import my_anonymous_post_ids
from forum.models.accounts import User
from forum.models.content import Post, PostStatus, Thread
from forum.models.reading import Block, Bookmark, ReadPosition
from forum.queries.community import ReactionSummary

BOOKMARKS_SHOWN = 200
BLOCKS_SHOWN = 500
READ_PURPOSE = "read-position"
THREADS_PER_SCAN = 2_000  # threads whose tags one statement asks for (export, deletion)

_UNREAD = ("(SELECT {agg} FROM posts p WHERE p.thread_id = r.thread_id AND p.is_story = {false} "
           "AND p.status = {published} AND p.id > r.last_read_post_id)")


@dataclass(frozen=True)
class ThreadState:
    """One member in one thread. ``last_read_post_id`` is None when they never marked it."""

    last_read_post_id: int | None = None
    unread: int = 0
    first_unread_id: int | None = None
    bookmarked: frozenset[int] = frozenset()
    blocked: frozenset[int] = frozenset()

    def is_new(self, post_id: int) -> bool:
        return self.last_read_post_id is not None and post_id > self.last_read_post_id


NOBODY = ThreadState()


def reader_tag(user_id: int, thread_id: int) -> str:
    """Where the member's read position in a thread is kept (forum.models.reading)."""
    return sealing.tag(READ_PURPOSE, int(user_id), int(thread_id))


def seal_reader(user_id: int) -> str:
    """The member's id, sealed at one length whatever its number of digits."""
    return sealing.seal(f"{int(user_id):012d}", READ_PURPOSE)


class _Sql:
    """Numbered placeholders (``?1…`` on SQLite, ``$1…`` on PostgreSQL), so the order in
    which the parts of a statement are built does not matter."""

    def __init__(self) -> None:
        self.conn = connections.get("default")
        self.postgres = self.conn.capabilities.dialect == "postgres"
        self.params: list[Any] = []

    def __call__(self, value: Any) -> str:
        self.params.append(value)
        return f"${len(self.params)}" if self.postgres else f"?{len(self.params)}"

    @property
    def false(self) -> str:
        return "FALSE" if self.postgres else "0"

    async def rows(self, sql: str) -> list[dict[str, Any]]:
        return list(await self.conn.execute_query_dict(sql, self.params))


async def thread_page_state(viewer: User | None, thread_id: int, post_ids: Sequence[int],
                            ) -> tuple[dict[int, ReactionSummary], ThreadState]:
    """For a page of a thread, in one statement: the reactions of its posts (counts, and
    which the viewer gave, as ``reactions_for``), and for a member their read position in
    the thread (with how many published replies came after it and the first of them), their
    bookmarks in it, and everyone they blocked."""
    q = _Sql()
    published = PostStatus.PUBLISHED.value
    viewer_id = int(viewer.id) if viewer is not None else -1
    parts = []
    if post_ids:
        ids = ", ".join(q(int(n)) for n in dict.fromkeys(post_ids))
        parts.append(
            f"SELECT 'react' AS k, post_id AS a, kind AS t, COUNT(*) AS n, "  # noqa: S608
            f"SUM(CASE WHEN user_id = {q(viewer_id)} THEN 1 ELSE 0 END) AS m, NULL AS f "
            f"FROM reactions WHERE post_id IN ({ids}) GROUP BY post_id, kind")
    if viewer is not None:
        count = _UNREAD.format(agg="COUNT(*)", false=q.false, published=q(published))
        first = _UNREAD.format(agg="MIN(p.id)", false=q.false, published=q(published))
        parts += [
            f"SELECT 'read', r.last_read_post_id, '', {count}, 0, {first} "  # noqa: S608
            f"FROM read_positions r WHERE r.reader_tag = {q(reader_tag(viewer_id, thread_id))} "
            f"AND r.thread_id = {q(thread_id)}",
            f"SELECT 'mark', b.post_id, '', 0, 0, NULL FROM bookmarks b "  # noqa: S608
            f"WHERE b.user_id = {q(viewer_id)} AND b.thread_id = {q(thread_id)}",
            f"SELECT 'block', x.blocked_id, '', 0, 0, NULL FROM blocks x "  # noqa: S608
            f"WHERE x.blocker_id = {q(viewer_id)}"]
    reactions: dict[int, ReactionSummary] = defaultdict(lambda: ReactionSummary({}, set()))
    if not parts:
        return reactions, NOBODY
    last = first_unread = None
    unread = 0
    marks: set[int] = set()
    blocked: set[int] = set()
    for row in await q.rows(" UNION ALL ".join(parts)):
        kind, value = row["k"], int(row["a"])
        if kind == "react":
            summary = reactions[value]
            summary.counts[row["t"]] = int(row["n"])
            if int(row["m"] or 0):
                summary.mine.add(row["t"])
        elif kind == "read":
            last, unread = value, int(row["n"] or 0)
            first_unread = int(row["f"]) if row["f"] is not None else None
        elif kind == "mark":
            marks.add(value)
        else:
            blocked.add(value)
    if viewer is None:
        return reactions, NOBODY
    return reactions, ThreadState(last, unread, first_unread, frozenset(marks),
                                  frozenset(blocked))


def _blocked_column(member: int, posts: str) -> str:
    return (f"(SELECT COUNT(*) FROM blocks x WHERE x.blocker_id = {member} "  # noqa: S608
            f"AND x.blocked_id = {posts}.author_id)")


def list_annotations(viewer: User | None) -> dict[str, RawSQL]:
    """The column a list of stories adds to its own query for a member (no query of its
    own): ``reader_blocked``, whether they blocked the author (the list decides whether that
    author is shown by name)."""
    if viewer is None:
        return {}
    return {"reader_blocked": RawSQL(_blocked_column(int(viewer.id), "posts"))}


def list_columns(viewer: User | None) -> str:
    """The same column for the lean list queries (forum.queries.content, posts as ``p``):
    ``", (…) AS reader_blocked"``, or nothing for a visitor."""
    if viewer is None:
        return ""
    return f", {_blocked_column(int(viewer.id), 'p')} AS reader_blocked"


async def unread_counts(viewer: User | None, thread_ids: Sequence[int]) -> dict[int, int]:
    """For each of these threads the member read before, how many published replies came
    after their read position (threads they never marked are left out). One statement; none
    for a visitor or an empty list."""
    if viewer is None or not thread_ids:
        return {}
    q = _Sql()
    wanted = dict.fromkeys(int(t) for t in thread_ids)
    tags = ", ".join(q(reader_tag(int(viewer.id), t)) for t in wanted)
    count = _UNREAD.format(agg="COUNT(*)", false=q.false,
                           published=q(PostStatus.PUBLISHED.value))
    rows = await q.rows(f"SELECT r.thread_id AS t, {count} AS n "  # noqa: S608
                        f"FROM read_positions r WHERE r.reader_tag IN ({tags})")
    return {int(row["t"]): int(row["n"] or 0) for row in rows if int(row["t"]) in wanted}


async def my_bookmarks(user: User, limit: int | None = BOOKMARKS_SHOWN) -> list[Bookmark]:
    """The member's bookmarks of posts anyone may still read (published, in a thread whose
    story is published), newest first, with post, author, thread and category fetched
    (``limit=None``: all of them, published or not, for their data export)."""
    query = Bookmark.filter(user_id=user.id)
    if limit is not None:
        query = query.filter(post__status=PostStatus.PUBLISHED,
                             thread__posts__is_story=True,
                             thread__posts__status=PostStatus.PUBLISHED).limit(limit)
    return await query.select_related("post__author", "thread__category").order_by("-id")


async def my_blocks(user: User, limit: int | None = BLOCKS_SHOWN) -> list[Block]:
    """The members this member blocked, latest first, with their rows fetched."""
    query = Block.filter(blocker_id=user.id).select_related("blocked").order_by("-id")
    return await (query.limit(limit) if limit is not None else query)


async def blockers_of(actor_id: int, recipient_ids: Sequence[int]) -> frozenset[int]:
    """Which of these members blocked ``actor_id``."""
    if not recipient_ids:
        return frozenset()
    rows = await Block.filter(blocked_id=actor_id, blocker_id__in=list(recipient_ids)
                              ).values_list("blocker_id")
    return frozenset(int(blocker_id) for (blocker_id,) in rows)


async def my_reads(user: User) -> list[ReadPosition]:
    """Every read position the member has (for their data export and account deletion):
    found by computing their tag for every thread, a few thousand threads a statement."""
    found: list[ReadPosition] = []
    after = 0
    while True:
        threads = cast(list[int], await Thread.filter(id__gt=after).order_by("id").limit(
            THREADS_PER_SCAN).values_list("id", flat=True))
        if not threads:
            return found
        tags = [reader_tag(int(user.id), int(t)) for t in threads]
        found += await ReadPosition.filter(reader_tag__in=tags).order_by("thread_id")
        after = int(threads[-1])


async def wrote_anonymously_in(user: User, thread_id: int) -> bool:
    """Whether the member has an anonymous post (story or reply) in this thread: found by
    their keyed slots, so only the running app with the key can tell."""
    anonymous_ids = await my_anonymous_post_ids(user)
    if not anonymous_ids:
        return False
    found: bool = await Post.filter(id__in=anonymous_ids, thread_id=thread_id).exists()
    return found


async def reading_export(user: User) -> dict[str, Any]:
    """The member's reading state for their data export: read positions, bookmarks (all of
    them, by id) and the members they blocked."""
    return {
        "read_positions": [{"story_id": r.thread_id, "last_read_post_id":
                            r.last_read_post_id} for r in await my_reads(user)],
        "bookmarks": [{"post_id": b.post_id, "story_id": b.thread_id}
                      for b in await my_bookmarks(user, limit=None)],
        "blocked_members": [b.blocked.username for b in await my_blocks(user, limit=None)],
    }
