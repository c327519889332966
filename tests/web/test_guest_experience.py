"""A guest's side of posting: every guest-enabled category (and only those), content warnings
as members have them, a "sent" page that is safe to refresh, and a delete that asks first."""

from __future__ import annotations

import re

import pytest

from forum.app import create_app
from forum.models.content import Category, Post, PostStatus, Thread

from ..conftest import make_settings
from ..factories import make_story

GUEST_ENABLED = {"small-wins", "grief-loss", "recovery-sobriety"}
MEMBERS_ONLY = "depression-anxiety"
MANAGE_LINK = re.compile(r'href="http://127\.0\.0\.1:8000(/manage/[A-Za-z0-9_-]+)"')
SUBMISSION_ID = re.compile(r'name="submission_id" value="([^"]+)"')
CATEGORY_OPTION = re.compile(r'<option value="([a-z0-9-]+)"')


@pytest.fixture
def app(request, var_dir, database_url, db):
    """Guests here all share the test client's address: a roomier guest limit, unless a test
    asks for another (`indirect` parametrization)."""
    limits = getattr(request, "param", "guest=100/hour")
    settings = make_settings(var_dir, database_url, FORUM_RATE_LIMITS=limits)
    return create_app(settings, manage_database=False, strict_templates=True)


@pytest.fixture
async def guest_categories(db):
    """Admins have opened two more categories to guests (Small Wins is open from the start)."""
    await Category.filter(slug__in=sorted(GUEST_ENABLED)).update(allow_guests=True)
    return GUEST_ENABLED


async def open_form(visitor) -> str:
    """The guest story form as a browser gets it; its submission id."""
    form = await visitor.get("/guest/new")
    assert form.status_code == 200
    found = SUBMISSION_ID.search(form.text)
    assert found, "the form carries a submission id"
    return found.group(1)


async def test_the_chooser_lists_exactly_the_guest_enabled_categories(visitor,
                                                                       guest_categories):
    form = await visitor.get("/guest/new")
    assert set(CATEGORY_OPTION.findall(form.text)) == guest_categories
    listed = (await visitor.http.get("/api/v1/categories")).json()["categories"]
    assert {c["slug"] for c in listed if c["allow_guests"]} == guest_categories


async def test_a_guest_posts_in_every_guest_enabled_category_through_both_doors(
        visitor, guest_categories):
    for slug in sorted(guest_categories):
        await open_form(visitor)
        page = await visitor.post_form("/guest/new", {
            "category": slug, "title": f"Page story in {slug}", "body": "I went outside."})
        assert page.status_code == 201, page.text[:300]
        assert MANAGE_LINK.search(page.text)
        api = await visitor.http.post("/api/v1/stories", json={
            "category": slug, "title": f"App story in {slug}", "body": "I went outside."})
        assert api.status_code == 202, api.text[:300]
        assert api.json()["manage_token"]
    stored = await Thread.filter(posts__is_guest=True).prefetch_related("category")
    assert sorted(t.category.slug for t in stored) == sorted(list(guest_categories) * 2)
    assert await Post.filter(is_guest=True, status=PostStatus.PENDING).count() == 6


async def test_a_members_only_category_refuses_a_guest_kindly_and_keeps_the_words(
        visitor, guest_categories):
    await open_form(visitor)
    refused = await visitor.post_form("/guest/new", {
        "category": MEMBERS_ONLY, "title": "My heavy week", "body": "These are my words."})
    assert refused.status_code == 422
    assert "only takes posts from members" in refused.text
    assert "My heavy week" in refused.text and "These are my words." in refused.text
    api = await visitor.http.post("/api/v1/stories", json={
        "category": MEMBERS_ONLY, "title": "My heavy week", "body": "These are my words."})
    assert api.status_code == 422 and "only takes posts from members" in api.text
    assert await Post.filter(is_guest=True).count() == 0


async def test_a_guests_content_warnings_are_stored_and_shown_collapsed(
        visitor, moderator, guest_categories):
    form = await visitor.get("/guest/new")
    assert 'name="content_warnings" value="suicide"' in form.text
    sent = await visitor.post_form("/guest/new", {
        "category": "grief-loss", "title": "A year without her",
        "body": "The first anniversary was hard.",
        "content_warnings": ["suicide", "child_loss"], "content_warning_note": "hospital"})
    assert sent.status_code == 201, sent.text[:300]
    story = await Post.get(is_guest=True).select_related("thread")
    assert sorted(story.thread.content_warnings) == ["child_loss", "suicide"]
    assert story.thread.content_warning_note == "hospital"
    await moderator.post_form(f"/mod/posts/{story.id}/approve", {})
    page = await visitor.get(f"/stories/{story.thread_id}")
    assert page.status_code == 200
    collapsed = re.search(r'<details class="post__warned[^"]*">\s*<summary>This story mentions: '
                          r'([^<]*)', page.text)
    assert collapsed, "the story is behind its warnings"
    assert "suicide" in collapsed.group(1) and "child loss" in collapsed.group(1)
    assert "hospital" in collapsed.group(1)
    via_api = await visitor.http.post("/api/v1/stories", json={
        "category": "small-wins", "title": "Made the call", "body": "I rang the doctor.",
        "content_warnings": ["self_harm"]})
    assert via_api.status_code == 202
    assert via_api.json()["content_warnings"] == ["self_harm"]


async def test_a_warning_that_does_not_exist_is_refused_with_the_choices_kept(
        visitor, guest_categories):
    await open_form(visitor)
    refused = await visitor.post_form("/guest/new", {
        "category": "small-wins", "title": "A small win", "body": "Kept words.",
        "content_warnings": ["suicide", "not-a-warning"]})
    assert refused.status_code == 422
    assert "Kept words." in refused.text
    assert await Post.filter(is_guest=True).count() == 0


async def test_refreshing_the_sent_page_posts_once_and_says_the_link_was_shown(
        visitor, guest_categories):
    submission_id = await open_form(visitor)
    form = {"category": "grief-loss", "title": "A year without her",
            "body": "The first anniversary was hard.", "submission_id": submission_id}
    first = await visitor.post_form("/guest/new", form)
    assert first.status_code == 201 and MANAGE_LINK.search(first.text)
    again = await visitor.post_form("/guest/new", form)  # the browser's refresh resends it
    assert again.status_code == 200
    assert "We already have this one" in again.text
    assert "manage link was shown when you first sent it" in again.text
    assert not MANAGE_LINK.search(again.text), "the link is shown only once"
    assert await Post.filter(is_guest=True).count() == 1
    fresh = await open_form(visitor)  # a new form is a new story
    assert fresh != submission_id


@pytest.mark.parametrize("app", ["guest=2/hour"], indirect=True)
async def test_refreshing_again_and_again_is_not_a_new_post_and_not_rate_limited(
        visitor, guest_categories):
    """A guest limited to two posts an hour refreshes the sent page five times: each answer
    says the post arrived, none says "wait", and a genuinely new story still counts."""
    submission_id = await open_form(visitor)
    form = {"category": "small-wins", "title": "A small win", "body": "I went outside.",
            "submission_id": submission_id}
    assert (await visitor.post_form("/guest/new", form)).status_code == 201
    for _refresh in range(5):
        again = await visitor.post_form("/guest/new", form)
        assert again.status_code == 200 and "We already have this one" in again.text
    assert await Post.filter(is_guest=True).count() == 1
    second = {**form, "title": "Another win", "submission_id": await open_form(visitor)}
    assert (await visitor.post_form("/guest/new", second)).status_code == 201
    third = {**form, "title": "A third win", "submission_id": await open_form(visitor)}
    limited = await visitor.post_form("/guest/new", third)
    assert limited.status_code == 429 and "A third win" in limited.text


async def test_a_resent_api_story_is_one_post_without_a_second_token(visitor,
                                                                     guest_categories):
    story = {"category": "small-wins", "title": "Made the call", "body": "I rang the doctor.",
             "submission_id": "app-4b1f0c2e-7d5a"}
    first = await visitor.http.post("/api/v1/stories", json=story)
    again = await visitor.http.post("/api/v1/stories", json=story)
    assert first.status_code == again.status_code == 202
    assert first.json()["manage_token"] and "manage_token" not in again.json()
    assert again.json()["id"] == first.json()["id"] and again.json()["notice"]
    assert await Post.filter(is_guest=True).count() == 1


async def test_deleting_from_the_manage_link_asks_first(visitor, guest_categories):
    await open_form(visitor)
    sent = await visitor.post_form("/guest/new", {
        "category": "small-wins", "title": "A small win", "body": "I went outside."})
    found = MANAGE_LINK.search(sent.text)
    assert found
    link = found.group(1)
    assert "no-store" in sent.headers["cache-control"], "the manage link is not kept"
    manage = await visitor.get(link)
    assert "no-store" in manage.headers["cache-control"]
    assert f'href="{link}/delete"' in manage.text
    assert f'action="{link}/delete"' not in manage.text, "no one-press delete"
    asked = await visitor.get(f"{link}/delete")
    assert asked.status_code == 200 and "Yes, delete it" in asked.text
    assert 'name="confirm" value="yes"' in asked.text and f'href="{link}"' in asked.text
    assert "no-store" in asked.headers["cache-control"]
    unconfirmed = await visitor.post_form(f"{link}/delete", {})  # an old page's button
    assert unconfirmed.status_code == 200 and "Yes, delete it" in unconfirmed.text
    story = await Post.get(is_guest=True)
    assert story.status == PostStatus.PENDING, "nothing is deleted before confirming"
    assert (await visitor.get(link)).status_code == 200
    confirmed = await visitor.post_form(f"{link}/delete", {"confirm": "yes"})
    assert confirmed.status_code == 200 and "Your post is deleted" in confirmed.text
    assert (await Post.get(id=story.id)).status == PostStatus.DELETED
    assert (await visitor.get(link)).status_code == 404
    assert (await visitor.get(f"{link}/delete")).status_code == 404


async def test_the_api_delete_needs_no_second_step(visitor, member, guest_categories):
    story = await make_story(member.user, category="grief-loss")
    made = await visitor.http.post(f"/api/v1/stories/{story.thread_id}/replies",
                                   json={"body": "Thinking of you."})
    assert made.status_code == 202
    gone = await visitor.http.delete(f"/api/v1/posts/{made.json()['id']}",
                                     headers={"X-Manage-Token": made.json()["manage_token"]})
    assert gone.status_code == 204
    assert (await Post.get(id=made.json()["id"])).status == PostStatus.DELETED


async def test_a_resent_guest_reply_is_one_reply(visitor, member, guest_categories):
    story = await make_story(member.user, category="recovery-sobriety")
    form_page = await visitor.get(f"/stories/{story.thread_id}/guest-reply")
    found = SUBMISSION_ID.search(form_page.text)
    assert found
    form = {"body": "Day three here too. Keep going.", "submission_id": found.group(1)}
    first = await visitor.post_form(f"/stories/{story.thread_id}/guest-reply", form)
    assert first.status_code == 201 and MANAGE_LINK.search(first.text)
    again = await visitor.post_form(f"/stories/{story.thread_id}/guest-reply", form)
    assert again.status_code == 200 and "We already have this one" in again.text
    assert not MANAGE_LINK.search(again.text)
    assert await Post.filter(is_guest=True, is_story=False).count() == 1


async def test_refreshing_the_sent_page_after_deleting_says_it_is_deleted(visitor,
                                                                          guest_categories):
    form = {"category": "small-wins", "title": "A small win", "body": "I went outside.",
            "submission_id": await open_form(visitor)}
    sent = await visitor.post_form("/guest/new", form)
    found = MANAGE_LINK.search(sent.text)
    assert found
    await visitor.post_form(f"{found.group(1)}/delete", {"confirm": "yes"})
    again = await visitor.post_form("/guest/new", form)
    assert again.status_code == 200
    assert "deleted" in again.text and "once a moderator has read it" not in again.text
    assert await Post.filter(is_guest=True).count() == 1
