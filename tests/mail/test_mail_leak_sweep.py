"""Email follows the author rules of the pages: every email sent in these scenarios is read,
and none names an anonymous author to anyone else; the emails to the author about their own
anonymous posts carry nothing a reader of their inbox could tie to those posts (no title, no
words, no pseudonym, no name of who answered) — even though the author chose fuller emails.

A member wearing canaries (username, display name, address) writes only anonymously: a story,
a reply in someone else's story that @mentions a friend, and is warned by a moderator through
their anonymous reply. Others, who chose fuller emails, reply to the anonymous story and to the
anonymous reply, follow the threads, and are mentioned. Then the "soon" round and the daily
digest run into a real SMTP server and `sweep` reads every message. A planted leak (the
author's username added to every email) proves the sweep reports what it should.

A copy of the database is looked at too: the anonymous posts' transactions queue no mail job,
and a round in which the author's only news is their own anonymous reply queues one job per
sealed note of the window — theirs (one that sends nothing) included — sealed and padded
alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage

from forum.mail import rounds
from forum.models.accounts import Role, User
from forum.models.content import Post
from forum.models.jobs import Job
from forum.models.notifications import SealedNotification

from .world import after_this_window, everything_in, member_with_address, time_passes, tomorrow_at

CANARY_USERNAME = "zq_canary_wren"
CANARY_DISPLAY_NAME = "Quillon Marrowby"
CANARY_EMAIL = "zq_canary_wren@example.org"
STORY_TITLE = "Lanterns over the estuary"
STORY_WORDS = "the estuary where my father taught me to row"
REPLY_WORDS = "oarlocks creaking, @friend_fenwick knows this"
ALL_SOON = {kind: "soon" for kind in rounds.DISCREET}


@dataclass
class World:
    canary: User
    anonymous_posts: list[Post]
    secrets_of_the_posts: list[str]  # what no email to the canary may carry


async def _api(client_factory, user: User):
    return await client_factory(user, api_token=True)


async def build_world(client_factory) -> World:
    canary = await member_with_address(CANARY_USERNAME, prefs=ALL_SOON, fuller=True)
    await User.filter(id=canary.id).update(display_name=CANARY_DISPLAY_NAME)
    friend = await member_with_address("friend_fenwick", prefs=ALL_SOON, fuller=True)
    owner = await member_with_address("owner_oriel", prefs=ALL_SOON, fuller=True)
    watcher = await member_with_address("watcher_wynn", prefs=ALL_SOON, fuller=True)
    moderator = await member_with_address("mod_marlow", role=Role.MODERATOR)
    as_canary, as_friend = await _api(client_factory, canary), await _api(client_factory, friend)
    as_owner, as_watcher = await _api(client_factory, owner), await _api(client_factory, watcher)

    story = (await as_canary.api("POST", "/api/v1/stories", {
        "category": "small-wins", "title": STORY_TITLE, "body": STORY_WORDS,
        "anonymous": True})).json()
    named = (await as_owner.api("POST", "/api/v1/stories", {
        "category": "small-wins", "title": "An ordinary Tuesday", "body": "Named words."})).json()
    for client in (as_friend, as_watcher):
        assert (await client.api("PUT", f"/api/v1/stories/{story['id']}/follow")).status_code == 200
    assert (await as_watcher.api("PUT", f"/api/v1/stories/{named['id']}/follow")).status_code == 200
    anonymous_reply = (await as_canary.api("POST", f"/api/v1/stories/{named['id']}/replies", {
        "body": REPLY_WORDS, "anonymous": True})).json()
    assert anonymous_reply["status"] == "published", anonymous_reply
    for client, body, extra in (
            (as_friend, "Fenwick here, I read every word.", {}),
            (as_watcher, "Wynn answering you directly.", {"reply_to": anonymous_reply["id"]}),
            (as_owner, "Oriel: thank you for sharing.", {})):
        target = story["id"] if extra == {} and client is not as_owner else named["id"]
        answer = await client.api("POST", f"/api/v1/stories/{target}/replies",
                                  {"body": body, **extra})
        assert answer.status_code == 201, answer.text
    as_moderator = await _api(client_factory, moderator)
    warned = await as_moderator.api(
        "POST", f"/api/v1/mod/posts/{anonymous_reply['id']}/author/warn",
        {"reason": "Please keep other members' names out of it."})
    assert warned.status_code == 200, warned.text

    posts = list(await Post.filter(id__in=[story["post"]["id"], anonymous_reply["id"]]))
    pseudonyms = [p.pseudonym for p in posts if p.pseudonym]
    assert pseudonyms, "anonymous posts carry a pseudonym"
    return World(canary, posts, [STORY_TITLE, "Lanterns", "estuary", "oarlocks", *pseudonyms,
                                 "friend_fenwick", "Fenwick", "watcher_wynn", "Wynn",
                                 "owner_oriel", "Oriel", "An ordinary Tuesday", "mod_marlow",
                                 "keep other members"])


def sweep(messages: list[EmailMessage], world: World) -> list[str]:
    findings = []
    for message in messages:
        text = everything_in(message)
        to_canary = CANARY_EMAIL in str(message["To"])
        if not to_canary:
            for label, value in (("username", CANARY_USERNAME), ("display name",
                                 CANARY_DISPLAY_NAME), ("address", CANARY_EMAIL)):
                if value.casefold() in text.casefold():
                    findings.append(f"the author's {label} in mail to {message['To']}")
        else:
            findings += [f"{secret!r} in mail to the author" for secret in
                         world.secrets_of_the_posts if secret.casefold() in text.casefold()]
    return findings


async def _everything_mailed(mailroom, client_factory) -> tuple[list[EmailMessage], World]:
    inbox, settings = mailroom
    world = await build_world(client_factory)
    assert await Job.filter(kind="email").count() == 0  # nothing mailed in a post's transaction
    await time_passes(settings, after_this_window())
    await time_passes(settings, tomorrow_at(0, 5))
    return inbox.messages, world


async def test_no_email_names_an_anonymous_author_or_ties_them_to_their_post(
        mailroom, client_factory):
    messages, world = await _everything_mailed(mailroom, client_factory)
    to_canary = [m for m in messages if CANARY_EMAIL in str(m["To"])]
    others = [m for m in messages if m not in to_canary]
    assert to_canary and len(others) >= 3, [m["To"] for m in messages]
    assert sweep(messages, world) == []
    # The others chose fuller emails and get them about named posts: the sweep reads real text.
    assert any("An ordinary Tuesday" in everything_in(m) for m in others)
    # The canary got news of replies, an answer and the warning — each only as "there is
    # something", however full their choice.
    said = "\n".join(everything_in(m) for m in to_canary)
    assert "Someone replied to your story" in said and "message from the moderators" in said


async def test_the_sweep_reports_a_deliberately_planted_leak(mailroom, client_factory,
                                                             monkeypatch):
    real = rounds.compose_context

    def leaky(settings, user, items, cadence, site):  # type: ignore[no-untyped-def]
        context = real(settings, user, items, cadence, site)
        context["entries"].append({"text": f"{CANARY_USERNAME} wrote {STORY_TITLE}", "link": ""})
        return context

    monkeypatch.setattr(rounds, "compose_context", leaky)
    messages, world = await _everything_mailed(mailroom, client_factory)
    findings = sweep(messages, world)
    assert any("username in mail to" in f for f in findings)
    assert any(repr(STORY_TITLE) in f for f in findings)


async def test_a_round_queues_one_job_per_sealed_note_whoever_wrote_and_whoever_wants_mail(
        mailroom, client_factory):
    inbox, settings = mailroom
    canary = await member_with_address(CANARY_USERNAME, prefs=ALL_SOON)
    follower = await member_with_address("follower_fae", prefs=ALL_SOON)
    owner = await member_with_address("owner_ode", prefs={"reply_to_story": "none"})
    named = (await (await _api(client_factory, owner)).api("POST", "/api/v1/stories", {
        "category": "small-wins", "title": "Named", "body": "Named words."})).json()
    for member in (canary, follower):
        client = await _api(client_factory, member)
        assert (await client.api("PUT", f"/api/v1/stories/{named['id']}/follow")).status_code == 200
    as_canary = await _api(client_factory, canary)
    posted = await as_canary.api("POST", f"/api/v1/stories/{named['id']}/replies",
                                 {"body": "Quietly, from me.", "anonymous": True})
    assert posted.status_code == 201
    assert await Job.filter(kind="email").count() == 0
    await time_passes(settings, after_this_window())

    assert [m["To"] for m in inbox.messages] == ["follower_fae@example.org"]
    jobs = await Job.filter(kind="email").order_by("id")
    # One job per sealed note of the window (the follower's, the owner's two, the author's
    # receipt), whoever has an address or wants email: a number the copy already shows.
    assert len(jobs) == await SealedNotification.all().count() == 4
    assert len({len(j.payload["sealed"]) for j in jobs}) == 1
    assert all(len(j.key) == 40 and CANARY_USERNAME not in repr(j.payload) for j in jobs)
