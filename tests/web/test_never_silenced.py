"""Never silenced: a cry for help is not left waiting where nobody sees it.

A new member's post with crisis language (``concern`` or ``urgent``) in a category that
pre-moderates new members is published at once, so others can read it and answer it. Posts
that still wait — every guest's post, and posts held for a watched word — are first in the
moderators' Urgent tab, marked as waiting, ahead of everything reported earlier.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html import unescape

import pytest

from forum.actions.posting import create_guest_story
from forum.app import create_app
from forum.models.accounts import User
from forum.models.content import Category, Post, PostStatus, Premoderation, Thread
from forum.models.notifications import Notification
from forum.queries.moderation import QUEUE_PER_PAGE
from forum.schemas.posting import StoryIn

from ..conftest import make_settings
from ..factories import make_story, make_user

URGENT = "I have the pills in front of me and I'm taking them tonight."
CONCERN = "I'm so tired of everything. What's the point of any of it."
ORDINARY = "I lost my brother in the spring."
WAITING = "Waiting for approval, with"


@pytest.fixture
def app(var_dir, database_url, db):
    """New members: younger than 3 days or fewer than 2 published posts (as in
    test_premoderation); guests share the test client's address, so a roomier guest limit."""
    settings = make_settings(var_dir, database_url, FORUM_NEW_MEMBER_DAYS="3",
                             FORUM_NEW_MEMBER_POSTS="2",
                             FORUM_RATE_LIMITS="guest=100/hour;post_new_member=100/hour")
    return create_app(settings, manage_database=False, strict_templates=True)


async def established(client_factory, username: str):
    """A member past the new-member rules: a month old, with two published posts."""
    user = await make_user(username)
    await User.filter(id=user.id).update(created_at=datetime.now(UTC) - timedelta(days=30))
    for n in range(2):
        await make_story(user, title=f"Earlier {n}")
    return await client_factory(await User.get(id=user.id))


def queue_titles(page: str) -> list[str]:
    """The queue's items, in order, as their headings say them."""
    return [unescape(re.sub(r"<[^>]+>", "", title)).strip() for title in re.findall(
        r'<h2 class="queue-item__title">(.*?)</h2>', page, flags=re.S)]


def queue_item(html: str, title: str) -> str:
    for item in re.findall(r'<article class="queue-item">.*?</article>', html, flags=re.S):
        if title in item:
            return str(item)
    raise AssertionError(f"{title!r} is not in the queue")


async def earlier_worry(member_client, other_client) -> None:
    """Something already in the Urgent tab before the post under test: a member's worry."""
    story = await make_story(member_client.user, title="An older worry")
    response = await other_client.post_form(f"/posts/{story.id}/report",
                                            {"reason": "worried", "note": "Quiet lately"})
    assert response.status_code == 303


async def test_a_new_members_urgent_story_in_a_premoderated_category_is_read_and_answered_at_once(
        member, visitor, client_factory, moderator):
    assert (await Category.get(slug="grief-loss")).premoderation == Premoderation.NEW_MEMBERS
    response = await member.post_form("/stories/new", {
        "category": "grief-loss", "title": "Tonight", "body": URGENT,
        "submission_id": "urgent-story-0001"})
    assert response.status_code == 303
    story = await Post.get(is_story=True, author_id=member.user.id)
    assert story.status == PostStatus.PUBLISHED
    seen = await visitor.get(f"/stories/{story.thread_id}")
    assert seen.status_code == 200 and "in front of me" in seen.text
    assert "Waiting for a moderator" not in seen.text

    friend = await established(client_factory, "steady_friend")
    answer = await friend.post_form(f"/stories/{story.thread_id}/replies", {
        "body": "I'm here with you. Please call someone right now.", "reply_to": story.id,
        "submission_id": "answer-to-urgent-01"})
    assert answer.status_code == 303
    assert "Please call someone right now" in (await visitor.get(
        f"/stories/{story.thread_id}")).text
    urgent = await moderator.get("/mod/?tab=urgent")
    assert queue_titles(urgent.text) == ["Story: Tonight"]
    assert WAITING not in urgent.text  # published: it is urgent, not waiting


async def test_a_new_members_concern_reply_is_published_and_can_be_answered(
        member, visitor, client_factory):
    friend = await established(client_factory, "steady_friend")
    story = await make_story(friend.user, title="Winter evenings", category="grief-loss")
    response = await member.post_form(f"/stories/{story.thread_id}/replies", {
        "body": CONCERN, "submission_id": "concern-reply-0001"})
    assert response.status_code == 303
    reply = await Post.get(author_id=member.user.id, is_story=False)
    assert reply.status == PostStatus.PUBLISHED
    assert "tired of everything" in (await visitor.get(f"/stories/{story.thread_id}")).text
    answer = await friend.post_form(f"/stories/{story.thread_id}/replies", {
        "body": "It matters that you're here.", "reply_to": reply.id,
        "submission_id": "answer-to-concern-1"})
    assert answer.status_code == 303
    assert (await Post.get(body_md="It matters that you're here.")).reply_to_id == reply.id


async def test_an_ordinary_new_members_story_and_reply_still_wait(member, visitor, moderator,
                                                                  client_factory):
    await member.post_form("/stories/new", {
        "category": "grief-loss", "title": "My first time here", "body": ORDINARY,
        "submission_id": "ordinary-story-001"})
    story = await Post.get(is_story=True, author_id=member.user.id)
    assert story.status == PostStatus.PENDING
    assert (await visitor.get(f"/stories/{story.thread_id}")).status_code == 404
    friend = await established(client_factory, "steady_friend")
    theirs = await make_story(friend.user, title="Winter evenings", category="grief-loss")
    await member.post_form(f"/stories/{theirs.thread_id}/replies", {
        "body": "Thinking of you.", "submission_id": "ordinary-reply-001"})
    assert (await Post.get(body_md="Thinking of you.")).status == PostStatus.PENDING
    assert "My first time here" in (await moderator.get("/mod/?tab=approval")).text
    assert "My first time here" not in (await moderator.get("/mod/?tab=urgent")).text


async def test_a_guests_urgent_story_waits_but_is_first_in_the_urgent_tab(
        visitor, member, other_member, moderator, client_factory):
    await earlier_worry(member, other_member)
    assert (await visitor.get("/guest/new")).status_code == 200
    response = await visitor.post_form("/guest/new", {
        "category": "small-wins", "title": "Nobody to tell", "body": URGENT})
    assert response.status_code == 201, response.text[:300]
    story = await Post.get(is_guest=True)
    assert story.status == PostStatus.PENDING  # a moderator still approves every guest post
    stranger = await client_factory()
    assert (await stranger.get(f"/stories/{story.thread_id}")).status_code == 404
    urgent = await moderator.get("/mod/?tab=urgent")
    assert queue_titles(urgent.text)[:2] == ["Story: Nobody to tell guest",
                                             "Story: An older worry"]
    item = queue_item(urgent.text, "Nobody to tell")
    assert f"{WAITING} urgent crisis language" in item
    assert "Crisis language noticed" in item
    assert "Urgent (2)" in urgent.text
    api = await (await client_factory(moderator.user, api_token=True)).api(
        "GET", "/api/v1/mod/queue?tab=urgent")
    items = api.json()["items"]
    assert len(items) == api.json()["total"] == 2 and items[0]["post"]["id"] == story.id
    assert items[0]["post"]["status"] == "pending"

    await moderator.post_form(f"/mod/posts/{story.id}/approve", {})
    assert (await stranger.get(f"/stories/{story.thread_id}")).status_code == 200
    assert queue_titles((await moderator.get("/mod/?tab=urgent")).text) == [
        "Story: An older worry"]


async def test_a_guests_concern_reply_is_in_the_urgent_tab_not_only_the_approval_queue(
        visitor, member, other_member, moderator):
    await earlier_worry(member, other_member)
    story = await make_story(member.user, title="Small wins this week")
    assert (await visitor.get(f"/stories/{story.thread_id}/guest-reply")).status_code == 200
    response = await visitor.post_form(f"/stories/{story.thread_id}/guest-reply",
                                       {"body": CONCERN})
    assert response.status_code == 201, response.text[:300]
    reply = await Post.get(is_guest=True)
    assert reply.status == PostStatus.PENDING
    urgent = await moderator.get("/mod/?tab=urgent")
    assert queue_titles(urgent.text)[0] == "Reply: Small wins this week guest"
    assert f"{WAITING} concern crisis language" in queue_item(urgent.text, "Small wins")
    assert "Small wins this week" in (await moderator.get("/mod/?tab=approval")).text


async def test_an_urgent_post_held_for_a_watched_word_stays_held_and_is_first_in_urgent(
        member, other_member, visitor, moderator, client_factory):
    await moderator.post_form("/mod/words", {"pattern": "pills", "action": "require_approval"})
    await earlier_worry(member, other_member)
    writer = await established(client_factory, "long_timer")
    response = await writer.post_form("/stories/new", {
        "category": "small-wins", "title": "Last night", "body": URGENT,
        "submission_id": "held-urgent-00001"})
    assert response.status_code == 303
    held = await Post.get(is_story=True, thread__title="Last night")
    assert held.status == PostStatus.PENDING  # the watched word may be abuse: a human decides
    assert (await visitor.get(f"/stories/{held.thread_id}")).status_code == 404
    # A concern post held for the word comes after it: urgent first.
    await writer.post_form("/stories/new", {
        "category": "small-wins", "title": "Counting pills", "body": CONCERN,
        "submission_id": "held-concern-0001"})
    urgent = await moderator.get("/mod/?tab=urgent")
    assert queue_titles(urgent.text) == ["Story: Last night", "Story: Counting pills",
                                         "Story: An older worry"]
    assert f"{WAITING} urgent crisis language" in queue_item(urgent.text, "Last night")
    assert f"{WAITING} concern crisis language" in queue_item(urgent.text, "Counting pills")
    assert WAITING not in queue_item(urgent.text, "An older worry")


async def test_a_waiting_post_edited_into_a_cry_for_help_is_published_and_in_urgent(
        member, visitor, moderator):
    await member.post_form("/stories/new", {
        "category": "grief-loss", "title": "My first time here", "body": ORDINARY,
        "submission_id": "edit-to-urgent-01"})
    story = await Post.get(is_story=True, author_id=member.user.id)
    assert story.status == PostStatus.PENDING
    edited = await member.post_form(f"/posts/{story.id}/edit", {
        "title": "My first time here", "body": URGENT})
    assert edited.status_code == 303, edited.text[:300]
    assert (await Post.get(id=story.id)).status == PostStatus.PUBLISHED
    assert "in front of me" in (await visitor.get(f"/stories/{story.thread_id}")).text
    assert queue_titles((await moderator.get("/mod/?tab=urgent")).text) == [
        "Story: My first time here"]


async def test_a_post_held_for_a_watched_word_edited_urgent_stays_held_and_tops_urgent(
        member, other_member, visitor, moderator, client_factory):
    await moderator.post_form("/mod/words", {"pattern": "casino", "action": "require_approval"})
    await earlier_worry(member, other_member)
    writer = await established(client_factory, "long_timer")
    await writer.post_form("/stories/new", {
        "category": "small-wins", "title": "Casino nights",
        "body": "We went for my cousin's birthday and laughed all evening.",
        "submission_id": "held-for-word-001"})
    story = await Post.get(is_story=True, thread__title="Casino nights")
    assert story.status == PostStatus.PENDING
    assert "Casino nights" not in (await moderator.get("/mod/?tab=urgent")).text
    # The body no longer has the word, but the title kept it: still held, now first.
    await writer.post_form(f"/posts/{story.id}/edit", {"title": "Casino nights",
                                                      "body": URGENT})
    assert (await Post.get(id=story.id)).status == PostStatus.PENDING
    assert (await visitor.get(f"/stories/{story.thread_id}")).status_code == 404
    urgent = await moderator.get("/mod/?tab=urgent")
    assert queue_titles(urgent.text)[0] == "Story: Casino nights"
    assert f"{WAITING} urgent crisis language" in queue_item(urgent.text, "Casino nights")


async def test_a_guests_waiting_post_edited_into_a_cry_for_help_still_waits_first_in_urgent(
        visitor, moderator, member, other_member, client_factory):
    await earlier_worry(member, other_member)
    await visitor.get("/guest/new")
    response = await visitor.post_form("/guest/new", {
        "category": "small-wins", "title": "A guest's week", "body": ORDINARY})
    assert response.status_code == 201
    token = re.search(r"/manage/([A-Za-z0-9_-]+)", response.text)
    assert token is not None
    edited = await visitor.post_form(f"/manage/{token.group(1)}/edit", {
        "title": "A guest's week", "body": URGENT})
    assert edited.status_code in (200, 303), edited.text[:300]
    story = await Post.get(is_guest=True)
    assert story.body_md == URGENT and story.status == PostStatus.PENDING
    urgent = await moderator.get("/mod/?tab=urgent")
    assert queue_titles(urgent.text)[0] == "Story: A guest's week guest"


async def test_a_waiting_reply_edited_into_a_cry_for_help_is_published_and_its_story_told(
        member, visitor, client_factory):
    friend = await established(client_factory, "steady_friend")
    story = await make_story(friend.user, title="Winter evenings", category="grief-loss")
    await member.post_form(f"/stories/{story.thread_id}/replies", {
        "body": "Thinking of you.", "submission_id": "reply-to-edit-0001"})
    reply = await Post.get(author_id=member.user.id, is_story=False)
    assert reply.status == PostStatus.PENDING
    assert not await Notification.filter(user_id=friend.user.id, kind="reply_to_story").exists()
    edited = await member.post_form(f"/posts/{reply.id}/edit", {"body": CONCERN})
    assert edited.status_code == 303, edited.text[:300]
    assert (await Post.get(id=reply.id)).status == PostStatus.PUBLISHED
    assert "tired of everything" in (await visitor.get(f"/stories/{story.thread_id}")).text
    assert (await Thread.get(id=story.thread_id)).reply_count == 1
    assert await Notification.filter(user_id=friend.user.id, kind="reply_to_story").exists()


async def test_the_urgent_tab_pages_through_the_waiting_posts_before_the_reported_ones(
        member, other_member, moderator):
    await earlier_worry(member, other_member)
    category = await Category.get(slug="small-wins")
    for n in range(QUEUE_PER_PAGE + 1):
        await create_guest_story(category, StoryIn(category="small-wins",
                                                   title=f"Guest night {n:02d}", body=URGENT))
    first = queue_titles((await moderator.get("/mod/?tab=urgent")).text)
    assert first == [f"Story: Guest night {n:02d} guest" for n in range(QUEUE_PER_PAGE)]
    second = await moderator.get("/mod/?tab=urgent&page=2")
    assert queue_titles(second.text) == [f"Story: Guest night {QUEUE_PER_PAGE:02d} guest",
                                         "Story: An older worry"]
    assert f"Urgent ({QUEUE_PER_PAGE + 2})" in second.text
    assert (await moderator.get("/mod/?tab=urgent&page=3")).status_code == 404
