"""Attacks on the features for running a community and moderating at volume, tried as a
curious moderator, a member probing another's private data, someone holding a copy of the
database, and anyone sending hostile input."""

from __future__ import annotations

import pytest
from tortoise import connections

from forum.models.accounts import Role
from forum.models.content import Category, Post, PostStatus, Premoderation
from forum.models.notifications import Notification

from ..factories import make_reply, make_story, make_user


async def test_a_held_story_that_mentions_a_member_tells_them_once_it_is_approved(
        member, other_member, moderator):
    await Category.filter(slug="small-wins").update(premoderation=Premoderation.ALL)
    sent = await member.post_form("/stories/new", {
        "category": "small-wins", "title": "Thank you, friend",
        "body": "@otter_member your words last week got me through."})
    assert sent.status_code in (202, 303), sent.text[:500]
    story = await Post.get(is_story=True, thread__title="Thank you, friend")
    assert story.status == PostStatus.PENDING
    assert not await Notification.filter(user_id=other_member.user.id, kind="mention").exists()
    done = await moderator.post_form("/mod/", {"action": "approve", "post_ids": [str(story.id)]})
    assert done.status_code == 303
    note = await Notification.get_or_none(user_id=other_member.user.id, kind="mention")
    assert note is not None, "the member mentioned in a held story is never told"
    assert note.link == f"/posts/{story.id}"
    assert "wren_member" in note.message


async def test_a_held_anonymous_story_that_mentions_a_member_tells_them_without_a_name(
        member, other_member, moderator):
    await Category.filter(slug="small-wins").update(premoderation=Premoderation.ALL)
    sent = await member.post_form("/stories/new", {
        "category": "small-wins", "title": "To the one who listened", "anonymous": "on",
        "body": "@otter_member you probably don't know it was me, but thank you."})
    assert sent.status_code in (202, 303), sent.text[:500]
    story = await Post.get(is_story=True, thread__title="To the one who listened")
    assert story.status == PostStatus.PENDING
    assert "mentioned you" not in (await other_member.get("/notifications")).text
    done = await moderator.post_form("/mod/", {"action": "approve", "post_ids": [str(story.id)]})
    assert done.status_code == 303
    assert not await Notification.filter(user_id=member.user.id).exists()  # sealed, not plain
    page = (await other_member.get("/notifications")).text
    assert "mentioned you in “To the one who listened”" in page
    assert "wren_member" not in page



# --- reading records, as someone holding a copy of the database would read them -----------

async def _read_to_the_end(client, thread_id: int) -> None:
    last = await Post.filter(thread_id=thread_id, status=PostStatus.PUBLISHED).order_by(
        "-id").first()
    assert last is not None
    answer = await client.post_form(f"/stories/{thread_id}/read", {"post_id": str(last.id)})
    assert answer.status_code in (204, 303), answer.text[:300]


async def _positions(thread_id: int) -> list[tuple[str, int]]:
    """The thread's read positions as a copy of the database holds them (plain SQL, no key):
    whose each is, the copy cannot say."""
    rows = await connections.get("default").execute_query_dict(
        f"SELECT reader_tag, last_read_post_id FROM read_positions WHERE thread_id = {thread_id:d}")
    return sorted((str(r["reader_tag"]), int(r["last_read_post_id"])) for r in rows)


async def test_a_read_position_left_from_before_an_anonymous_reply_does_not_point_at_it(
        member, other_member):
    """Two members read a thread to the end, visit after visit. One of them writes an
    anonymous reply there, straight after reading. In a copy of the database no read
    position may stay pinned to the post just before the anonymous reply — that is the
    mark of the one reader who stopped being counted the moment it was written."""
    story = await make_story(await make_user("storyteller"), title="Long nights")
    await make_reply(await make_user("first_voice"), story, "You're not alone.")
    for reader in (member, other_member):
        await _read_to_the_end(reader, story.thread_id)
    sent = await member.post_form(f"/stories/{story.thread_id}/replies", {
        "body": "I've been where you are. It gets lighter.", "anonymous": "on"})
    assert sent.status_code == 303, sent.text[:300]
    anonymous = await Post.get(thread_id=story.thread_id, is_anonymous=True)
    await make_reply(await make_user("later_voice"), story, "Thinking of you.")
    for reader in (member, other_member):  # both come back and read it all again
        await _read_to_the_end(reader, story.thread_id)
    before = (await Post.filter(thread_id=story.thread_id, id__lt=anonymous.id).order_by(
        "-id").first())
    assert before is not None
    positions = await _positions(story.thread_id)
    assert len(positions) == 2, positions
    assert all(post > anonymous.id for _, post in positions), (
        "a read position stays on the post before the anonymous reply")


async def test_two_readers_alike_but_for_an_anonymous_reply_leave_alike_read_records(
        member, other_member):
    """Two members who read every thread to the end, visit after visit; one also writes an
    anonymous reply in one of them. In a copy of the database their read records there must
    look alike: a missing row is as telling as a pinned one."""
    story = await make_story(await make_user("storyteller"), title="Long nights")
    elsewhere = await make_story(await make_user("elsewhere_writer"), title="Small steps")
    for reader in (member, other_member):
        await _read_to_the_end(reader, elsewhere.thread_id)
        await _read_to_the_end(reader, story.thread_id)
    sent = await member.post_form(f"/stories/{story.thread_id}/replies", {
        "body": "I've been where you are. It gets lighter.", "anonymous": "on"})
    assert sent.status_code == 303, sent.text[:300]
    await make_reply(await make_user("later_voice"), story, "Thinking of you.")
    for reader in (member, other_member):
        await _read_to_the_end(reader, story.thread_id)
    here, there = await _positions(story.thread_id), await _positions(elsewhere.thread_id)
    assert len(here) == len(there) == 2
    assert here[0][1] == here[1][1] and there[0][1] == there[1][1]
    # Nor can the rows be joined across threads: each (member, thread) has a tag of its own.
    assert not {tag for tag, _ in here} & {tag for tag, _ in there}


# --- hostile input on the new routes: a kind 4xx, never a 500 ----------------------------

HUGE = "9" * 30
LONG = "a" * 400


def _hostile_pages(post_id: int) -> list[str]:
    return [f"/admin/categories/{LONG}", f"/admin/categories/{HUGE}", f"/admin/pages/{LONG}",
            f"/mod/posts/{HUGE}/reject", f"/mod/posts/{post_id}/{LONG}",
            f"/mod/posts/{HUGE}/author/ban", f"/mod/users/{LONG}/ban", f"/mod/users/{LONG}",
            "/mod/people?q=" + "é" * 29 + "ß", f"/mod/people?page={HUGE}", "/mod/people?page=-1",
            "/mod/people?q=%00", "/mod/people?q=" + "x@" * 200, "/mod/people?page=²",
            "/mod/people?q=_", "/mod/people?q=%25", f"/mod/?tab={LONG}", f"/mod/?page={HUGE}",
            f"/drafts/{HUGE}", f"/stories/new?draft={HUGE}", "/stories/new?draft=²",
            f"/notifications?page={HUGE}", f"/bookmarks?page={HUGE}"]


def _hostile_forms(post_id: int, thread_id: int) -> list[tuple[str, dict[str, object]]]:
    return [
        ("/admin/categories/new", {"slug": "x" * 61, "name": "n"}),
        ("/admin/categories/new", {"slug": "ok-slug", "name": "n\x00"}),
        ("/admin/categories/new", {"slug": "ok-slug", "name": "n", "premoderation": ["a", "b"]}),
        ("/admin/categories/new", {"slug": "ok-slug", "name": "n", "allow_guests": "maybe"}),
        (f"/admin/categories/{LONG}", {"name": "n"}),
        (f"/admin/categories/{LONG}/move", {"direction": "up"}),
        (f"/admin/categories/{LONG}/delete", {}),
        ("/admin/categories/small-wins/move", {"direction": "sideways"}),
        ("/admin/site", {"name": "\x00", "description": "d"}),
        ("/admin/site", {"name": "n" * 1000, "description": "d", "review_wait": "x" * 999}),
        ("/admin/site", {"name": "A\r\nBcc: someone@example.org", "description": "d"}),
        (f"/admin/pages/{LONG}", {"body": "b"}),
        ("/admin/pages/about", {"body": "b" * 50_000}),
        ("/admin/pages/about", {"body": "\x00"}),
        ("/mod/", {"action": "approve", "post_ids": [HUGE]}),
        ("/mod/", {"action": "approve", "post_ids": ["-1"]}),
        ("/mod/", {"action": "reject", "post_ids": [str(post_id)], "reason": "r" * 100_000}),
        ("/mod/", {"action": ["approve", "reject"], "post_ids": [str(post_id)]}),
        ("/mod/", {"action": "approve", "post_ids": [str(i) for i in range(1, 95)]}),
        ("/mod/", {"action": "explode", "post_ids": ["1"]}),
        ("/mod/", {"action": "approve", "post_ids": ["1"], "tab": LONG, "then": LONG}),
        (f"/drafts/{HUGE}/delete", {}),
        ("/stories/new/draft", {"title": "t", "body": "b", "category": LONG}),
        ("/stories/new/draft", {"title": "t", "body": "b", "category": "small-wins",
                                "draft_id": HUGE}),
        ("/stories/new/draft", {"title": "t", "body": "b\x00", "category": "small-wins"}),
        (f"/stories/{HUGE}/reply/draft", {"body": "b"}),
        (f"/stories/{thread_id}/reply/draft", {"body": "b", "reply_to": HUGE}),
        ("/stories/new/preview", {"title": "t", "body": "@" + "a" * 5000}),
        ("/stories/new/preview", {"title": "t", "body": " ".join(f"@u{i}" for i in range(3000))}),
        ("/stories/new/preview", {"title": "t", "body": "|a|b|\n|-|-|\n" + "|x|y|\n" * 5000}),
        ("/stories/new/preview", {"title": "t", "body": "[" * 20_000}),
        ("/stories/new/preview", {"title": "t", "body": ">" * 20_000}),
        (f"/posts/{HUGE}/edit/preview", {"body": "b"}),
        (f"/stories/{thread_id}/read", {"post_id": HUGE}),
        (f"/stories/{thread_id}/read", {"post_id": "²"}),
        (f"/posts/{HUGE}/bookmark", {"on": "1"}),
        ("/blocks", {"username": LONG, "on": "1"}),
        ("/blocks", {"username": "\x00", "on": "1"}),
    ]


HOSTILE_JSON: list[tuple[str, str, object]] = [
    ("POST", "/api/v1/mod/posts/bulk", {"action": "approve", "post_ids": [int(HUGE)]}),
    ("POST", "/api/v1/mod/posts/bulk", {"action": "approve", "post_ids": "1"}),
    ("POST", "/api/v1/mod/posts/bulk", {"action": "approve", "post_ids": [True]}),
    ("POST", "/api/v1/mod/posts/bulk", {"action": "approve", "post_ids": [1.5]}),
    ("POST", "/api/v1/mod/posts/bulk", {"action": "approve", "post_ids": [[1]]}),
    ("POST", "/api/v1/mod/posts/bulk", {"action": {"a": 1}, "post_ids": [1]}),
    ("POST", "/api/v1/mod/posts/bulk", [1, 2]),
    ("POST", "/api/v1/mod/posts/bulk", "x"),
    ("POST", "/api/v1/me/drafts", {"kind": "reply", "thread_id": int(HUGE), "body": "b"}),
    ("POST", "/api/v1/me/drafts", {"kind": "story", "draft_id": -5, "body": "b"}),
    ("POST", "/api/v1/me/drafts", {"kind": "story", "content_warnings": "x", "body": "b"}),
    ("POST", "/api/v1/me/drafts", {"kind": [1], "body": "b"}),
    ("POST", "/api/v1/me/drafts", {"kind": "story", "body": "b", "anonymous": "perhaps"}),
    ("POST", "/api/v1/preview", {"body": None}),
    ("DELETE", f"/api/v1/me/drafts/{HUGE}", None),
    ("PUT", f"/api/v1/posts/{HUGE}/bookmark", None),
    ("PUT", f"/api/v1/me/blocks/{LONG}", None),
]


@pytest.mark.parametrize("role", [Role.ADMIN, Role.MODERATOR, Role.MEMBER])
async def test_hostile_input_on_the_new_routes_gets_a_4xx_never_a_500(role, client_factory):
    someone = await make_user("someone_else")
    story = await make_story(someone)
    person = await make_user(f"prober_{role.value}", role=role)
    page, api = await client_factory(person), await client_factory(person, api_token=True)
    for url in _hostile_pages(story.id):
        answer = await page.get(url)
        assert answer.status_code < 500, (url, answer.text[:500])
    for url, data in _hostile_forms(story.id, story.thread_id):
        answer = await page.post_form(url, data)
        assert answer.status_code < 500, (url, answer.text[:500])
    for method, url, body in HOSTILE_JSON:
        answer = await api.api(method, url, json=body)
        assert answer.status_code < 500, (url, body, answer.text[:500])
    assert await Post.all().count() == 1  # nothing half-written
