"""Guest posts: held until approved, invisible meanwhile, managed with a secret link."""

from __future__ import annotations

import re

import pytest

from forum.app import create_app
from forum.models.content import Post, PostStatus

from ..conftest import make_settings
from ..factories import make_story
from .test_xss_and_headers import CORPUS, audit


@pytest.fixture
def app(var_dir, database_url, db):
    """Guests here all share the test client's address: a roomier guest limit."""
    settings = make_settings(var_dir, database_url, FORUM_RATE_LIMITS="guest=100/hour")
    return create_app(settings, manage_database=False, strict_templates=True)


MANAGE_LINK = re.compile(r'href="http://127\.0\.0\.1:8000(/manage/([A-Za-z0-9_-]+))"')


async def post_as_guest(visitor, **fields) -> tuple[str, str]:
    form = await visitor.get("/guest/new")
    assert form.status_code == 200
    data = {"category": "small-wins", "title": "A small win", "body": "I went outside today.",
            **fields}
    response = await visitor.post_form("/guest/new", data)
    assert response.status_code == 201, response.text[:300]
    found = MANAGE_LINK.search(response.text)
    assert found, "the manage link is shown once"
    return found.group(1), found.group(2)


async def test_a_guest_story_waits_unseen_until_approved_and_then_shows_the_pseudonym(
        visitor, member, moderator, client_factory):
    link, token = await post_as_guest(visitor)
    story = await Post.get(is_guest=True)
    assert story.status == PostStatus.PENDING and story.author_id is None
    assert story.manage_token_hash and token not in story.manage_token_hash
    assert len(token) >= 22  # ≥ 128 bits of randomness
    someone_else = await client_factory()
    for reader in (someone_else, member):
        assert (await reader.get(f"/stories/{story.thread_id}")).status_code == 404
    queue = await moderator.get("/mod/?tab=approval")
    assert "A small win" in queue.text and ">guest<" in queue.text
    await moderator.post_form(f"/mod/posts/{story.id}/approve", {})
    page = await someone_else.get(f"/stories/{story.thread_id}")
    assert page.status_code == 200 and story.pseudonym in page.text
    assert story.pseudonym.startswith("Guest ")
    status = await someone_else.get(link)
    assert "published" in status.text


async def test_the_manage_link_edits_and_deletes_and_a_wrong_or_old_one_is_404(visitor,
                                                                             member):
    link, _token = await post_as_guest(visitor)
    story = await Post.get(is_guest=True)
    await make_story(member.user)
    assert (await visitor.get("/manage/not-the-right-token")).status_code == 404
    edited = await visitor.post_form(f"{link}/edit", {"title": "A small win",
                                                      "body": "I went outside, twice."})
    assert edited.status_code == 303
    assert (await Post.get(id=story.id)).body_md == "I went outside, twice."
    assert (await visitor.post_form(f"{link}/delete", {"confirm": "yes"})).status_code == 200
    assert (await visitor.get(link)).status_code == 404  # the old link is dead now


async def test_the_honeypot_and_links_are_refused_with_the_words_kept(visitor):
    await visitor.get("/guest/new")
    trap = await visitor.post_form("/guest/new", {
        "category": "small-wins", "title": "T", "body": "Kept words", "website": "spam.example"})
    assert trap.status_code == 400
    linked = await visitor.post_form("/guest/new", {
        "category": "small-wins", "title": "T", "body": "Visit https://spam.example now"})
    assert linked.status_code == 422
    assert "include links" in linked.text and "Visit https://spam.example now" in linked.text
    assert await Post.filter(is_guest=True).count() == 0


async def test_guests_can_only_post_where_the_category_allows(visitor):
    await visitor.get("/guest/new")
    refused = await visitor.post_form("/guest/new", {
        "category": "grief-loss", "title": "T", "body": "B"})
    assert refused.status_code == 422 and "only takes posts from members" in refused.text


async def test_a_guest_reply_is_held_and_the_api_gives_a_manage_token(visitor, member):
    story = await make_story(member.user)
    await visitor.get(f"/stories/{story.thread_id}/guest-reply")
    response = await visitor.post_form(f"/stories/{story.thread_id}/guest-reply",
                                       {"body": "You're doing great"})
    assert response.status_code == 201
    via_api = await visitor.http.post(f"/api/v1/stories/{story.thread_id}/replies",
                                      json={"body": "From an app"})
    assert via_api.status_code == 202
    body = via_api.json()
    assert body["author"]["kind"] == "guest" and "id" not in body["author"]
    token = body["manage_token"]
    changed = await visitor.http.patch(f"/api/v1/posts/{body['id']}",
                                       json={"body": "From an app, edited"},
                                       headers={"X-Manage-Token": token})
    assert changed.status_code == 200
    gone = await visitor.http.delete(f"/api/v1/posts/{body['id']}",
                                     headers={"X-Manage-Token": token})
    assert gone.status_code == 204
    assert (await visitor.http.delete(f"/api/v1/posts/{body['id']}",
                                      headers={"X-Manage-Token": token})).status_code == 404


async def test_guest_supplied_text_stays_inert(visitor, moderator):
    for n, payload in enumerate(CORPUS[:12]):
        await visitor.get("/guest/new")
        response = await visitor.post_form("/guest/new", {
            "category": "small-wins", "title": payload[:150].replace("\n", " ") or "t",
            "body": payload, "submission_id": f"guest-xss-{n:06d}"})
        if response.status_code != 201:  # links in the payload are refused, kindly
            assert response.status_code == 422
            assert audit(response.text) == []
            continue
        story = await Post.filter(is_guest=True).order_by("-id").first()
        await moderator.post_form(f"/mod/posts/{story.id}/approve", {})
        page = await visitor.get(f"/stories/{story.thread_id}")
        assert audit(page.text) == [], payload
