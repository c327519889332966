"""Someone holding a copy of the database without the key reads the notification rows beside
follows, posts and users, and still cannot tell who wrote an anonymous post: the rows of each
event are exactly the ones anyone could predict (the anonymous author's included), and reading
them writes no sealed row."""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any

from tortoise import connections

from forum import sealing
from forum.actions.maintenance import give_old_notes_slots
from forum.anonymity import NOTICE_PURPOSE
from forum.models.accounts import User
from forum.models.content import Post
from forum.models.notifications import SealedNotification

from ..conftest import Client
from ..factories import make_user

CATEGORY = "parenting-mom-guilt"
MENTION = re.compile(r"(?<![\w@])@([A-Za-z0-9_-]{3,30})\b")
FAN_OUT = ("reply_to_story", "reply_to_post", "followed_thread", "mention")


async def rows(sql: str) -> list[dict[str, Any]]:
    return list(await connections.get("default").execute_query_dict(sql))


async def story(client: Client, title: str) -> Post:
    sent = await client.post_form("/stories/new", {"category": CATEGORY, "title": title,
                                                   "body": f"{title}, in my words."})
    assert sent.status_code == 303, sent.text
    return await Post.get(body_md=f"{title}, in my words.")


async def reply(client: Client, thread_id: int, body: str, **fields: str) -> Post:
    sent = await client.post_form(f"/stories/{thread_id}/replies", {"body": body, **fields})
    assert sent.status_code == 303, sent.text
    return await Post.get(body_md=body)


async def follow(client: Client, thread_id: int) -> None:
    sent = await client.post_form(f"/stories/{thread_id}/follow", {"on": "1"})
    assert sent.status_code in (200, 303), sent.text


async def scenario(client_factory: Any) -> dict[str, Any]:
    """Wren writes anonymously: in a thread she follows, in her own named story, and under
    her own named post; others follow, answer her and are mentioned; several read all."""
    names = ("wren_author", "otter_reader", "fox_reader", "bee_mentioned", "owl_teller")
    people = {n: await client_factory(await make_user(n)) for n in names}
    wren, otter, fox, _bee, owl = (people[n] for n in names)
    await otter.post_form("/account/preferences", {"notify_mention": "1",
                                                    "notify_reply_to_story": "1",
                                                    "notify_reply_to_post": "1"})
    told = await story(owl, "Owl's long night")
    for client in (wren, otter, fox):
        await follow(client, told.thread_id)
    mine = await story(wren, "Wren's own story")
    await follow(otter, mine.thread_id)
    named = await reply(wren, told.thread_id, "A named word from wren")
    events = [
        await reply(wren, told.thread_id, "Hold on @bee_mentioned and @fox_reader",
                    anonymous="1"),
        await reply(wren, mine.thread_id, "Replying in my own story", anonymous="1"),
        await reply(wren, told.thread_id, "Answering myself", anonymous="1",
                    reply_to=str(named.id)),
    ]
    events.append(await reply(otter, told.thread_id, "Answering the anonymous one",
                              reply_to=str(events[0].id)))
    events.append(await reply(fox, told.thread_id, "Plain news to everyone, @wren_author"))
    for client in (wren, otter, fox):
        assert (await client.post_form("/notifications/read", {})).status_code == 303
    await reply(owl, told.thread_id, "Unread after the reading")
    return {"people": people, "events": events}


async def predicted_roles(post: dict[str, Any]) -> Counter[str]:
    """What the holder of the copy expects for one event, from public tables alone: one row
    per role (story author, answered author, follower, mentioned) whose holder wants that
    kind; the anonymous authors' roles count as one row each (their preferences unknown)."""
    users = {u["id"]: u for u in await rows("SELECT * FROM users")}
    story_row = (await rows(f"SELECT * FROM posts WHERE is_story = {_true()} "
                            f"AND thread_id = {int(post['thread_id'])}"))[0]
    holders: list[tuple[str, int | None]] = [("reply_to_story", story_row["author_id"])]
    if post["reply_to_id"]:
        answered = (await rows(f"SELECT * FROM posts WHERE id = "
                               f"{int(post['reply_to_id'])}"))[0]
        holders.append(("reply_to_post", answered["author_id"]))
    holders += [("followed_thread", f["user_id"]) for f in await rows(
        f"SELECT user_id FROM follows WHERE thread_id = {int(post['thread_id'])}")]
    keys = {m.lower() for m in MENTION.findall(post["body_md"])}
    holders += [("mention", u["id"]) for u in users.values() if u["username_key"] in keys]
    expected: Counter[str] = Counter()
    for kind, user_id in holders:
        if user_id is None or _wants(users[user_id], kind):
            expected[kind] += 1
    return expected


def _true() -> str:
    return "TRUE" if connections.get("default").capabilities.dialect == "postgres" else "1"


def _wants(user: dict[str, Any], kind: str) -> bool:
    prefs = user["notification_prefs"]
    if isinstance(prefs, str):
        prefs = json.loads(prefs)
    return bool((prefs or {}).get(kind, True))


async def test_each_anonymous_event_has_exactly_the_rows_anyone_would_predict(client_factory):
    events = (await scenario(client_factory))["events"]
    touched = [e for e in events[:4]]  # anonymous, or answering an anonymous post
    for event in touched:
        post = (await rows(f"SELECT * FROM posts WHERE id = {int(event.id)}"))[0]
        link = f"/posts/{event.id}"
        plain = await rows(f"SELECT * FROM notifications WHERE link = '{link}'")
        sealed = await rows(
            f"SELECT * FROM sealed_notifications WHERE link = '{link}'")
        assert plain == [], f"news of {link} names its recipients"
        seen = Counter(r["kind"] for r in sealed)
        assert seen == await predicted_roles(post), link
        # One moment and one length for the whole event: no row stands apart.
        assert len({r["created_at"] for r in sealed}) == 1, link
        assert len({len(r["sealed_recipient"]) for r in sealed}) == 1, link


async def test_a_named_reply_in_an_untouched_thread_still_names_and_skips_its_author(
        client_factory):
    events = (await scenario(client_factory))["events"]
    plain = events[4]  # fox's named reply in owl's story, mentioning wren
    notes = await rows(
        f"SELECT * FROM notifications WHERE link = '/posts/{plain.id}'")
    fox = await User.get(username="fox_reader")
    recipients = [r["user_id"] for r in notes]
    assert fox.id not in recipients and len(recipients) == len(set(recipients))
    assert {r["kind"] for r in notes} <= {"reply_to_story", "followed_thread", "mention"}


async def test_reading_everything_writes_no_sealed_note_and_shares_no_read_time(
        client_factory):
    made = await scenario(client_factory)
    plain = await rows("SELECT created_at, read_at FROM notifications")
    sealed = await rows("SELECT * FROM sealed_notifications")
    assert any(r["read_at"] is not None for r in plain)  # the members really read their news
    # A read time says no more than the row's own creation did.
    assert all(r["read_at"] in (None, r["created_at"]) for r in plain)
    # Reading wrote no sealed row at all: none can share a transaction, a row version or a
    # moment with the reader's plain notes or their own row.
    assert sealed and all(r["read_at"] is None for r in sealed)
    # And yet each reader sees their sealed news as read, and later news as new.
    fox = (await made["people"]["fox_reader"].api("GET", "/api/v1/me/notifications")).json()
    events = made["events"]
    told_before = [n for n in fox["notifications"] if n["link"] == f"/posts/{events[0].id}"]
    assert told_before and all(n["read"] for n in told_before)
    assert fox["unread"] == 1 and [n["read"] for n in fox["notifications"]].count(False) == 1


async def test_members_still_see_their_news_once_and_the_author_no_receipts(client_factory):
    made = await scenario(client_factory)
    people, events = made["people"], made["events"]
    wren, otter, bee = people["wren_author"], people["otter_reader"], people["bee_mentioned"]
    mine = (await wren.api("GET", "/api/v1/me/notifications")).json()
    # Wren hears that otter answered her anonymous reply, and owl's later reply; never her own.
    links = [n["link"] for n in mine["notifications"]]
    assert not {f"/posts/{e.id}" for e in events[:3]} & set(links)
    assert len(links) == len(set(links))
    assert any("answered your post" in n["message"] for n in mine["notifications"])
    assert mine["unread"] == 1  # owl's reply after she read everything
    page = await wren.get("/notifications")
    assert "answered your post" in page.text
    fox = (await people["fox_reader"].api("GET", "/api/v1/me/notifications")).json()
    fox_links = [n["link"] for n in fox["notifications"]]
    assert len(fox_links) == len(set(fox_links))  # a follower who is mentioned: told once
    assert f"/posts/{events[0].id}" in fox_links and fox["unread"] == 1
    theirs = (await otter.api("GET", "/api/v1/me/notifications")).json()
    assert theirs["unread"] == 0  # otter switched thread news off before owl's last reply
    mentioned = (await bee.api("GET", "/api/v1/me/notifications")).json()
    assert [n["kind"] for n in mentioned["notifications"]] == ["mention"]
    assert mentioned["unread"] == 1
    bell = await bee.get("/")
    assert 'class="bell"' in bell.text and ">1<" in bell.text
    assert (await bee.post_form("/notifications/read", {})).status_code == 303
    assert (await bee.api("GET", "/api/v1/me/notifications")).json()["unread"] == 0


async def test_an_anonymous_story_tells_everyone_it_mentions_its_author_included(
        client_factory):
    wren = await client_factory(await make_user("wren_author"))
    otter = await client_factory(await make_user("otter_reader"))
    sent = await wren.post_form("/stories/new", {
        "category": CATEGORY, "title": "Quiet", "anonymous": "1",
        "body": "Thank you @otter_reader, and note to self @wren_author"})
    assert sent.status_code == 303, sent.text
    told = await Post.get(is_story=True)
    link = f"/posts/{told.id}"
    assert await rows(f"SELECT * FROM notifications WHERE link = '{link}'") == []
    sealed = await rows(f"SELECT * FROM sealed_notifications WHERE link = '{link}'")
    assert [r["kind"] for r in sealed] == ["mention", "mention"]  # both names in the body
    assert (await otter.api("GET", "/api/v1/me/notifications")).json()["unread"] == 1
    assert (await wren.api("GET", "/api/v1/me/notifications")).json()["unread"] == 0


async def test_notes_sealed_before_receipts_existed_still_reach_their_member(member):
    await SealedNotification.create(
        sealed_recipient=sealing.seal(str(member.user.id), NOTICE_PURPOSE),
        kind="moderation", message="An older note", link="")
    await give_old_notes_slots()  # what `forum migrate` does for notes without a slot
    page = await member.get("/notifications")
    assert "An older note" in page.text
    assert (await member.api("GET", "/api/v1/me/notifications")).json()["unread"] == 1


async def test_an_anonymous_author_who_hears_nothing_still_has_the_row_anyone_predicts(
        client_factory):
    """Wren switched story replies off, then wrote anonymously. A reply to her story must
    still leave the row any reader of the public tables expects for "the story's author" —
    its absence would say the author is one of the few who switched it off — and she is not
    told."""
    wren = await client_factory(await make_user("wren_author"))
    otter = await client_factory(await make_user("otter_reader"))
    assert (await wren.post_form("/account/preferences", {
        "notify_mention": "1", "notify_reply_to_post": "1",
        "notify_followed_thread": "1"})).status_code in (200, 303)
    anonymous = await wren.post_form("/stories/new", {
        "category": CATEGORY, "title": "Unnamed", "body": "Unnamed, in my words.",
        "anonymous": "1"})
    assert anonymous.status_code == 303
    told = await Post.get(body_md="Unnamed, in my words.")
    answer = await reply(otter, told.thread_id, "Otter answers the unnamed story")
    row = (await rows(f"SELECT * FROM posts WHERE id = {int(answer.id)}"))[0]
    sealed = await rows(f"SELECT * FROM sealed_notifications WHERE link = '/posts/{answer.id}'")
    assert Counter(r["kind"] for r in sealed) == await predicted_roles(row)
    assert (await wren.api("GET", "/api/v1/me/notifications")).json()["unread"] == 0
