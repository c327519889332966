"""A post that was committed is never reported as failed.

What comes after the commit — following one's new story, telling followers, the story's
author and those @mentioned — can fail for real here: a trigger in the database refuses
every follow and notification row. The request must still answer as a success built from
what was written (a client that heard "failed" would send it again), the post must exist
exactly once, and the failure must be logged.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from tortoise import connections

from forum.models.accounts import Role
from forum.models.community import Follow
from forum.models.content import Post, PostStatus
from forum.models.notifications import Notification, SealedNotification

from ..factories import make_reply, make_story, make_user

REFUSED_TABLES = ("follows", "notifications", "sealed_notifications")
PG_FUNCTION = """CREATE OR REPLACE FUNCTION hearth_test_refuse_row() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION 'this table takes no rows right now'; END $$ LANGUAGE plpgsql"""


@pytest.fixture
async def refuse_follow_ups(db: None) -> AsyncIterator[Callable[[], Awaitable[None]]]:
    """`await refuse_follow_ups()`: from then on every follow and notification insert fails
    (triggers, dropped afterwards)."""
    conn = connections.get("default")
    postgres = conn.capabilities.dialect == "postgres"

    async def start() -> None:
        if postgres:
            await conn.execute_script(PG_FUNCTION)
        for table in REFUSED_TABLES:
            await conn.execute_script(_trigger(table, postgres))

    try:
        yield start
    finally:
        for table in REFUSED_TABLES:
            on = f" ON {table}" if postgres else ""
            await conn.execute_script(f"DROP TRIGGER IF EXISTS hearth_test_refuse_{table}{on}")
        if postgres:
            await conn.execute_script("DROP FUNCTION IF EXISTS hearth_test_refuse_row()")


def _trigger(table: str, postgres: bool) -> str:
    if postgres:
        return (f"CREATE TRIGGER hearth_test_refuse_{table} BEFORE INSERT ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION hearth_test_refuse_row()")
    # Not RAISE(ABORT): that is a constraint failure, which a follow reads as "already
    # following". A table the trigger needs is missing: a real error.
    return (f"CREATE TRIGGER hearth_test_refuse_{table} BEFORE INSERT ON {table} "
            "BEGIN INSERT INTO hearth_test_no_such_table VALUES (1); END")


def follow_up_failures(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records
            if r.name == "forum.outage" and r.levelno >= logging.ERROR]


async def test_a_reply_whose_notifications_fail_is_answered_as_posted_and_stored_once(
        client_factory, refuse_follow_ups, caplog):
    author = await make_user("heron_teller")
    story = await make_story(author, title="The long winter")  # who follows it, too
    replier = await client_factory(await make_user("wren_replier"), api_token=True)
    await refuse_follow_ups()
    caplog.set_level(logging.ERROR, logger="forum.outage")

    answer = await replier.api("POST", f"/api/v1/stories/{story.thread_id}/replies",
                               json={"body": "Spring comes, @heron_teller. It does."})

    assert answer.status_code == 201, answer.text
    assert answer.json()["body"] == "Spring comes, @heron_teller. It does."
    assert await Post.filter(thread_id=story.thread_id, is_story=False).count() == 1
    assert await Notification.all().count() == 0  # refused, indeed
    assert await SealedNotification.all().count() == 0
    assert follow_up_failures(caplog) == [
        "after a committed change, telling others of a reply failed (the change stands)"]


async def test_a_story_whose_follow_fails_goes_to_the_story_page_and_is_stored_once(
        client_factory, refuse_follow_ups, caplog):
    writer = await client_factory(await make_user("kestrel_writer"))
    await refuse_follow_ups()
    caplog.set_level(logging.ERROR, logger="forum.outage")
    page = await writer.get("/stories/new")
    assert page.status_code == 200

    sent = await writer.post_form("/stories/new", {
        "category": "small-wins", "title": "I went outside", "body": "Only ten minutes.",
        "submission_id": "committed-story-form-0001"})

    assert sent.status_code == 303, sent.text[:500]
    stories = await Post.filter(is_story=True, thread__title="I went outside")
    assert len(stories) == 1
    assert sent.headers["location"] == f"/stories/{stories[0].thread_id}"
    assert await Follow.all().count() == 0
    assert follow_up_failures(caplog) == [
        "after a committed change, following the new story failed (the change stands)"]

    again = await writer.post_form("/stories/new", {
        "category": "small-wins", "title": "I went outside", "body": "Only ten minutes.",
        "submission_id": "committed-story-form-0001"})
    assert again.status_code == 303  # the same form again: the same story, not a second
    assert await Post.filter(is_story=True, thread__title="I went outside").count() == 1


async def test_an_approval_whose_notes_fail_is_answered_as_done_and_stands(
        client_factory, refuse_follow_ups, caplog):
    """A moderator approves a waiting reply; telling its author and the thread fails. The
    reply is published and the moderator hears it was — not that nothing happened."""
    author = await make_user("heron_teller")
    story = await make_story(author, title="The long winter")
    reply = await make_reply(await make_user("wren_replier"), story, "Held, then approved")
    await Post.filter(id=reply.id).update(status=PostStatus.PENDING)
    moderator = await client_factory(await make_user("kite_mod", role=Role.MODERATOR),
                                     api_token=True)
    await refuse_follow_ups()
    caplog.set_level(logging.ERROR, logger="forum.outage")

    done = await moderator.api("POST", f"/api/v1/mod/posts/{reply.id}/approve", json={})

    assert done.status_code == 200, done.text
    assert done.json()["post"]["status"] == "published"
    assert (await Post.get(id=reply.id)).status == PostStatus.PUBLISHED
    assert any("approved" in m for m in follow_up_failures(caplog))
