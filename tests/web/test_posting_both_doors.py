"""The page and the API are two doors to the same posting rules: what one refuses, the other
refuses; what one follows up on, the other does too."""

from __future__ import annotations

import pytest

from forum.app import create_app
from forum.models.content import Post, PostStatus, Thread
from forum.models.safety import CrisisAlert
from forum.safety import alerts

from ..conftest import make_settings
from ..factories import make_reply, make_story
from .test_crisis_care import URGENT, Receiver
from .test_guests import MANAGE_LINK

SUBMISSION = "resend-me-0123456789"


@pytest.fixture
def receiver():
    found = Receiver()
    yield found
    found.close()


@pytest.fixture
def app(var_dir, database_url, db, receiver, monkeypatch):
    monkeypatch.setattr(alerts, "RETRY_DELAYS_SECONDS", (0.05, 0.05, 0.05, 0.05))
    settings = make_settings(var_dir, database_url, FORUM_CRISIS_WEBHOOK_URL=receiver.url,
                             FORUM_RATE_LIMITS="guest=100/hour")
    return create_app(settings, manage_database=False, strict_templates=True)


async def alert_arrives(receiver: Receiver, post: Post, run_jobs) -> None:
    assert await run_jobs() >= 1  # the webhook alert (and the moderators' email round)
    assert await CrisisAlert.filter(post_id=post.id, status="delivered").count() == 1
    assert len(receiver.received) == 1


async def test_editing_a_post_into_urgent_words_on_the_page_alerts_the_webhook(
        member, receiver, run_jobs):
    story = await make_story(member.user, body="A quiet day.")
    edited = await member.post_form(f"/posts/{story.id}/edit",
                                    {"title": "A story", "body": URGENT})
    assert edited.status_code == 303 and edited.headers["location"] == f"/care/{story.id}"
    await alert_arrives(receiver, story, run_jobs)


async def test_editing_a_post_into_urgent_words_through_the_api_alerts_the_webhook(
        api_member, receiver, run_jobs):
    story = await make_story(api_member.user, body="A quiet day.")
    reply = await make_reply(api_member.user, story, body="Thanks, all.")
    edited = await api_member.api("PATCH", f"/api/v1/posts/{reply.id}", json={"body": URGENT})
    assert edited.status_code == 200 and edited.json()["body"] == URGENT
    await alert_arrives(receiver, reply, run_jobs)


async def test_a_guest_edit_into_urgent_words_alerts_the_webhook_through_the_api(
        visitor, receiver, run_jobs):
    sent = await visitor.api("POST", "/api/v1/stories", json={
        "category": "small-wins", "title": "A small win", "body": "I went outside."})
    assert sent.status_code == 202
    story = await Post.get(id=sent.json()["post"]["id"])
    edited = await visitor.api("PATCH", f"/api/v1/posts/{story.id}", json={"body": URGENT},
                               headers={"X-Manage-Token": sent.json()["manage_token"]})
    assert edited.status_code == 200
    await alert_arrives(receiver, story, run_jobs)


async def test_a_guest_reply_to_a_locked_thread_is_refused_on_the_page_and_in_the_api(
        visitor, member):
    story = await make_story(member.user)
    await Thread.filter(id=story.thread_id).update(is_locked=True)
    form = await visitor.get(f"/stories/{story.thread_id}/guest-reply")
    page = await visitor.post_form(f"/stories/{story.thread_id}/guest-reply",
                                   {"body": "Kind words"})
    api = await visitor.api("POST", f"/api/v1/stories/{story.thread_id}/replies",
                            json={"body": "Kind words"})
    assert (form.status_code, page.status_code, api.status_code) == (403, 403, 403)
    assert "locked" in page.text and "locked" in api.json()["detail"]
    assert await Post.filter(is_guest=True).count() == 0


async def test_a_guest_reply_to_a_thread_outside_guest_categories_is_refused_at_both_doors(
        visitor, member):
    story = await make_story(member.user, category="grief-loss")
    page = await visitor.post_form(f"/stories/{story.thread_id}/guest-reply",
                                   {"body": "Kind words"})
    api = await visitor.api("POST", f"/api/v1/stories/{story.thread_id}/replies",
                            json={"body": "Kind words"})
    assert (page.status_code, api.status_code) == (403, 403)
    assert "only takes posts from members" in api.json()["detail"]


@pytest.mark.parametrize("where", ["missing", "other thread"])
async def test_a_guest_reply_to_a_post_that_is_not_in_the_thread_is_a_kind_422(
        visitor, member, where):
    story = await make_story(member.user)
    elsewhere = await make_reply(member.user, await make_story(member.user, title="Other"))
    target = 999_999 if where == "missing" else elsewhere.id
    page = await visitor.post_form(f"/stories/{story.thread_id}/guest-reply",
                                   {"body": "Kind words", "reply_to": str(target)})
    api = await visitor.api("POST", f"/api/v1/stories/{story.thread_id}/replies",
                            json={"body": "Kind words", "reply_to": target})
    assert (page.status_code, api.status_code) == (422, 422)
    assert "no longer here" in page.text and "Kind words" in page.text
    assert api.json()["errors"]["reply_to"] == "The post you answered is no longer here."
    assert await Post.filter(is_guest=True).count() == 0


@pytest.mark.parametrize("where", ["missing", "other thread"])
async def test_a_member_reply_to_a_post_that_is_not_in_the_thread_is_a_kind_422(
        member, api_member, where):
    story = await make_story(member.user)
    elsewhere = await make_reply(member.user, await make_story(member.user, title="Other"))
    target = 999_999 if where == "missing" else elsewhere.id
    page = await member.post_form(f"/stories/{story.thread_id}/replies",
                                  {"body": "With you", "reply_to": str(target)})
    api = await api_member.api("POST", f"/api/v1/stories/{story.thread_id}/replies",
                               json={"body": "With you", "reply_to": target})
    assert (page.status_code, api.status_code) == (422, 422)
    assert "no longer here" in page.text and "With you" in page.text
    assert api.json()["errors"]["reply_to"] == "The post you answered is no longer here."
    assert await Post.filter(body_md="With you").count() == 0


@pytest.mark.parametrize("to", ["²", "①", "１", "-1", "0", "99999999999999"])
async def test_the_reply_page_for_a_post_number_that_is_not_one_is_a_404(member, to):
    story = await make_story(member.user)
    response = await member.get(f"/stories/{story.thread_id}/reply", params={"to": to})
    assert response.status_code == 404


async def test_a_resent_guest_story_form_posts_once_and_never_shows_the_link_again(visitor):
    data = {"category": "small-wins", "title": "A small win", "body": "I went outside.",
            "submission_id": SUBMISSION}
    first = await visitor.post_form("/guest/new", data)
    again = await visitor.post_form("/guest/new", data)
    assert first.status_code == 201 and MANAGE_LINK.search(first.text)
    assert again.status_code == 200 and "We already have this one" in again.text
    assert not MANAGE_LINK.search(again.text) and "/manage/" not in again.text
    assert await Post.filter(is_guest=True).count() == 1


async def test_a_resent_guest_reply_posts_once_through_either_door(visitor, member):
    story = await make_story(member.user)
    url = f"/stories/{story.thread_id}/guest-reply"
    data = {"body": "Kind words", "submission_id": SUBMISSION}
    first = await visitor.post_form(url, data)
    again = await visitor.post_form(url, data)
    assert (first.status_code, again.status_code) == (201, 200)
    assert not MANAGE_LINK.search(again.text)
    api_url = f"/api/v1/stories/{story.thread_id}/replies"
    key = {"Idempotency-Key": "another-key-0123456789"}
    sent = await visitor.api("POST", api_url, json={"body": "More words"}, headers=key)
    resent = await visitor.api("POST", api_url, json={"body": "More words"}, headers=key)
    assert (sent.status_code, resent.status_code) == (202, 202)
    assert sent.json()["manage_token"] and "manage_token" not in resent.json()
    assert "already received" in resent.json()["notice"]
    assert resent.json()["id"] == sent.json()["id"]
    assert await Post.filter(is_guest=True).count() == 2


async def test_an_idempotency_key_reused_with_other_words_is_refused_not_answered_with_the_first(
        api_member, visitor):
    key = {"Idempotency-Key": "retry-me-0123456789"}
    story = {"category": "small-wins", "title": "T", "body": "B"}
    first = await api_member.api("POST", "/api/v1/stories", headers=key, json=story)
    same = await api_member.api("POST", "/api/v1/stories", headers=key, json=story)
    other = await api_member.api("POST", "/api/v1/stories", headers=key,
                                 json={**story, "body": "Something else entirely"})
    assert (first.status_code, same.status_code, other.status_code) == (201, 200, 422)
    assert "already used to send a different post" in other.json()["detail"]
    assert same.json()["id"] == first.json()["id"]
    reply_url = f"/api/v1/stories/{first.json()['id']}/replies"
    rkey = {"Idempotency-Key": "reply-key-0123456789"}
    assert (await api_member.api("POST", reply_url, headers=rkey,
                                 json={"body": "One"})).status_code == 201
    assert (await api_member.api("POST", reply_url, headers=rkey,
                                 json={"body": "Two"})).status_code == 422
    guest_key = {"Idempotency-Key": "guest-key-0123456789"}
    assert (await visitor.api("POST", "/api/v1/stories", headers=guest_key,
                              json=story)).status_code == 202
    assert (await visitor.api("POST", "/api/v1/stories", headers=guest_key,
                              json={**story, "title": "Not T"})).status_code == 422
    assert await Post.all().count() == 3


async def test_the_same_idempotency_key_after_an_edit_still_answers_with_the_first_post(
        api_member):
    key = {"Idempotency-Key": "retry-me-0123456789"}
    story = {"category": "small-wins", "title": "T", "body": "B"}
    first = await api_member.api("POST", "/api/v1/stories", headers=key, json=story)
    post_id = first.json()["post"]["id"]
    assert (await api_member.api("PATCH", f"/api/v1/posts/{post_id}",
                                 json={"body": "B, and more"})).status_code == 200
    again = await api_member.api("POST", "/api/v1/stories", headers=key, json=story)
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]


async def test_a_member_page_form_sent_twice_posts_once(member):
    story = await make_story(member.user)
    data = {"body": "Thinking of you", "submission_id": SUBMISSION}
    first = await member.post_form(f"/stories/{story.thread_id}/replies", data)
    again = await member.post_form(f"/stories/{story.thread_id}/replies", data)
    assert first.status_code == again.status_code == 303
    assert await Post.filter(body_md="Thinking of you", status=PostStatus.PUBLISHED).count() == 1


async def test_the_same_key_and_words_sent_to_another_thread_are_refused_not_swallowed(
        member, api_member, visitor):
    first_story, second_story = await make_story(member.user), await make_story(member.user)
    key = {"Idempotency-Key": "thread-key-0123456789"}
    words = {"body": "Thinking of you"}
    sent = await api_member.api("POST", f"/api/v1/stories/{first_story.thread_id}/replies",
                                headers=key, json=words)
    elsewhere = await api_member.api(
        "POST", f"/api/v1/stories/{second_story.thread_id}/replies", headers=key, json=words)
    assert (sent.status_code, elsewhere.status_code) == (201, 422)
    assert "already used to send a different post" in elsewhere.json()["detail"]
    form = {"body": "Same words, same form", "submission_id": SUBMISSION}
    posted = await member.post_form(f"/stories/{first_story.thread_id}/replies", form)
    moved = await member.post_form(f"/stories/{second_story.thread_id}/replies", form)
    assert (posted.status_code, moved.status_code) == (303, 422)
    assert "Same words, same form" in moved.text  # the text is kept
    guest = {"body": "A guest's words", "submission_id": "guest-form-0123456789"}
    assert (await visitor.post_form(f"/stories/{first_story.thread_id}/guest-reply",
                                    guest)).status_code == 201
    assert (await visitor.post_form(f"/stories/{second_story.thread_id}/guest-reply",
                                    guest)).status_code == 422
    assert await Post.filter(thread_id=second_story.thread_id, is_story=False).count() == 0
