"""Many members replying to one story at once (a hot thread), on SQLite and PostgreSQL.

Every acknowledged reply is kept, the thread's count stays true, every follower hears of each
reply exactly once — and the reply's transaction holds only what must be written with the
reply: no detection, no rendering and no fan-out run while it is open, and the thread's
counter (the row every writer in the thread waits for) is its last statement.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from tortoise import connections
from tortoise.backends.base.client import TransactionalDBClient
from tortoise.transactions import in_transaction

from forum.actions import posting, reply_news
from forum.db import refresh_planner_statistics
from forum.jobs.runner import drain
from forum.models.community import Follow
from forum.models.content import Category, Post, PostStatus, Premoderation, Thread
from forum.models.jobs import Job, JobStatus
from forum.models.notifications import Notification
from forum.queries.moderation import ApprovalRules

from ..factories import make_story, make_user

WRITERS = 25
REPLIES_EACH = 2
FOLLOWERS = 5


_SEEN: list[object] = []  # each transaction's client kept alive, so no id is reused


def _transaction() -> int | None:
    """Which write transaction the calling task is in (None: none)."""
    client = connections.get("default")
    if not isinstance(client, TransactionalDBClient):
        return None
    if not any(c is client for c in _SEEN):
        _SEEN.append(client)
    return id(client)


@dataclass
class Trace(logging.Handler):
    """What ran, in order, and inside which transaction: SQL from Tortoise's log, and the
    detection and rendering steps of the write path."""

    events: list[tuple[str, int | None]] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(logging.DEBUG)

    def __hash__(self) -> int:
        return id(self)

    def emit(self, record: logging.LogRecord) -> None:
        words = record.getMessage().split()
        if words and words[0].upper() in ("SELECT", "INSERT", "UPDATE", "DELETE", "WITH"):
            self.events.append((" ".join(words[:3]).replace('"', ""), _transaction()))

    def step(self, name: str) -> None:
        self.events.append((name, _transaction()))

    def inside(self) -> dict[int, list[str]]:
        """The statements of each write transaction, in order."""
        found: dict[int, list[str]] = {}
        for name, txn in self.events:
            if txn is not None:
                found.setdefault(txn, []).append(name)
        return found


@contextmanager
def traced(monkeypatch: pytest.MonkeyPatch) -> Iterator[Trace]:
    trace = Trace()
    for name in ("render_markdown", "detect_many", "screen"):
        real = getattr(posting, name)

        def spy(*args: Any, __real: Any = real, __name: str = name) -> Any:
            trace.step(__name)
            return __real(*args)

        monkeypatch.setattr(posting, name, spy)
    logger = logging.getLogger("tortoise.db_client")
    previous = logger.level
    logger.setLevel(logging.DEBUG)
    logger.addHandler(trace)
    try:
        yield trace
    finally:
        logger.removeHandler(trace)
        logger.setLevel(previous)


async def _followed_story(followers: int) -> Post:
    author = await make_user("heron_author")
    story = await make_story(author, title="The first week")
    for n in range(followers):
        follower = await make_user(f"follower_{n}")
        await Follow.create(thread_id=story.thread_id, user_id=follower.id)
    return story


async def test_a_reply_transaction_holds_the_post_the_promise_and_last_the_count(
        client_factory, monkeypatch):
    story = await _followed_story(FOLLOWERS)
    writer = await client_factory(await make_user("wren_writer"), api_token=True)
    with traced(monkeypatch) as trace:
        response = await writer.api("POST", f"/api/v1/stories/{story.thread_id}/replies",
                                    json={"body": "You are **not** alone, @follower_1."})
    assert response.status_code == 201
    steps = [(name, txn) for name, txn in trace.events
             if name in ("render_markdown", "detect_many", "screen")]
    assert {name for name, _ in steps} == {"render_markdown", "detect_many", "screen"}
    assert all(txn is None for _, txn in steps), steps  # all before the transaction
    reply_txn, news_txn = trace.inside().values()
    assert reply_txn == ['INSERT INTO posts', 'INSERT INTO jobs', 'UPDATE threads SET'], reply_txn
    # The fan-out after the commit: the promise taken back, a few reads, one insert for all.
    assert news_txn[0] == "DELETE FROM jobs"
    assert news_txn.count("INSERT INTO notifications") == 1
    assert len(news_txn) <= 8, news_txn
    told = await Notification.filter(link=f"/posts/{response.json()['id']}").count()
    assert told == FOLLOWERS + 1  # the story's author and every follower, once each
    assert not await Job.filter(kind=reply_news.KIND).exists()


async def test_a_reply_held_for_a_moderator_promises_no_news_and_counts_nothing(
        db, monkeypatch):
    story = await _followed_story(1)
    thread = await Thread.get(id=story.thread_id).select_related("category")
    await Category.filter(id=thread.category_id).update(premoderation=Premoderation.ALL)
    thread.category.premoderation = Premoderation.ALL
    writer = await make_user("wren_writer")
    with traced(monkeypatch) as trace:
        reply, created = await posting.create_reply(writer, thread, _Reply("Held words."),
                                                    rules=ApprovalRules())
    assert created and reply.status == PostStatus.PENDING
    assert list(trace.inside().values()) == [["INSERT INTO posts"]]
    assert not await Job.filter(kind=reply_news.KIND).exists()
    assert (await Thread.get(id=story.thread_id)).reply_count == 0


@dataclass(frozen=True)
class _Reply:
    body: str
    reply_to: int | None = None
    submission_id: str | None = None
    anonymous: bool = False


async def test_fifty_replies_at_once_on_one_thread_lose_nothing_and_count_right(
        client_factory):
    story = await _followed_story(FOLLOWERS)
    writers = [await client_factory(await make_user(f"writer_{n}"), api_token=True)
               for n in range(WRITERS)]
    url = f"/api/v1/stories/{story.thread_id}/replies"

    async def write(n: int, writer: Any) -> list[tuple[int, int, str]]:
        sent = []
        for i in range(REPLIES_EACH):
            body = f"Reply {i} from writer {n}: one day at a time."
            response = await writer.api("POST", url, json={"body": body})
            sent.append((response.status_code, response.json().get("id", 0), body))
        return sent

    results = [r for batch in await asyncio.gather(
        *(write(n, w) for n, w in enumerate(writers))) for r in batch]
    assert {status for status, _, _ in results} == {201}
    acknowledged = {post_id: body for _, post_id, body in results}
    assert len(acknowledged) == WRITERS * REPLIES_EACH
    stored = {p.id: p for p in await Post.filter(thread_id=story.thread_id, is_story=False)}
    assert {i: p.body_md for i, p in stored.items()} == acknowledged
    assert all(p.status == PostStatus.PUBLISHED for p in stored.values())
    thread = await Thread.get(id=story.thread_id)
    assert thread.reply_count == WRITERS * REPLIES_EACH
    assert thread.last_post_at == max(p.created_at for p in stored.values())
    for post_id in acknowledged:  # the story's author and every follower, once each
        assert await Notification.filter(link=f"/posts/{post_id}").count() == FOLLOWERS + 1
    assert not await Job.filter(kind=reply_news.KIND).exists()


async def _promised_reply(story: Post, body: str) -> Post:
    """A reply committed with its news promised — and the request gone before keeping it
    (the process died at the commit)."""
    writer = await make_user("wren_writer")
    async with in_transaction():
        reply = await Post.create(thread_id=story.thread_id, body_md=body, body_html=body,
                                  status=PostStatus.PUBLISHED, author=writer)
        await reply_news.promise(reply)
        await posting.count_reply(story.thread_id, reply.created_at)
    return reply


async def test_news_of_a_reply_whose_request_died_is_told_by_the_job_once(db, settings):
    story = await _followed_story(2)
    reply = await _promised_reply(story, "Still here.")
    assert not await Notification.filter(link=f"/posts/{reply.id}").exists()
    await Job.filter(kind=reply_news.KIND).update(
        run_after=datetime.now(UTC) - timedelta(seconds=1))  # its fallback time has come
    assert await drain(settings, wait_seconds=5.0) == 1
    assert await Notification.filter(link=f"/posts/{reply.id}").count() == 3
    job = await Job.get(kind=reply_news.KIND)
    assert job.status == JobStatus.DONE
    # A request that comes back late finds the promise kept and tells nobody again.
    thread = await Thread.get(id=story.thread_id)
    assert await reply_news.keep(reply, thread, reply.author_id or 0) is False
    assert await Notification.filter(link=f"/posts/{reply.id}").count() == 3


async def test_news_kept_by_the_request_leaves_nothing_for_the_job(db, settings):
    story = await _followed_story(2)
    reply = await _promised_reply(story, "Still here.")
    thread = await Thread.get(id=story.thread_id)
    assert await reply_news.keep(reply, thread, reply.author_id or 0) is True
    assert await Notification.filter(link=f"/posts/{reply.id}").count() == 3
    assert not await Job.filter(kind=reply_news.KIND).exists()
    await Job.all().update(run_after=datetime.now(UTC) - timedelta(seconds=1))
    await drain(settings, wait_seconds=5.0)
    assert await Notification.filter(link=f"/posts/{reply.id}").count() == 3


async def test_news_of_a_reply_deleted_with_its_thread_before_the_job_tells_nobody(db, settings):
    story = await _followed_story(2)
    reply = await _promised_reply(story, "Still here.")
    await Thread.filter(id=story.thread_id).delete()
    await Job.filter(kind=reply_news.KIND).update(
        run_after=datetime.now(UTC) - timedelta(seconds=1))
    await drain(settings, wait_seconds=5.0)
    assert (await Job.get(kind=reply_news.KIND)).status == JobStatus.DONE
    assert not await Notification.filter(link=f"/posts/{reply.id}").exists()


async def test_a_submission_is_found_by_its_key_even_when_most_posts_have_none(db):
    """Statistics gathered over posts without submission keys must not make the lookup a
    scan of every post (it ran on each reply and story)."""
    story = await _followed_story(0)
    await Post.bulk_create([Post(thread_id=story.thread_id, body_md="Old words.",
                                 body_html="<p>Old words.</p>", status=PostStatus.PUBLISHED)
                            for _ in range(300)])
    await refresh_planner_statistics()
    conn = connections.get("default")
    sql = Post.filter(submission_key="k" * 40).select_related("thread").limit(1).sql(
        params_inline=False)
    if conn.capabilities.dialect == "sqlite":
        plan = " ".join(str(r["detail"]) for r in await conn.execute_query_dict(
            f"EXPLAIN QUERY PLAN {sql}", ["k" * 40, 1]))
        assert "USING INDEX sqlite_autoindex_posts_1 (submission_key=?)" in plan, plan
    else:
        rows = await conn.execute_query_dict(f"EXPLAIN {sql}", ["k" * 40, 1])
        plan = " ".join(str(r["QUERY PLAN"]) for r in rows)
        assert "posts_submission_key_key" in plan, plan
