"""Each moderation verb: state changed, exactly one audit row, nothing on a no-op, the right
person told."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from forum.actions import moderation as mod
from forum.actions.reports import file_report
from forum.models.accounts import Role, Session
from forum.models.content import Category, Post, PostStatus, Thread
from forum.models.moderation import AuditEntry, ModeratorNote, Report, ReportReason, Sanction
from forum.models.notifications import Notification
from forum.queries.moderation import get_any_post_or_404

from ..factories import make_reply, make_story, make_user, sign_in_directly


@pytest.fixture
async def people(db):
    return {
        "mod": await make_user("heron_mod", role=Role.MODERATOR),
        "author": await make_user("author_one"),
        "reader": await make_user("reader_one"),
    }


async def audit_rows(action: str | None = None) -> list[AuditEntry]:
    query = AuditEntry.all()
    if action:
        query = query.filter(action=action)
    return await query.order_by("id")


async def messages_for(user) -> list[str]:
    return await Notification.filter(user_id=user.id).order_by("id").values_list(
        "message", flat=True)


async def pending_reply(people) -> Post:
    story = await make_story(people["author"])
    reply = await make_reply(people["author"], story, "Waiting words")
    await Post.filter(id=reply.id).update(status=PostStatus.PENDING)
    await Thread.filter(id=story.thread_id).update(reply_count=0)
    return await get_any_post_or_404(reply.id)


async def test_approve_publishes_counts_the_reply_logs_once_and_tells_the_author(people):
    post = await pending_reply(people)
    assert await mod.approve_post(people["mod"], post) is True
    assert (await Post.get(id=post.id)).status == PostStatus.PUBLISHED
    assert (await Thread.get(id=post.thread_id)).reply_count == 1
    [row] = await audit_rows()
    assert (row.action, row.actor_id, row.actor_name, row.target_type, row.target_id) == (
        "approve", people["mod"].id, "heron_mod", "post", post.id)
    assert any("approved" in m for m in await messages_for(people["author"]))
    assert await mod.approve_post(people["mod"], post) is False  # no-op
    assert len(await audit_rows()) == 1


async def test_reject_keeps_it_out_of_view_and_sends_the_reason_privately(people):
    post = await pending_reply(people)
    assert await mod.reject_post(people["mod"], post, "Please leave out the link") is True
    stored = await Post.get(id=post.id)
    assert (stored.status, stored.moderation_reason) == (PostStatus.REJECTED,
                                                         "Please leave out the link")
    assert any("Please leave out the link" in m for m in await messages_for(people["author"]))
    [row] = await audit_rows("reject")
    assert row.reason == "Please leave out the link"
    assert await mod.reject_post(people["mod"], post, "again") is False
    assert len(await audit_rows()) == 1


async def test_hide_and_restore_change_the_count_and_resolve_reports(people):
    story = await make_story(people["author"])
    reply = await get_any_post_or_404((await make_reply(people["author"], story)).id)
    await file_report(people["reader"], reply, ReportReason.SPAM, "ads")
    assert await mod.hide_post(people["mod"], reply, "Advertising") is True
    assert (await Thread.get(id=story.thread_id)).reply_count == 0
    report = await Report.get(post_id=reply.id)
    assert report.outcome is not None and report.open_key is None
    assert any("took action" in m for m in await messages_for(people["reader"]))
    assert await mod.hide_post(people["mod"], reply, "Advertising") is False
    assert await mod.restore_post(people["mod"], reply) is True
    assert (await Thread.get(id=story.thread_id)).reply_count == 1
    assert [r.action for r in await audit_rows()] == ["hide", "restore"]
    assert await mod.restore_post(people["mod"], reply) is False
    assert len(await audit_rows()) == 2


async def test_dismissing_reports_tells_the_reporter_it_was_within_guidelines(people):
    story = await get_any_post_or_404((await make_story(people["author"])).id)
    await file_report(people["reader"], story, ReportReason.OTHER, "")
    assert await mod.dismiss_reports(people["mod"], story) is True
    assert any("within our guidelines" in m for m in await messages_for(people["reader"]))
    assert await mod.dismiss_reports(people["mod"], story) is False
    assert [r.action for r in await audit_rows()] == ["dismiss_reports"]
    # Resolved, the member may report the post again.
    await file_report(people["reader"], story, ReportReason.SPAM, "")


async def test_thread_verbs_change_once_and_log_once(people):
    story = await get_any_post_or_404((await make_story(people["author"])).id)
    thread = story.thread
    grief = await Category.get(slug="grief-loss")
    steps = [
        (mod.lock_thread, (thread,), "is_locked", True),
        (mod.unlock_thread, (thread,), "is_locked", False),
        (mod.pin_thread, (thread,), "is_pinned", True),
        (mod.unpin_thread, (thread,), "is_pinned", False),
        (mod.move_thread, (thread, grief), "category_id", grief.id),
        (mod.set_content_warnings, (thread, ["suicide"], "overdose"), "content_warnings",
         ["suicide"]),
    ]
    for verb, args, column, value in steps:
        before = len(await audit_rows())
        assert await verb(people["mod"], *args) is True, verb.__name__
        assert getattr(await Thread.get(id=thread.id), column) == value
        assert len(await audit_rows()) == before + 1
        assert await verb(people["mod"], *args) is False, verb.__name__
        assert len(await audit_rows()) == before + 1


async def test_deleting_a_thread_takes_it_out_of_view_and_is_logged(people):
    story = await get_any_post_or_404((await make_story(people["author"])).id)
    assert await mod.delete_thread(people["mod"], story, "Shared someone's address") is True
    assert (await Post.get(id=story.id)).status == PostStatus.DELETED
    assert await mod.delete_thread(people["mod"], story, "again") is False
    [row] = await audit_rows("delete_thread")
    assert row.reason == "Shared someone's address"


async def test_member_sanctions_are_recorded_enforced_and_lifted(people):
    author, moderator = people["author"], people["mod"]
    await sign_in_directly(author)
    until = (datetime.now(UTC) + timedelta(days=3)).replace(microsecond=0)
    assert await mod.warn_user(moderator, author, "Please be gentle") is True
    assert any("Please be gentle" in m for m in await messages_for(author))
    assert await mod.silence_user(moderator, author, until, "Cooling off") is True
    assert await mod.silence_user(moderator, author, until, "Cooling off") is False
    assert await mod.suspend_user(moderator, author, until, "Threats") is True
    assert await Session.filter(user_id=author.id).count() == 0
    assert await mod.ban_user(moderator, author, "Repeated threats") is True
    assert await mod.ban_user(moderator, author, "again") is False
    assert await mod.lift_sanctions(moderator, author) is True
    assert await mod.lift_sanctions(moderator, author) is False
    fresh = await type(author).get(id=author.id)
    assert (fresh.silenced_until, fresh.suspended_until, fresh.banned_at) == (None, None, None)
    assert [r.action for r in await audit_rows()] == ["warn", "silence", "suspension", "ban",
                                                      "lift"]
    assert await Sanction.filter(user_id=author.id).count() == 4


async def test_notes_and_roles_are_logged_with_a_name_that_survives_the_actor(people):
    assert await mod.add_note(people["mod"], people["author"], "Struggling lately") is True
    assert await mod.set_role(people["mod"], people["reader"], Role.MODERATOR) is True
    assert await mod.set_role(people["mod"], people["reader"], Role.MODERATOR) is False
    await people["mod"].delete()
    rows = await audit_rows()
    assert [(r.action, r.actor_id, r.actor_name) for r in rows] == [
        ("note", None, "heron_mod"), ("role_moderator", None, "heron_mod")]
    assert await ModeratorNote.filter(user_id=people["author"].id).count() == 1


async def test_two_moderators_approving_at_once_give_one_outcome_and_one_audit_row(people):
    other_mod = await make_user("egret_mod", role=Role.MODERATOR)
    post = await pending_reply(people)
    copies = [await get_any_post_or_404(post.id) for _ in range(2)]
    results = await asyncio.gather(mod.approve_post(people["mod"], copies[0]),
                                   mod.approve_post(other_mod, copies[1]))
    assert sorted(results) == [False, True]
    assert len(await audit_rows("approve")) == 1
    assert (await Thread.get(id=post.thread_id)).reply_count == 1
    assert len([m for m in await messages_for(people["author"]) if "approved" in m]) == 1
