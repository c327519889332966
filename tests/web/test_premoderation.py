"""New members' posts wait for a moderator in categories that pre-moderate them."""

from __future__ import annotations

import pytest

from forum.app import create_app
from forum.models.content import Category, Post, PostStatus, Premoderation

from ..conftest import make_settings


@pytest.fixture
def app(var_dir, database_url, db):
    settings = make_settings(var_dir, database_url, FORUM_NEW_MEMBER_DAYS="3",
                             FORUM_NEW_MEMBER_POSTS="2")
    return create_app(settings, manage_database=False, strict_templates=True)


STORY = {"category": "grief-loss", "title": "My first time here",
         "body": "I lost my brother in the spring.", "submission_id": "first-story-0001"}


async def test_a_new_members_story_waits_and_only_they_and_moderators_see_it(
        member, other_member, visitor, moderator):
    response = await member.post_form("/stories/new", STORY)
    assert response.status_code == 303
    story = await Post.get(is_story=True)
    assert story.status == PostStatus.PENDING
    own = await member.get(f"/stories/{story.thread_id}")
    assert "Waiting for a moderator" in own.text
    for outsider in (visitor, other_member):
        assert (await outsider.get(f"/stories/{story.thread_id}")).status_code == 404
        assert "My first time here" not in (await outsider.get("/")).text
    queue = await moderator.get("/mod/?tab=approval")
    assert "My first time here" in queue.text
    approve = await moderator.post_form(f"/mod/posts/{story.id}/approve", {})
    assert approve.status_code == 303
    assert (await visitor.get(f"/stories/{story.thread_id}")).status_code == 200
    assert "was approved" in (await member.get("/account")).text


async def test_rejection_tells_the_author_the_reason(member, moderator, visitor):
    await member.post_form("/stories/new", STORY)
    story = await Post.get(is_story=True)
    missing = await moderator.post_form(f"/mod/posts/{story.id}/reject", {"reason": ""})
    assert missing.status_code == 422
    assert "Please write the reason" in missing.text
    await moderator.post_form(f"/mod/posts/{story.id}/reject",
                              {"reason": "Names a real person"})
    assert "Names a real person" in (await member.get("/account")).text
    assert (await visitor.get(f"/stories/{story.thread_id}")).status_code == 404


async def test_categories_without_premoderation_publish_at_once_and_all_holds_everyone(
        member, moderator):
    await Category.filter(slug="small-wins").update(premoderation=Premoderation.NONE)
    await Category.filter(slug="grief-loss").update(premoderation=Premoderation.ALL)
    await member.post_form("/stories/new", {**STORY, "category": "small-wins",
                                            "submission_id": "small-wins-00001"})
    assert (await Post.get(is_story=True)).status == PostStatus.PUBLISHED
    await moderator.post_form("/stories/new", {**STORY, "submission_id": "moderator-000001"})
    by_mod = await Post.get(is_story=True, author_id=moderator.user.id)
    assert by_mod.status == PostStatus.PUBLISHED  # moderators are never held


async def test_the_api_answers_202_for_a_held_story(client_factory):
    from ..factories import make_user

    api = await client_factory(await make_user("newcomer_api"), api_token=True)
    response = await api.api("POST", "/api/v1/stories", json={
        "category": "grief-loss", "title": "Held", "body": "Words"})
    assert response.status_code == 202
    assert response.json()["post"]["status"] == "pending"
