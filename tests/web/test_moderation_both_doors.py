"""Every moderation action behaves the same through the page and through the API: the same
refusals with the same words, the same audit row, nothing written when nothing changed."""

from __future__ import annotations

import pytest

from forum.models.accounts import Role, User
from forum.models.content import Post, PostStatus
from forum.models.moderation import AuditEntry, Report, WatchedWord
from forum.models.safety import CrisisResource

from ..factories import make_reply, make_story, make_user


@pytest.fixture
async def api_moderator(client_factory, moderator):
    return await client_factory(moderator.user, api_token=True)


@pytest.fixture
async def api_admin(client_factory, admin):
    return await client_factory(admin.user, api_token=True)


async def audit_actions() -> list[str]:
    return [e.action for e in await AuditEntry.all().order_by("id")]


async def test_a_duplicate_watched_word_is_a_conflict_through_both_doors_and_not_logged(
        moderator, api_moderator):
    await moderator.post_form("/mod/words", {"pattern": "cheap pills", "action": "flag"})
    page = await moderator.post_form("/mod/words", {"pattern": "Cheap  Pills",
                                                    "action": "block"})
    api = await api_moderator.api("POST", "/api/v1/mod/words",
                                  json={"pattern": "cheap pills", "action": "block"})
    assert (page.status_code, api.status_code) == (409, 409)
    assert "already watched" in page.text and "already watched" in api.json()["detail"]
    assert await WatchedWord.all().count() == 1
    assert await audit_actions() == ["word_add"]


@pytest.mark.parametrize("days", ["²", "①", "１", "0", "3651", "1" * 5000, "2.5", "-3"])
async def test_days_that_are_not_a_whole_number_keep_the_member_unlimited_through_both_doors(
        member, moderator, api_moderator, days):
    url = f"/mod/users/{member.user.username}/silence"
    page = await moderator.post_form(url, {"days": days, "reason": "Cooling off"})
    api = await api_moderator.api("POST", f"/api/v1{url}",
                                  json={"days": days, "reason": "Cooling off"})
    assert (page.status_code, api.status_code) == (422, 422)
    assert "number of days from 1 to 3650" in page.text
    assert api.json()["errors"]["days"] == "Give a number of days from 1 to 3650."
    assert (await User.get(id=member.user.id)).silenced_until is None
    assert await audit_actions() == []


@pytest.mark.parametrize("days", [True, 2.5, 1e400, None, [3], {"n": 3}, 0, 3651])
async def test_json_days_of_the_wrong_kind_are_a_kind_422_for_the_author_of_a_post(
        member, api_moderator, days):
    story = await make_story(member.user)
    response = await api_moderator.api(
        "POST", f"/api/v1/mod/posts/{story.id}/author/suspend",
        content=f'{{"days": {_json(days)}, "reason": "Threats"}}',
        headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert response.json()["errors"]["days"] == "Give a number of days from 1 to 3650."
    assert (await User.get(id=member.user.id)).suspended_until is None


def _json(value: object) -> str:
    import json

    return "1e400" if value == float("inf") else json.dumps(value)


async def test_whole_days_as_a_json_number_or_text_silence_for_that_long(member, api_moderator):
    url = f"/api/v1/mod/users/{member.user.username}/silence"
    first = await api_moderator.api("POST", url, json={"days": 2, "reason": "Cooling off"})
    assert first.json() == {"changed": True, "message": "Done."}
    again = await api_moderator.api("POST", url, json={"days": " 2 ", "reason": "Cooling off"})
    assert again.json() == {"changed": False, "message": "Nothing to change: it was already so."}
    assert await audit_actions() == ["silence"]


@pytest.mark.parametrize("action,before,after", [
    ("hide", PostStatus.PUBLISHED, PostStatus.HIDDEN),
    ("reject", PostStatus.PENDING, PostStatus.REJECTED),
])
async def test_a_reason_is_required_through_both_doors_with_the_same_words(
        member, moderator, api_moderator, action, before, after):
    story = await make_story(member.user)
    reply = await make_reply(member.user, story, "Words to review")
    await Post.filter(id=reply.id).update(status=before)
    page = await moderator.post_form(f"/mod/posts/{reply.id}/{action}", {"reason": "  "})
    api = await api_moderator.api("POST", f"/api/v1/mod/posts/{reply.id}/{action}", json={})
    assert (page.status_code, api.status_code) == (422, 422)
    assert "Please write the reason." in page.text
    assert api.json()["errors"]["reason"] == "Please write the reason."
    assert (await Post.get(id=reply.id)).status == before
    done = await api_moderator.api("POST", f"/api/v1/mod/posts/{reply.id}/{action}",
                                   json={"reason": "Off topic"})
    assert done.json()["post"]["status"] == after.value
    assert await audit_actions() == [action]


@pytest.mark.parametrize("action,column,value", [
    ("lock", "is_locked", True), ("pin", "is_pinned", True),
])
async def test_thread_actions_log_once_whichever_door_is_used_first(
        member, moderator, api_moderator, action, column, value):
    story = await make_story(member.user)
    page = await moderator.post_form(f"/mod/posts/{story.id}/{action}", {})
    assert page.headers["location"].endswith("done=changed")
    api = await api_moderator.api("POST", f"/api/v1/mod/posts/{story.id}/{action}", json={})
    assert api.json()["changed"] is False
    assert await audit_actions() == [action]


async def test_a_care_message_needs_words_through_both_doors(member, moderator, api_moderator):
    story = await make_story(member.user)
    page = await moderator.post_form(f"/mod/posts/{story.id}/care", {"message": ""})
    api = await api_moderator.api("POST", f"/api/v1/mod/posts/{story.id}/care",
                                  json={"message": "   "})
    assert (page.status_code, api.status_code) == (422, 422)
    assert "Please write the message." in page.text
    assert api.json()["errors"]["message"] == "Please write the message."
    sent = await api_moderator.api("POST", f"/api/v1/mod/posts/{story.id}/care",
                                   json={"message": "Thinking of you."})
    assert sent.json()["changed"] is True
    assert await audit_actions() == ["care_message"]


async def test_an_admin_cannot_change_their_own_role_through_either_door(admin, api_admin):
    url = f"/admin/users/{admin.user.username}/role"
    page = await admin.post_form(url, {"role": "member", "reason": "stepping back"})
    api = await api_admin.api("POST", f"/api/v1{url}", json={"role": "member"})
    assert (page.status_code, api.status_code) == (403, 403)
    assert "your own role" in page.text and "your own role" in api.json()["detail"]
    assert (await User.get(id=admin.user.id)).role == Role.ADMIN
    assert await audit_actions() == []


async def test_an_unknown_role_is_refused_with_the_same_words(member, admin, api_admin):
    url = f"/admin/users/{member.user.username}/role"
    page = await admin.post_form(url, {"role": "owner"})
    api = await api_admin.api("POST", f"/api/v1{url}", json={"role": ["admin"]})
    assert (page.status_code, api.status_code) == (422, 422)
    assert "Choose member, moderator or admin." in page.text
    assert api.json()["errors"]["role"] == "Choose member, moderator or admin."


async def test_a_wrong_password_reveals_nothing_and_logs_nothing_through_either_door(
        member, admin, api_admin):
    from forum.actions.posting import create_story
    from forum.models.content import Category
    from forum.schemas.posting import StoryIn

    story, _ = await create_story(member.user, await Category.get(slug="small-wins"),
                                  StoryIn(category="small-wins", title="Quiet", body="Words",
                                            content_warnings=[], anonymous=True), rules=None)
    url = f"/admin/posts/{story.id}/reveal"
    page = await admin.post_form(url, {"reason": "Threats", "password": "not it at all"})
    api = await api_admin.api("POST", f"/api/v1{url}",
                              json={"reason": "Threats", "password": 12345})
    assert (page.status_code, api.status_code) == (403, 403)
    assert member.user.username not in page.text and member.user.username not in api.text
    assert await audit_actions() == []
    shown = await api_admin.api("POST", f"/api/v1{url}", json={
        "reason": "Threats", "password": "a gentle harbour at dusk"})
    assert shown.json()["username"] == member.user.username
    assert await audit_actions() == ["reveal"]


async def test_a_report_with_the_systems_own_reason_is_refused_through_both_doors(
        member, other_member, client_factory):
    story = await make_story(member.user)
    api = await client_factory(other_member.user, api_token=True)
    page = await other_member.post_form(f"/posts/{story.id}/report",
                                        {"reason": "watched_word", "note": "kept"})
    json = await api.api("POST", f"/api/v1/posts/{story.id}/reports",
                         json={"reason": "watched_word"})
    assert (page.status_code, json.status_code) == (422, 422)
    assert "Please choose what is wrong." in page.text and "kept" in page.text
    assert json.json()["errors"]["reason"] == "Please choose what is wrong."
    assert await Report.all().count() == 0


async def test_saving_a_resource_unchanged_writes_no_audit_row(admin):
    form = {"name": "Harbour Line", "country": "GB", "topics": ["crisis"],
            "source": "https://harbour.example", "enabled": "1",
            "last_verified": "2026-11-26"}
    await admin.post_form("/admin/resources/new", form)
    line = await CrisisResource.get(name="Harbour Line")
    again = await admin.post_form(f"/admin/resources/{line.id}", form)
    assert again.status_code == 303
    assert await audit_actions() == ["resource_add"]
    await admin.post_form(f"/admin/resources/{line.id}", {**form, "hours": "24/7"})
    assert (await CrisisResource.get(id=line.id)).hours == "24/7"
    assert await audit_actions() == ["resource_add", "resource_edit"]


async def test_members_reach_no_moderation_use_case_through_either_door(member, client_factory):
    story = await make_story(await make_user("someone_else"))
    api = await client_factory(member.user, api_token=True)
    page = await member.post_form(f"/mod/posts/{story.id}/hide", {"reason": "mine now"})
    json = await api.api("POST", f"/api/v1/mod/posts/{story.id}/hide",
                         json={"reason": "mine now"})
    assert (page.status_code, json.status_code) == (403, 403)
    assert (await Post.get(id=story.id)).status == PostStatus.PUBLISHED
