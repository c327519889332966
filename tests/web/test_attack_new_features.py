"""Attacks on the features for running a community and moderating at volume, tried as a
curious moderator, a member probing another's private data, someone holding a copy of the
database, and anyone sending hostile input."""

from __future__ import annotations

from tortoise import connections

from forum.models.content import Category, Post, PostStatus, Premoderation
from forum.models.notifications import Notification

from ..factories import make_reply, make_story, make_user


async def test_a_held_story_that_mentions_a_member_tells_them_once_it_is_approved(
        member, other_member, moderator):
    await Category.filter(slug="small-wins").update(premoderation=Premoderation.ALL)
    sent = await member.post_form("/stories/new", {
        "category": "small-wins", "title": "Thank you, friend",
        "body": "@otter_member your words last week got me through."})
    assert sent.status_code in (202, 303), sent.text[:500]
    story = await Post.get(is_story=True, thread__title="Thank you, friend")
    assert story.status == PostStatus.PENDING
    assert not await Notification.filter(user_id=other_member.user.id, kind="mention").exists()
    done = await moderator.post_form("/mod/", {"action": "approve", "post_ids": [str(story.id)]})
    assert done.status_code == 303
    note = await Notification.get_or_none(user_id=other_member.user.id, kind="mention")
    assert note is not None, "the member mentioned in a held story is never told"
    assert note.link == f"/posts/{story.id}"
    assert "wren_member" in note.message


async def test_a_held_anonymous_story_that_mentions_a_member_tells_them_without_a_name(
        member, other_member, moderator):
    await Category.filter(slug="small-wins").update(premoderation=Premoderation.ALL)
    sent = await member.post_form("/stories/new", {
        "category": "small-wins", "title": "To the one who listened", "anonymous": "on",
        "body": "@otter_member you probably don't know it was me, but thank you."})
    assert sent.status_code in (202, 303), sent.text[:500]
    story = await Post.get(is_story=True, thread__title="To the one who listened")
    assert story.status == PostStatus.PENDING
    assert "mentioned you" not in (await other_member.get("/notifications")).text
    done = await moderator.post_form("/mod/", {"action": "approve", "post_ids": [str(story.id)]})
    assert done.status_code == 303
    assert not await Notification.filter(user_id=member.user.id).exists()  # sealed, not plain
    page = (await other_member.get("/notifications")).text
    assert "mentioned you in “To the one who listened”" in page
    assert "wren_member" not in page



# --- reading records, as someone holding a copy of the database would read them -----------

async def _read_to_the_end(client, thread_id: int) -> None:
    last = await Post.filter(thread_id=thread_id, status=PostStatus.PUBLISHED).order_by(
        "-id").first()
    assert last is not None
    answer = await client.post_form(f"/stories/{thread_id}/read", {"post_id": str(last.id)})
    assert answer.status_code in (204, 303), answer.text[:300]


async def _positions(thread_id: int) -> dict[int, int]:
    """The table as a copy of the database holds it (plain SQL, no key)."""
    rows = await connections.get("default").execute_query_dict(
        f"SELECT user_id, last_read_post_id FROM thread_reads WHERE thread_id = {thread_id:d}")
    return {int(r["user_id"]): int(r["last_read_post_id"]) for r in rows}


async def test_a_read_position_left_from_before_an_anonymous_reply_does_not_point_at_it(
        member, other_member):
    """Two members read a thread to the end, visit after visit. One of them writes an
    anonymous reply there, straight after reading. In a copy of the database no read
    position may stay pinned to the post just before the anonymous reply — that is the
    mark of the one reader who stopped being counted the moment it was written."""
    story = await make_story(await make_user("storyteller"), title="Long nights")
    await make_reply(await make_user("first_voice"), story, "You're not alone.")
    for reader in (member, other_member):
        await _read_to_the_end(reader, story.thread_id)
    sent = await member.post_form(f"/stories/{story.thread_id}/replies", {
        "body": "I've been where you are. It gets lighter.", "anonymous": "on"})
    assert sent.status_code == 303, sent.text[:300]
    anonymous = await Post.get(thread_id=story.thread_id, is_anonymous=True)
    await make_reply(await make_user("later_voice"), story, "Thinking of you.")
    for reader in (member, other_member):  # both come back and read it all again
        await _read_to_the_end(reader, story.thread_id)
    before = (await Post.filter(thread_id=story.thread_id, id__lt=anonymous.id).order_by(
        "-id").first())
    assert before is not None
    positions = await _positions(story.thread_id)
    assert positions.get(other_member.user.id, 0) > anonymous.id  # the other reader moved on
    pinned = {user for user, post in positions.items() if post == before.id}
    assert member.user.id not in pinned, (
        "the anonymous author's read position stays on the post before their reply")
