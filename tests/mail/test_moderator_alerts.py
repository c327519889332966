"""Moderators who opted in get an email for each urgent post and a daily summary of the
queue: links and counts only — never the post's words, its title or its author (anonymous or
not). Those who did not opt in, and members, get nothing; members cannot opt in."""

from __future__ import annotations

from urllib.parse import urlsplit

from forum.models.accounts import Role, User

from .world import everything_in, member_with_address, time_passes, tomorrow_at, unsubscribe_link

URGENT = "I can't do this anymore. I want to kill myself tonight."
TITLE = "Tonight by the river"


async def _urgent_story(client_factory, *, anonymous: bool) -> tuple[User, int]:
    author = await member_with_address("night_writer")
    api = await client_factory(author, api_token=True)
    posted = await api.api("POST", "/api/v1/stories", {
        "category": "depression-anxiety", "title": TITLE, "body": URGENT,
        "anonymous": anonymous})
    assert posted.status_code == 201, posted.text
    return author, int(posted.json()["post"]["id"])


async def test_an_urgent_anonymous_post_emails_only_the_moderators_who_opted_in(
        mailroom, client_factory, visitor):
    inbox, settings = mailroom
    alerted = await member_with_address("mod_alerted", role=Role.MODERATOR)
    await member_with_address("mod_quiet", role=Role.MODERATOR)  # never opted in
    choosing = await client_factory(alerted)
    saved = await choosing.post_form("/account/email", {
        "mail_urgent_post": "soon", "mail_followed_thread": "digest"})
    assert saved.status_code == 303
    _author, post_id = await _urgent_story(client_factory, anonymous=True)
    await time_passes(settings, tomorrow_at(0, 5))

    [message] = inbox.messages
    assert message["To"] == "mod_alerted@example.org"
    assert message["Subject"] == "An urgent post on Hearth needs a moderator"
    text = everything_in(message)
    assert f"{settings.base_url}/mod/posts/{post_id}" in text
    for secret in ("night_writer", TITLE, "river", "kill myself", "anything anymore"):
        assert secret not in text
    # Its own one-click unsubscribe.
    answer = await visitor.http.post(urlsplit(unsubscribe_link(message)).path,
                                     content=b"List-Unsubscribe=One-Click")
    assert answer.status_code == 200
    assert (await User.get(id=alerted.id)).mail_prefs["urgent_post"] == "none"
    await _urgent_story_again(client_factory)
    await time_passes(settings, tomorrow_at(0, 10))
    assert len(inbox.messages) == 1


async def _urgent_story_again(client_factory) -> None:
    api = await client_factory(await member_with_address("second_writer"), api_token=True)
    posted = await api.api("POST", "/api/v1/stories", {
        "category": "depression-anxiety", "title": "Again", "body": URGENT})
    assert posted.status_code == 201


async def test_a_named_urgent_post_does_not_name_its_author_either(mailroom, client_factory):
    inbox, settings = mailroom
    await member_with_address("mod_on_call", role=Role.MODERATOR, prefs={"urgent_post": "soon"})
    await _urgent_story(client_factory, anonymous=False)
    await time_passes(settings, tomorrow_at(0, 5))
    [message] = inbox.to("mod_on_call@example.org")
    assert "night_writer" not in everything_in(message)


async def test_the_daily_queue_summary_gives_counts_and_a_link_to_those_who_asked(
        mailroom, client_factory):
    inbox, settings = mailroom
    await member_with_address("mod_summary", role=Role.MODERATOR, prefs={"queue_summary": "digest"})
    await member_with_address("mod_no_summary", role=Role.MODERATOR)
    await _urgent_story(client_factory, anonymous=True)
    await time_passes(settings, tomorrow_at(0, 5))
    [summary] = inbox.to("mod_summary@example.org")
    assert summary["Subject"] == "Today's moderation queue on Hearth"
    text = everything_in(summary)
    assert "- Urgent: 1" in text and f"{settings.base_url}/mod/" in text
    assert "night_writer" not in text and TITLE not in text
    assert inbox.to("mod_no_summary@example.org") == []
    await time_passes(settings, tomorrow_at(18))
    assert len(inbox.to("mod_summary@example.org")) == 1


async def test_members_are_not_offered_moderator_alerts_and_cannot_choose_them(client_factory):
    member = await member_with_address("just_a_member")
    page = await client_factory(member)
    shown = await page.get("/account/email")
    assert shown.status_code == 200 and "Moderator alerts" not in shown.text
    sneaky = await page.post_form("/account/email", {"mail_urgent_post": "soon"})
    assert (await User.get(id=member.id)).mail_prefs.get("urgent_post") is None
    assert sneaky.status_code == 303  # the field is not on a member's form: ignored
    moderator = await client_factory(await member_with_address("a_mod", role=Role.MODERATOR))
    assert "Moderator alerts" in (await moderator.get("/account/email")).text
