"""Reports and moderation through the JSON API."""

from __future__ import annotations

import pytest

from forum.models.accounts import Role
from forum.models.content import Post, PostStatus
from forum.models.moderation import AuditEntry, Report

from ..factories import make_reply, make_story, make_user


@pytest.fixture
async def api_mod(client_factory):
    return await client_factory(await make_user("plover_mod", role=Role.MODERATOR),
                                api_token=True)


async def test_a_member_reports_once_and_the_queue_shows_it(api_member, api_mod, member):
    story = await make_story(member.user, title="Reported story")
    first = await api_member.api("POST", f"/api/v1/posts/{story.id}/reports",
                                 json={"reason": "worried", "note": "Please check on her"})
    assert first.status_code == 201 and first.json()["reason"] == "worried"
    second = await api_member.api("POST", f"/api/v1/posts/{story.id}/reports",
                                  json={"reason": "spam"})
    assert second.status_code == 422
    assert "already reported" in second.json()["detail"]
    bad = await api_member.api("POST", f"/api/v1/posts/{story.id}/reports",
                               json={"reason": "watched_word"})
    assert bad.status_code == 422
    queue = (await api_mod.api("GET", "/api/v1/mod/queue?tab=urgent")).json()
    assert queue["counts"]["urgent"] == 1 and queue["total"] == 1
    [item] = queue["items"]
    assert item["story_title"] == "Reported story"
    assert item["reports"][0]["note"] == "Please check on her"
    assert (await api_mod.api("GET", "/api/v1/mod/queue?tab=nope")).status_code == 400


async def test_post_actions_need_their_reasons_and_report_what_changed(api_mod, member):
    story = await make_story(member.user)
    reply = await make_reply(member.user, story, "Off topic")
    url = f"/api/v1/mod/posts/{reply.id}"
    missing = await api_mod.api("POST", f"{url}/hide", json={})
    assert missing.status_code == 422 and "reason" in missing.json()["errors"]
    hidden = await api_mod.api("POST", f"{url}/hide", json={"reason": "Off topic"})
    assert hidden.json()["changed"] is True
    assert hidden.json()["post"]["status"] == "hidden"
    again = await api_mod.api("POST", f"{url}/hide", json={"reason": "Off topic"})
    assert again.json()["changed"] is False
    assert await AuditEntry.filter(action="hide").count() == 1
    assert (await api_mod.api("POST", f"{url}/explode", json={})).status_code == 404
    deleting_a_reply = await api_mod.api("POST", f"{url}/delete", json={"reason": "x"})
    assert deleting_a_reply.status_code == 400


async def test_a_suspended_members_token_stops_working(api_mod, client_factory):
    person = await make_user("suspended_one")
    api = await client_factory(person, api_token=True)
    assert (await api.api("GET", "/api/v1/me")).status_code == 200
    response = await api_mod.api("POST", f"/api/v1/mod/users/{person.username}/suspend",
                                 json={"days": 3, "reason": "Threats"})
    assert response.json()["changed"] is True
    assert (await api.api("GET", "/api/v1/me")).status_code == 401
    token = await api.api("POST", "/api/v1/tokens",
                          json={"username": person.username,
                                "password": "a gentle harbour at dusk"})
    assert token.status_code == 403 and "suspended" in token.json()["detail"]


async def test_watched_words_crud_and_roles_for_admins_only(api_mod, client_factory):
    added = await api_mod.api("POST", "/api/v1/mod/words",
                              json={"pattern": "Scam  Link", "action": "block"})
    assert added.status_code == 201 and added.json()["pattern"] == "scam link"
    duplicate = await api_mod.api("POST", "/api/v1/mod/words",
                                  json={"pattern": "scam link", "action": "flag"})
    assert duplicate.status_code == 409
    listed = (await api_mod.api("GET", "/api/v1/mod/words")).json()["words"]
    assert [w["pattern"] for w in listed] == ["scam link"]
    gone = await api_mod.api("DELETE", f"/api/v1/mod/words/{added.json()['id']}")
    assert gone.status_code == 204
    target = await make_user("future_mod")
    url = f"/api/v1/admin/users/{target.username}/role"
    assert (await api_mod.api("POST", url, json={"role": "moderator"})).status_code == 403
    admin = await client_factory(await make_user("ibis_admin", role=Role.ADMIN),
                                 api_token=True)
    made = await admin.api("POST", url, json={"role": "moderator"})
    assert made.json() == {"changed": True, "username": "future_mod", "role": "moderator"}


async def test_approving_through_the_api_publishes_a_pending_post(api_mod, member):
    story = await make_story(member.user)
    await Post.filter(id=story.id).update(status=PostStatus.PENDING)
    done = await api_mod.api("POST", f"/api/v1/mod/posts/{story.id}/approve", json={})
    assert done.json()["post"]["status"] == "published"
    assert await Report.all().count() == 0
