"""Moderation through HTTP: reports, the queue, actions, sanctions, watched words, the log."""

from __future__ import annotations

import asyncio

from forum.models.accounts import Role
from forum.models.content import Post, PostStatus
from forum.models.moderation import AuditEntry, Report, WatchedWord

from ..factories import make_reply, make_story, make_user


async def test_a_worried_report_goes_to_urgent_and_others_to_reports(member, other_member,
                                                                     moderator):
    story = await make_story(member.user, title="The night it got dark")
    reply = await make_reply(member.user, story, "Buy cheap pills here")
    worried = await other_member.post_form(f"/posts/{story.id}/report",
                                           {"reason": "worried", "note": "She sounds alone"})
    assert worried.status_code == 303
    await other_member.post_form(f"/posts/{reply.id}/report", {"reason": "spam"})
    urgent = await moderator.get("/mod/?tab=urgent")
    assert "The night it got dark" in urgent.text and "She sounds alone" in urgent.text
    reports = await moderator.get("/mod/?tab=reports")
    assert "Buy cheap pills here" in reports.text
    assert "She sounds alone" not in reports.text


async def test_a_second_open_report_is_refused_kindly_and_keeps_the_note(member, other_member):
    story = await make_story(member.user)
    await other_member.post_form(f"/posts/{story.id}/report", {"reason": "other"})
    again = await other_member.post_form(f"/posts/{story.id}/report",
                                         {"reason": "hate", "note": "still bad"})
    assert again.status_code == 422
    assert "already reported" in again.text and "still bad" in again.text
    assert await Report.filter(post_id=story.id).count() == 1


async def test_members_cannot_report_their_own_post(member):
    story = await make_story(member.user)
    assert (await member.post_form(f"/posts/{story.id}/report",
                                   {"reason": "spam"})).status_code == 403


async def test_a_hidden_post_shows_the_public_reason_instead_of_its_words(member, visitor,
                                                                         moderator):
    story = await make_story(member.user)
    reply = await make_reply(member.user, story, "Here is her home address")
    response = await moderator.post_form(f"/mod/posts/{reply.id}/hide",
                                         {"reason": "Personal information"})
    assert response.status_code == 303
    page = await visitor.get(f"/stories/{story.thread_id}")
    assert "Hidden by moderators: Personal information" in page.text
    assert "home address" not in page.text
    api = await visitor.get(f"/api/v1/stories/{story.thread_id}")
    [shown] = api.json()["replies"]
    assert shown["body"] is None and shown["hidden_reason"] == "Personal information"
    assert "home address" in (await moderator.get(f"/stories/{story.thread_id}")).text


async def test_a_silenced_member_reads_but_gets_a_clear_refusal_when_posting(
        member, moderator, client_factory):
    story = await make_story(member.user)
    await moderator.post_form(f"/mod/users/{member.user.username}/silence",
                              {"days": "2", "reason": "Cooling off"})
    assert (await member.get(f"/stories/{story.thread_id}")).status_code == 200
    refused = await member.post_form(f"/stories/{story.thread_id}/replies",
                                     {"body": "One more thing"})
    assert refused.status_code == 403
    assert "paused posting on your account" in refused.text
    edit = await member.post_form(f"/posts/{story.id}/edit", {"title": "T", "body": "New"})
    assert edit.status_code == 403 and "paused posting" in edit.text
    api = await client_factory(member.user, api_token=True)
    via_api = await api.api("POST", "/api/v1/stories", json={
        "category": "small-wins", "title": "T", "body": "B"})
    assert via_api.status_code == 403
    assert "paused posting" in via_api.json()["detail"]


async def test_a_suspended_members_session_stops_at_once_and_sign_in_says_why(
        member, moderator, visitor):
    assert (await member.get("/account")).status_code == 200
    await moderator.post_form(f"/mod/users/{member.user.username}/suspend",
                              {"days": "7", "reason": "Threats"})
    after = await member.get("/account")
    assert after.status_code == 303 and after.headers["location"].startswith("/signin")
    signin = await visitor.post_form("/signin", {"username": member.user.username,
                                                 "password": "a gentle harbour at dusk"})
    assert signin.status_code == 403
    assert "suspended until" in signin.text


async def test_moderators_cannot_sanction_moderators_or_admins(moderator, admin):
    other_mod = await make_user("egret_mod", role=Role.MODERATOR)
    refused = await moderator.post_form(f"/mod/users/{other_mod.username}/ban",
                                        {"reason": "no"})
    assert refused.status_code == 403
    assert (await admin.post_form(f"/mod/users/{other_mod.username}/warn",
                                  {"reason": "Please slow down"})).status_code == 303
    assert (await moderator.post_form(f"/mod/users/{admin.user.username}/warn",
                                      {"reason": "x"})).status_code == 403


async def test_admins_set_roles_and_moderators_cannot(moderator, admin, member):
    url = f"/admin/users/{member.user.username}/role"
    assert (await moderator.post_form(url, {"role": "moderator"})).status_code == 403
    assert (await admin.post_form(url, {"role": "moderator"})).status_code == 303
    assert (await AuditEntry.get(action="role_moderator")).actor_name == admin.user.username


async def test_watched_words_block_hold_flag_and_censor(member, moderator):
    for pattern, action in (("forbidden phrase", "block"), ("pills", "require_approval"),
                            ("casino*", "flag"), ("darn", "censor")):
        added = await moderator.post_form("/mod/words", {"pattern": pattern, "action": action})
        assert added.status_code == 303
    story = await make_story(member.user)
    url = f"/stories/{story.thread_id}/replies"
    blocked = await member.post_form(url, {"body": "This has a Forbidden  Phrase in it"})
    assert blocked.status_code == 422
    assert "reword" in blocked.text and "This has a Forbidden  Phrase in it" in blocked.text
    await member.post_form(url, {"body": "Where do I get pills", "submission_id": "a" * 20})
    assert (await Post.get(body_md="Where do I get pills")).status == PostStatus.PENDING
    await member.post_form(url, {"body": "Try casinos online", "submission_id": "b" * 20})
    flagged = await Post.get(body_md="Try casinos online")
    assert flagged.status == PostStatus.PUBLISHED
    assert "Try casinos online" in (await moderator.get("/mod/?tab=reports")).text
    await member.post_form(url, {"body": "Oh darn it", "submission_id": "c" * 20})
    censored = await Post.get(body_md="Oh darn it")
    assert "darn" not in censored.body_html and "••••" in censored.body_html
    tested = await moderator.post_form("/mod/words/test", {"text": "a CASINO night"})
    assert "casino*" in tested.text


async def test_removing_a_watched_word_is_logged_and_a_duplicate_is_refused(moderator):
    await moderator.post_form("/mod/words", {"pattern": "spamword", "action": "flag"})
    again = await moderator.post_form("/mod/words", {"pattern": "SpamWord", "action": "block"})
    # The same refusal as the API's: a conflict, the form kept, nothing logged.
    assert again.status_code == 409 and "already watched" in again.text
    word = await WatchedWord.get(pattern="spamword")
    await moderator.post_form(f"/mod/words/{word.id}/delete", {})
    assert not await WatchedWord.exists(id=word.id)
    assert [e.action for e in await AuditEntry.all().order_by("id")] == ["word_add",
                                                                         "word_remove"]


async def test_the_audit_log_filters_by_action_moderator_and_target(member, moderator, admin):
    story = await make_story(member.user, title="Log me")
    await moderator.post_form(f"/mod/posts/{story.id}/lock", {"reason": "Heated"})
    await admin.post_form(f"/mod/posts/{story.id}/pin", {})
    everything = await moderator.get("/mod/log")
    assert "Heated" in everything.text and "pin" in everything.text
    only_lock = await moderator.get("/mod/log?action=lock")
    assert "Heated" in only_lock.text and "<td>pinned</td>" not in only_lock.text
    by_admin = await moderator.get(f"/mod/log?actor={admin.user.username}")
    assert "Heated" not in by_admin.text
    api = await moderator.get(f"/api/v1/mod/audit?target_type=thread&target_id="
                              f"{story.thread_id}")
    assert {e["action"] for e in api.json()["entries"]} == {"lock", "pin"}


async def test_two_moderators_approving_one_post_at_the_same_moment(member, moderator, admin):
    story = await make_story(member.user)
    reply = await make_reply(member.user, story, "Held reply")
    await Post.filter(id=reply.id).update(status=PostStatus.PENDING)
    token_a, token_b = await moderator.csrf(), await admin.csrf()
    url = f"/mod/posts/{reply.id}/approve"
    results = await asyncio.gather(
        moderator.http.post(url, data={"csrf_token": token_a}),
        admin.http.post(url, data={"csrf_token": token_b}))
    assert [r.status_code for r in results] == [303, 303]
    locations = sorted(r.headers["location"].split("done=")[1] for r in results)
    assert locations == ["changed", "unchanged"]
    assert await AuditEntry.filter(action="approve").count() == 1
