"""The moderation queue through the JSON API says, per item, what crisis language was found
and whether the post is waiting unseen in crisis — what the HTML queue already shows, so a
moderator's own tool can put those first too."""

from __future__ import annotations

import pytest

from forum.models.accounts import Role
from forum.models.content import Post, PostStatus

from ..factories import make_story, make_user

URGENT_WORDS = "I want to kill myself tonight. I have the pills here."


@pytest.fixture
async def api_mod(client_factory):
    return await client_factory(await make_user("dunlin_mod", role=Role.MODERATOR),
                                api_token=True)


async def queue(api_mod, tab: str) -> dict[int, dict]:
    found = await api_mod.api("GET", f"/api/v1/mod/queue?tab={tab}")
    assert found.status_code == 200, found.text[:300]
    return {item["post"]["id"]: item for item in found.json()["items"]}


async def test_a_guests_held_crisis_post_is_marked_waiting_in_crisis(visitor, api_mod):
    posted = await visitor.api("POST", "/api/v1/stories", json={
        "category": "small-wins", "title": "Tonight", "body": URGENT_WORDS})
    assert posted.status_code == 202
    post_id = posted.json()["id"]
    stored = await Post.get(id=post_id)
    assert stored.status == PostStatus.PENDING and stored.crisis_level == "urgent"
    item = (await queue(api_mod, "urgent"))[post_id]
    assert item["crisis_level"] == "urgent"
    assert item["waiting_in_crisis"] is True
    # The same post on the approval tab says the same of itself.
    assert (await queue(api_mod, "approval"))[post_id]["waiting_in_crisis"] is True


async def test_a_published_post_reported_as_worrying_is_not_waiting_in_crisis(
        api_member, api_mod, member):
    calm = await make_story(member.user, title="Quiet", body="A walk by the river today.")
    heavy = await make_story(member.user, title="Heavy", body=URGENT_WORDS)
    for story in (calm, heavy):
        reported = await api_member.api("POST", f"/api/v1/posts/{story.id}/reports",
                                        json={"reason": "worried"})
        assert reported.status_code == 201
    items = await queue(api_mod, "urgent")
    assert items[calm.id]["crisis_level"] == "none"
    assert items[calm.id]["waiting_in_crisis"] is False
    # Readable by everyone already: crisis language, but nobody is waiting for it.
    assert (await Post.get(id=heavy.id)).status == PostStatus.PUBLISHED
    assert items[heavy.id]["crisis_level"] == (await Post.get(id=heavy.id)).crisis_level
    assert items[heavy.id]["crisis_level"] in ("concern", "urgent")
    assert items[heavy.id]["waiting_in_crisis"] is False


async def test_a_held_crisis_post_stops_waiting_once_approved(visitor, api_member, api_mod):
    posted = await visitor.api("POST", "/api/v1/stories", json={
        "category": "small-wins", "title": "Tonight", "body": URGENT_WORDS})
    post_id = posted.json()["id"]
    assert (await queue(api_mod, "urgent"))[post_id]["waiting_in_crisis"] is True
    approved = await api_mod.api("POST", f"/api/v1/mod/posts/{post_id}/approve", json={})
    assert approved.status_code == 200 and approved.json()["changed"] is True
    assert post_id not in await queue(api_mod, "urgent")
    reported = await api_member.api("POST", f"/api/v1/posts/{post_id}/reports",
                                    json={"reason": "worried"})
    assert reported.status_code == 201
    item = (await queue(api_mod, "urgent"))[post_id]  # back, for the report this time
    assert item["crisis_level"] == "urgent" and item["waiting_in_crisis"] is False


async def test_the_openapi_document_describes_the_queue_fields(visitor):
    spec = (await visitor.get("/api/v1/openapi.json")).json()
    item = spec["components"]["schemas"]["QueueItem"]
    assert {"crisis_level", "waiting_in_crisis"} <= set(item["required"])
    assert item["properties"]["waiting_in_crisis"]["type"] == "boolean"
    level = spec["components"]["schemas"]["CrisisLevel"]
    assert set(level["enum"]) == {"none", "concern", "urgent"}
