"""Drafts and previews through the API — the doors the composer's script uses."""

from __future__ import annotations

from forum.models.content import Draft
from forum.models.jobs import Job
from forum.models.moderation import Report
from forum.queries.drafts import seal_draft

from ..factories import make_story, make_user

URGENT = "I can't do this anymore. I want to kill myself tonight."


async def test_a_draft_is_kept_listed_saved_over_and_deleted(api_member):
    saved = await api_member.api("POST", "/api/v1/me/drafts", json={
        "kind": "story", "category": "small-wins", "title": "Half a title",
        "body": "A start.", "content_warnings": ["suicide"], "anonymous": True})
    assert saved.status_code == 200, saved.text
    draft = saved.json()["draft"]
    assert draft["title"] == "Half a title" and draft["anonymous"] is True
    assert saved.json()["crisis"] == {"level": "none", "resources": []}
    again = await api_member.api("POST", "/api/v1/me/drafts", json={
        "draft_id": draft["id"], "title": "A whole title", "body": "A start. And more."})
    assert again.json()["draft"]["id"] == draft["id"]
    listed = (await api_member.api("GET", "/api/v1/me/drafts")).json()["drafts"]
    assert [(d["id"], d["title"]) for d in listed] == [(draft["id"], "A whole title")]
    one = await api_member.api("GET", f"/api/v1/me/drafts/{draft['id']}")
    assert one.json()["body"] == "A start. And more."
    gone = await api_member.api("DELETE", f"/api/v1/me/drafts/{draft['id']}")
    assert gone.status_code == 204
    assert (await api_member.api("GET", f"/api/v1/me/drafts/{draft['id']}")).status_code == 404
    assert (await api_member.api("DELETE",
                                 f"/api/v1/me/drafts/{draft['id']}")).status_code == 404


async def test_posting_with_the_draft_id_lets_the_draft_go(api_member):
    draft = (await api_member.api("POST", "/api/v1/me/drafts", json={
        "title": "Soon", "body": "Nearly ready"})).json()["draft"]
    posted = await api_member.api("POST", "/api/v1/stories", json={
        "category": "small-wins", "title": "Soon", "body": "Nearly ready",
        "draft_id": draft["id"]})
    assert posted.status_code == 201
    assert not await Draft.filter(id=draft["id"]).exists()


async def test_someone_elses_draft_is_a_404_every_way_and_stays_as_it_was(api_member,
                                                                          client_factory):
    owner = await make_user("draft_owner")
    row = await Draft.create(user_id=owner.id, sealed=seal_draft(owner.id, {
        "kind": "story", "title": "Mine", "body": "Private words"}))
    for method, body in (("GET", None), ("DELETE", None)):
        answer = await api_member.api(method, f"/api/v1/me/drafts/{row.id}", json=body)
        assert answer.status_code == 404
        assert answer.headers["content-type"].startswith("application/problem+json")
        assert "Private words" not in answer.text
    overwrite = await api_member.api("POST", "/api/v1/me/drafts", json={
        "draft_id": row.id, "title": "Taken", "body": "Overwritten"})
    assert overwrite.status_code == 404
    assert (await Draft.get(id=row.id)).sealed == row.sealed
    # A row moved to another account in the database opens for nobody.
    await Draft.filter(id=row.id).update(user_id=api_member.user.id)
    assert (await api_member.api("GET", f"/api/v1/me/drafts/{row.id}")).status_code == 404
    assert (await api_member.api("GET", "/api/v1/me/drafts")).json()["drafts"] == []


async def test_hostile_draft_bodies_get_problems_never_a_500(api_member):
    story = await make_story(await make_user("teller"))
    cases = [
        ({"body": "a" * 40_001}, 422), ({"kind": "poem"}, 422),
        ({"kind": "reply", "body": "x"}, 422),  # no story named
        ({"kind": "reply", "thread_id": story.thread_id, "body": "b" * 10_001}, 422),
        ({"kind": "reply", "thread_id": 999_999, "body": "x"}, 404),
        ({"draft_id": 2**40, "body": "x"}, 422), ({"draft_id": "1; DROP", "body": "x"}, 422),
        ({"body": "nul\x00"}, 422), ({"content_warnings": "suicide,self_harm"}, 422),
        ({"title": ["a", "list"]}, 422), ({"anonymous": {"deep": True}}, 422),
        ({"category": "x" * 61}, 422), ({"body": 12}, 422),
    ]
    for body, status in cases:
        answer = await api_member.api("POST", "/api/v1/me/drafts", json=body)
        assert answer.status_code == status, (body, answer.status_code, answer.text[:200])
        assert answer.headers["content-type"].startswith("application/problem+json")
    deep = "[" * 5000 + "]" * 5000
    for raw in (b"not json", b"[1, 2]", deep.encode()):
        answer = await api_member.api("POST", "/api/v1/me/drafts", content=raw,
                                      headers={"Content-Type": "application/json"})
        assert 400 <= answer.status_code < 500, raw[:20]
    assert await Draft.all().count() == 0


async def test_urgent_words_in_a_draft_answer_with_help_and_alert_nobody(api_member):
    jobs, reports = await Job.all().count(), await Report.all().count()
    saved = await api_member.api("POST", "/api/v1/me/drafts", json={"body": URGENT},
                                 headers={"Accept-Language": "en-GB"})
    crisis = saved.json()["crisis"]
    assert crisis["level"] == "urgent"
    assert any(r["name"] == "Samaritans" for r in crisis["resources"])
    assert (await Job.all().count(), await Report.all().count()) == (jobs, reports)


async def test_autosave_is_limited_kindly_and_the_draft_count_is_bounded(api_member):
    for n in range(30):
        saved = await api_member.api("POST", "/api/v1/me/drafts", json={"body": f"v{n}"})
        assert saved.status_code == 200
    limited = await api_member.api("POST", "/api/v1/me/drafts", json={"body": "one more"})
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) > 0
    assert "still here" in limited.json()["detail"]


async def test_no_member_keeps_more_than_fifty_drafts(api_member):
    user_id = api_member.user.id
    await Draft.bulk_create([Draft(user_id=user_id, sealed=seal_draft(user_id, {"body": "x"}))
                             for _ in range(50)])
    refused = await api_member.api("POST", "/api/v1/me/drafts", json={"body": "fifty-one"})
    assert refused.status_code == 422 and "50 drafts" in refused.json()["detail"]
    assert await Draft.filter(user_id=user_id).count() == 50


async def test_the_composer_script_saves_with_its_cookie_and_csrf_token(member):
    token = await member.csrf()
    saved = await member.http.post("/api/v1/me/drafts", json={"body": "typed"},
                                   headers={"X-CSRF-Token": token})
    assert saved.status_code == 200
    forged = await member.http.post("/api/v1/me/drafts", json={"body": "forged"})
    assert forged.status_code == 403
    assert await Draft.filter(user_id=member.user.id).count() == 1


async def test_guests_get_no_drafts_but_a_preview(visitor):
    assert (await visitor.api("POST", "/api/v1/me/drafts", json={"body": "x"})
            ).status_code == 401
    shown = await visitor.api("POST", "/api/v1/preview", json={
        "body": "| a | b |\n|---|---|\n| 1 | 2 |\n\nhttps://example.org <img src=x onerror=1>"})
    assert shown.status_code == 200
    html = shown.json()["html"]
    assert "<table>" in html and "<td>1</td>" in html
    assert '<a href="https://example.org" rel="nofollow ugc noopener">' in html
    assert "<img" not in html
    too_long = await visitor.api("POST", "/api/v1/preview", json={"body": "a" * 40_001})
    assert too_long.status_code == 422


async def test_a_members_preview_links_mentions_with_one_query(api_member):
    from ..conftest import count_queries

    await make_user("robin_friend")
    names = " ".join(f"@someone{n}" for n in range(60))
    with count_queries() as counter:
        shown = await api_member.api("POST", "/api/v1/preview", json={
            "body": f"Thank you @robin_friend. {names}"})
    assert '<a href="/u/robin_friend" rel="nofollow ugc noopener">@robin_friend</a>' in (
        shown.json()["html"])
    lookups = [s for s in counter.statements if 'FROM "users" WHERE "username_key" IN' in s]
    assert len(lookups) == 1, counter.statements


async def test_every_xss_corpus_line_previews_inert_and_keeps_as_a_draft_inert(
        client_factory):
    from ..web.test_xss_and_headers import CORPUS, audit

    writer = await client_factory(await make_user("corpus_writer"), api_token=True)
    await make_user("alice")
    for payload in CORPUS:
        shown = await writer.api("POST", "/api/v1/preview", json={"body": f"@alice {payload}"})
        assert shown.status_code in (200, 422), payload
        if shown.status_code == 200:
            assert audit("<main>" + shown.json()["html"] + "</main>") == [], payload
    assert await Draft.all().count() == 0


async def test_an_author_changes_a_storys_warnings_through_the_api_and_leaving_them_out_keeps_them(
        api_member):
    from forum.models.content import Thread

    story = await make_story(api_member.user, title="Spring", warnings=["suicide"])
    changed = await api_member.api("PATCH", f"/api/v1/posts/{story.id}", json={
        "body": story.body_md, "content_warnings": ["eating_disorders"],
        "content_warning_note": "food"})
    assert changed.status_code == 200, changed.text
    thread = await Thread.get(id=story.thread_id)
    assert (thread.content_warnings, thread.content_warning_note) == (["eating_disorders"],
                                                                     "food")
    await api_member.api("PATCH", f"/api/v1/posts/{story.id}", json={"body": "New words."})
    thread = await Thread.get(id=story.thread_id)
    assert (thread.content_warnings, thread.content_warning_note) == (["eating_disorders"],
                                                                     "food")
    bad = await api_member.api("PATCH", f"/api/v1/posts/{story.id}", json={
        "body": "New words.", "content_warnings": ["not-a-warning"]})
    assert bad.status_code == 422
