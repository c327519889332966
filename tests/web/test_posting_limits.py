"""Posting and reporting are rate limited, with a kind 429 that keeps what was written."""

from __future__ import annotations

import pytest

from forum.app import create_app

from ..conftest import make_settings
from ..factories import make_story


@pytest.fixture
def app(var_dir, database_url, db):
    settings = make_settings(var_dir, database_url,
                             FORUM_RATE_LIMITS="post=2/minute;report=1/hour;guest=2/hour")
    return create_app(settings, manage_database=False, strict_templates=True)


async def test_a_third_reply_in_a_minute_is_refused_with_the_words_kept(member, client_factory):
    story = await make_story(member.user)
    url = f"/stories/{story.thread_id}/replies"
    for n in range(2):
        ok = await member.post_form(url, {"body": f"Reply {n}", "submission_id": f"{n}" * 20})
        assert ok.status_code == 303
    refused = await member.post_form(url, {"body": "My third reply, kept",
                                           "submission_id": "z" * 20})
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) > 0
    assert "My third reply, kept" in refused.text and "posting faster" in refused.text
    api = await client_factory(member.user, api_token=True)
    via_api = await api.api("POST", "/api/v1/stories", json={
        "category": "small-wins", "title": "T", "body": "B"})
    assert via_api.status_code == 429 and "retry-after" in via_api.headers


async def test_reports_are_rate_limited_too(member, other_member):
    first, second = await make_story(member.user), await make_story(member.user)
    assert (await other_member.post_form(f"/posts/{first.id}/report",
                                         {"reason": "spam"})).status_code == 303
    refused = await other_member.post_form(f"/posts/{second.id}/report",
                                           {"reason": "spam", "note": "kept note"})
    assert refused.status_code == 429 and "kept note" in refused.text


async def test_guest_posting_is_rate_limited_per_address(visitor):
    for n in range(2):
        await visitor.get("/guest/new")
        ok = await visitor.post_form("/guest/new", {
            "category": "small-wins", "title": f"Win {n}", "body": "Outside today",
            "submission_id": f"guest-rate-{n:06d}"})
        assert ok.status_code == 201
    refused = await visitor.post_form("/guest/new", {"category": "small-wins",
                                                     "title": "Third", "body": "Kept words"})
    assert refused.status_code == 429 and "retry-after" in refused.headers
    assert "Kept words" in refused.text
