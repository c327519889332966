"""Notification email against a real SMTP server: a reply to a followed story gives one
discreet email with a one-click unsubscribe that works with no sign-in; several replies in
a few minutes give one email; the daily digest gives one email with every entry and nothing
more that day; fuller emails say more, only when chosen; unverified addresses get nothing."""

from __future__ import annotations

from urllib.parse import urlsplit

from forum.models.accounts import User
from forum.models.site import SiteSetting

from .world import (
    after_this_window,
    everything_in,
    member_with_address,
    plain_body,
    time_passes,
    tomorrow_at,
    unsubscribe_link,
)

TITLE = "The winter my sister stopped calling"
WORDS = "I remember sitting by the phone every night"


async def _story_followed_by(client_factory, follower: User, **story: object):
    author = await member_with_address("storyteller", prefs={"reply_to_story": "none"})
    writer = await client_factory(author, api_token=True)
    posted = await writer.api("POST", "/api/v1/stories", {
        "category": "small-wins", "title": TITLE, "body": WORDS, **story})
    assert posted.status_code == 201, posted.text
    thread_id = posted.json()["id"]
    reader = await client_factory(follower, api_token=True)
    assert (await reader.api("PUT", f"/api/v1/stories/{thread_id}/follow")).status_code == 200
    return thread_id


async def _reply(client_factory, name: str, thread_id: int, body: str, **extra: object) -> None:
    replier = await client_factory(await member_with_address(name), api_token=True)
    answer = await replier.api("POST", f"/api/v1/stories/{thread_id}/replies",
                               {"body": body, **extra})
    assert answer.status_code == 201, answer.text


async def test_a_reply_to_a_followed_story_sends_one_discreet_email_with_one_click_unsubscribe(
        mailroom, client_factory, visitor):
    inbox, settings = mailroom
    follower = await member_with_address("quiet_follower", prefs={"followed_thread": "soon"})
    thread_id = await _story_followed_by(client_factory, follower)
    await _reply(client_factory, "kind_replier", thread_id, "You are not alone in this.")
    await time_passes(settings, after_this_window())

    [message] = inbox.to("quiet_follower@example.org")
    assert message["Subject"] == "There is a new reply in a story you follow on Hearth"
    text = everything_in(message)
    for secret in (TITLE, "winter", WORDS, "You are not alone", "kind_replier", "storyteller"):
        assert secret not in text
    assert f"{settings.base_url}/notifications" in plain_body(message)
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = unsubscribe_link(message)
    assert link.startswith(f"{settings.base_url}/unsubscribe/")

    path = urlsplit(link).path
    looked = await visitor.get(path)  # a mail scanner's GET changes nothing
    assert looked.status_code == 200 and "Stop these emails?" in looked.text
    assert (await User.get(id=follower.id)).mail_prefs.get("followed_thread") == "soon"
    # The mail client's one-click POST (RFC 8058): no cookie, no form token.
    clicked = await visitor.http.post(path, content=b"List-Unsubscribe=One-Click", headers={
        "content-type": "application/x-www-form-urlencoded"})
    assert clicked.status_code == 200 and "You're unsubscribed" in clicked.text
    assert (await User.get(id=follower.id)).mail_prefs["followed_thread"] == "none"
    again = await visitor.http.post(path, content=b"List-Unsubscribe=One-Click")
    assert again.status_code == 200
    body, _, signature = path.rpartition(".")
    forged = f"{body}.{'A' if signature[0] != 'A' else 'B'}{signature[1:]}"
    refused = await visitor.http.post(forged, content=b"List-Unsubscribe=One-Click")
    assert refused.status_code == 400 and "one of ours" in refused.text

    await _reply(client_factory, "second_replier", thread_id, "Thinking of you.")
    await time_passes(settings, after_this_window())
    assert len(inbox.to("quiet_follower@example.org")) == 1  # unsubscribed: nothing more


async def test_a_link_naming_someone_else_or_an_unknown_kind_is_refused(mailroom, visitor):
    from forum.mail.unsubscribe import make_token

    _inbox, settings = mailroom
    member = await member_with_address("some_member")
    token = make_token(settings, member.id, ["reply_to_story"])
    body, _, signature = token.partition(".")
    import base64
    other = base64.urlsafe_b64encode(f"[{member.id + 1},[\"reply_to_story\"]]".encode()).rstrip(
        b"=").decode()
    for path in (f"/unsubscribe/{other}.{signature}", f"/unsubscribe/{body}",
                 f"/unsubscribe/{make_token(settings, member.id, ['everything'])}"):
        answer = await visitor.http.post(path)
        assert answer.status_code == 400, path
    assert (await User.get(id=member.id)).mail_prefs == {}


async def test_several_replies_within_a_few_minutes_arrive_as_one_email(
        mailroom, client_factory):
    inbox, settings = mailroom
    author = await member_with_address("busy_author")
    writer = await client_factory(author, api_token=True)
    thread_id = (await writer.api("POST", "/api/v1/stories", {
        "category": "small-wins", "title": TITLE, "body": WORDS})).json()["id"]
    for n in range(3):
        await _reply(client_factory, f"replier{n}", thread_id, f"Answer number {n}.")
    await time_passes(settings, after_this_window())
    await time_passes(settings, after_this_window())  # the same window again: nothing new

    [message] = inbox.to("busy_author@example.org")
    assert message["Subject"] == "3 new notifications on Hearth"
    assert plain_body(message).count("- Someone replied to your story") == 3
    assert TITLE not in everything_in(message)
    assert len(inbox.messages) == 1  # the repliers have nothing to hear about


async def test_followed_threads_come_in_one_daily_digest_and_nothing_more_that_day(
        mailroom, client_factory):
    inbox, settings = mailroom
    follower = await member_with_address("digest_reader")  # followed threads: digest
    thread_id = await _story_followed_by(client_factory, follower)
    for n in range(4):
        await _reply(client_factory, f"voice{n}", thread_id, f"Words of support {n}.")
    await time_passes(settings, after_this_window())
    assert inbox.to("digest_reader@example.org") == []  # not a "soon" kind

    await time_passes(settings, tomorrow_at(0, 5))
    [digest] = inbox.to("digest_reader@example.org")
    assert digest["Subject"] == "Your daily summary from Hearth: 4 new notifications"
    assert plain_body(digest).count("- There is a new reply in a story you follow") == 4
    await time_passes(settings, tomorrow_at(9))
    await time_passes(settings, tomorrow_at(23, 50))
    assert len(inbox.to("digest_reader@example.org")) == 1


async def test_fuller_emails_name_the_story_and_who_replied_when_the_member_chose_them(
        mailroom, client_factory):
    inbox, settings = mailroom
    follower = await member_with_address("wants_detail", prefs={"followed_thread": "soon"})
    page = await client_factory(follower)
    saved = await page.post_form("/account/email", {
        "mail_followed_thread": "soon", "mail_reply_to_story": "soon", "mail_mention": "soon",
        "mail_reply_to_post": "soon", "mail_moderation": "soon", "mail_fuller": "1"})
    assert saved.status_code == 303
    assert (await User.get(id=follower.id)).mail_fuller is True
    thread_id = await _story_followed_by(client_factory, follower)
    await _reply(client_factory, "named_friend", thread_id, "I hear you.")
    await time_passes(settings, after_this_window())

    [message] = inbox.to("wants_detail@example.org")
    text = everything_in(message)
    assert TITLE in text and "named_friend" in text
    assert "I hear you" not in text  # never the words themselves


async def test_an_address_that_was_never_verified_gets_no_email(mailroom, client_factory):
    inbox, settings = mailroom
    unverified = await member_with_address("not_yet_verified", verified=False,
                                           prefs={"followed_thread": "soon"})
    thread_id = await _story_followed_by(client_factory, unverified)
    await _reply(client_factory, "a_replier", thread_id, "Sending warmth.")
    await time_passes(settings, after_this_window())
    await time_passes(settings, tomorrow_at(0, 5))
    assert inbox.messages == []


async def test_email_choices_through_the_api_refuse_what_does_not_exist_kindly(client_factory):
    member = await member_with_address("api_chooser")
    api = await client_factory(member, api_token=True)
    shown = await api.api("GET", "/api/v1/me/mail-preferences")
    assert shown.json() == {"choices": {
        "reply_to_story": "soon", "reply_to_post": "soon", "mention": "soon",
        "followed_thread": "digest", "moderation": "soon"}, "fuller": False,
        "address_verified": True}
    changed = await api.api("PUT", "/api/v1/me/mail-preferences",
                            {"choices": {"mention": "none"}, "fuller": True})
    assert changed.status_code == 200 and changed.json()["changed"] is True
    assert changed.json()["choices"]["mention"] == "none" and changed.json()["fuller"]
    for bad, word in (({"choices": {"mention": "hourly"}}, "mention can be"),
                      ({"choices": {"gossip": "soon"}}, "no email kind"),
                      ({"choices": {"urgent_post": "soon"}}, "Only moderators")):
        refused = await api.api("PUT", "/api/v1/me/mail-preferences", bad)
        assert refused.status_code == 422 and word in refused.text, refused.text


async def test_your_data_export_holds_your_email_choices(client_factory):
    from ..factories import PASSWORD

    member = await member_with_address("exporter", prefs={"mention": "digest"}, fuller=True)
    api = await client_factory(member, api_token=True)
    exported = await api.api("GET", "/api/v1/me/export",
                             headers={"X-Confirm-Password": PASSWORD})
    assert exported.status_code == 200, exported.text
    chosen = exported.json()["settings"]
    assert chosen["email"]["mention"] == "digest" and chosen["email"]["reply_to_story"] == "soon"
    assert chosen["fuller_emails"] is True


async def test_news_already_read_on_the_site_is_not_emailed(mailroom, client_factory):
    inbox, settings = mailroom
    author = await member_with_address("prompt_reader")
    writer = await client_factory(author, api_token=True)
    thread_id = (await writer.api("POST", "/api/v1/stories", {
        "category": "small-wins", "title": TITLE, "body": WORDS})).json()["id"]
    await _reply(client_factory, "named_one", thread_id, "A named answer.")
    await _reply(client_factory, "hidden_one", thread_id, "An anonymous answer.", anonymous=True)
    read = await writer.api("POST", "/api/v1/me/notifications/read")
    assert read.json()["marked_read"] >= 2  # the plain note and the sealed ones
    await time_passes(settings, after_this_window())
    assert inbox.to("prompt_reader@example.org") == []


async def test_every_worker_queues_each_window_once_whatever_happened(db):
    from datetime import timedelta

    from forum.mail import rounds
    from forum.models.jobs import Job

    rounds._scheduled.clear()
    await rounds.schedule_mail_rounds()
    await rounds.schedule_mail_rounds()  # a second worker, or the next poll
    first = await Job.filter(kind=rounds.KIND).count()
    assert first == rounds.SOON_CATCH_UP + rounds.DIGEST_CATCH_UP_DAYS
    later = after_this_window() + timedelta(minutes=rounds.SOON_MINUTES)
    assert await rounds.queue_mail_rounds(later) in (2, 3)  # the windows that ended since
    assert await rounds.queue_mail_rounds(later) == 0


async def test_email_calls_the_site_what_its_admins_named_it(mailroom, client_factory):
    inbox, settings = mailroom
    await SiteSetting.create(key="name", value="Harbour")
    follower = await member_with_address("quiet_follower", prefs={"followed_thread": "soon"})
    thread_id = await _story_followed_by(client_factory, follower)
    await _reply(client_factory, "kind_replier", thread_id, "You are not alone in this.")
    await time_passes(settings, after_this_window())

    [message] = inbox.to("quiet_follower@example.org")
    assert message["Subject"] == "There is a new reply in a story you follow on Harbour"
    body = plain_body(message)  # (the From address is the operator's own setting)
    assert "new for you on Harbour" in body and "Hearth" not in body
