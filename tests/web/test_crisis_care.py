"""Crisis language reaches a human: the writer sees help, moderators see it first, and an
alert goes to the webhook — a real local HTTP server here — in the background."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from forum.app import create_app
from forum.models.content import Post, PostStatus
from forum.models.moderation import AuditEntry, Report
from forum.models.notifications import SealedNotification
from forum.models.safety import CrisisAlert
from forum.safety import alerts

from ..conftest import make_settings
from ..factories import make_story

URGENT = "I can't do this anymore. I want to kill myself tonight."
CONCERN = "I'm so tired of everything. What's the point of any of it."


class Receiver:
    """A webhook receiver on a free local port: answers with the statuses it is given, and
    may take its time about it."""

    def __init__(self) -> None:
        self.received: list[dict] = []
        self.statuses: list[int] = []
        self.delay = 0.0
        self.answered = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", 0))
                receiver.received.append(json.loads(self.rfile.read(length)))
                time.sleep(receiver.delay)
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.end_headers()
                receiver.answered.set()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        # A short poll: shutdown() waits up to one poll interval (half a second by default).
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.02,),
                                       daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver()
    yield found
    found.close()


@pytest.fixture
def app(var_dir, database_url, db, receiver, monkeypatch):
    monkeypatch.setattr(alerts, "RETRY_DELAYS_SECONDS", (0.05, 0.05, 0.05, 0.05))
    settings = make_settings(var_dir, database_url, FORUM_CRISIS_WEBHOOK_URL=receiver.url)
    return create_app(settings, manage_database=False, strict_templates=True)


async def post_story(client, body: str, **extra) -> Post:
    response = await client.post_form("/stories/new", {
        "category": "depression-anxiety", "title": "Tonight", "body": body, **extra})
    assert response.status_code == 303
    story = await Post.filter(is_story=True).order_by("-id").first()
    assert response.headers["location"] in (f"/care/{story.id}", f"/stories/{story.thread_id}")
    return story


async def test_an_urgent_story_is_published_the_writer_sees_help_and_moderators_see_it_first(
        member, moderator, receiver, run_jobs):
    story = await post_story(member, URGENT)
    assert story.status == PostStatus.PUBLISHED and story.crisis_level == "urgent"
    care = await member.get(f"/care/{story.id}")
    assert "You matter" in care.text and f'href="/posts/{story.id}"' in care.text
    assert "Find A Helpline" in care.text
    urgent = await moderator.get("/mod/?tab=urgent")
    assert "Tonight" in urgent.text and "Crisis language noticed" in urgent.text
    await run_jobs()


async def test_the_alert_is_sent_once_in_the_background_and_names_no_one(
        member, receiver, run_jobs):
    receiver.delay = 1.5
    story = await post_story(member, URGENT)
    assert not receiver.answered.is_set(), "the request waited for the webhook"
    await run_jobs()
    assert len(receiver.received) == 1
    [payload] = receiver.received
    assert payload["level"] == "urgent"
    assert payload["post_url"].endswith(f"/posts/{story.id}")
    flat = json.dumps(payload)
    assert member.user.username not in flat and "author" not in flat
    alert = await CrisisAlert.get(post_id=story.id)
    assert (alert.status, alert.attempts) == ("delivered", 1)


async def test_a_failed_delivery_is_retried_and_failures_are_kept_for_admins(member, receiver,
                                                                            admin, run_jobs):
    receiver.statuses = [500]
    story = await post_story(member, URGENT)
    await run_jobs()
    assert len(receiver.received) == 2 and receiver.received[0] == receiver.received[1]
    alert = await CrisisAlert.get(post_id=story.id)
    assert (alert.status, alert.attempts) == ("delivered", 2)
    receiver.statuses = [500] * 5
    await post_story(member, URGENT + " Again.")
    await run_jobs()
    failed = await CrisisAlert.filter(status="failed").first()
    assert failed is not None and failed.attempts == 5 and failed.last_error == "HTTP 500"
    page = await admin.get("/admin/resources")
    assert "failed" in page.text and "HTTP 500" in page.text


async def test_concern_shows_help_without_alerting_anyone(member, receiver, run_jobs):
    story = await post_story(member, CONCERN)
    assert story.crisis_level == "concern"
    assert not await Report.exists(post_id=story.id)
    await run_jobs()
    assert receiver.received == []


async def test_ordinary_posts_go_straight_to_the_thread(member, receiver):
    story = await post_story(member, "This commute is killing me, but I made it to group.")
    assert story.crisis_level == "none"


async def test_the_draft_check_answers_with_help_and_stores_nothing(visitor, member):
    before = await Post.all().count(), await Report.all().count()
    found = await visitor.http.post("/api/v1/safety/check", json={"text": URGENT},
                                    headers={"Accept-Language": "en-GB"})
    assert found.status_code == 200
    body = found.json()
    assert body["level"] == "urgent"
    assert any(r["name"] == "Samaritans" for r in body["resources"])
    calm = await visitor.http.post("/api/v1/safety/check", json={"text": "Lovely walk today"})
    assert calm.json() == {"level": "none", "resources": []}
    assert (await Post.all().count(), await Report.all().count()) == before
    token = await member.csrf()
    signed_in = await member.http.post("/api/v1/safety/check", json={"text": CONCERN},
                                       headers={"X-CSRF-Token": token})
    assert signed_in.json()["level"] == "concern"


async def test_posting_through_the_api_reports_the_crisis_level(client_factory, member,
                                                                receiver, run_jobs):
    api = await client_factory(member.user, api_token=True)
    response = await api.api("POST", "/api/v1/stories", json={
        "category": "depression-anxiety", "title": "Tonight", "body": URGENT})
    assert response.status_code == 201
    crisis = response.json()["crisis"]
    assert crisis["level"] == "urgent" and crisis["resources"]
    await run_jobs()


async def test_a_care_message_reaches_an_anonymous_author_and_only_moderators_send_one(
        member, other_member, moderator, run_jobs):
    story = await post_story(member, URGENT, anonymous="1")
    await run_jobs()
    refused = await other_member.post_form(f"/mod/posts/{story.id}/care",
                                           {"message": "Thinking of you"})
    assert refused.status_code == 403
    sent = await moderator.post_form(f"/mod/posts/{story.id}/care",
                                     {"message": "We're here with you tonight."})
    assert sent.status_code == 303
    assert await SealedNotification.all().count() == 1
    inbox = await member.get("/account")
    assert "We're here with you tonight." in inbox.text.replace("&#39;", "'")
    entry = await AuditEntry.get(action="care_message")
    assert member.user.username not in entry.target_label


async def test_a_guest_in_crisis_sees_help_with_the_manage_link(visitor, member, run_jobs):
    await make_story(member.user)
    await visitor.get("/guest/new")
    response = await visitor.post_form("/guest/new", {
        "category": "small-wins", "title": "Tonight", "body": URGENT})
    assert response.status_code == 201
    assert "You don" in response.text and "Find A Helpline" in response.text
    assert "/manage/" in response.text
    await run_jobs()
