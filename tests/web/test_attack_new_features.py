"""Attacks on the features for running a community and moderating at volume, tried as a
curious moderator, a member probing another's private data, someone holding a copy of the
database, and anyone sending hostile input."""

from __future__ import annotations

from forum.models.content import Category, Post, PostStatus, Premoderation
from forum.models.notifications import Notification


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

