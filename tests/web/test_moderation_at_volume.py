"""Moderating a burst of held posts through the queue page: inline and bulk approve and
reject (each through the audited verb), the next item after one is handled, confirm pages
before destructive actions, the header's counts, and member search."""

from __future__ import annotations

import re
from html import unescape

import pytest

from forum.actions.posting import create_reply
from forum.models.accounts import Role, User
from forum.models.content import Category, Post, PostStatus, Premoderation, Thread
from forum.models.moderation import AuditEntry, Report
from forum.models.notifications import Notification
from forum.queries.moderation import ApprovalRules, forget_header_counts, header_counts
from forum.safety.crisis import WEIGHTS
from forum.schemas.posting import ReplyIn

from ..conftest import count_queries
from ..factories import make_story, make_user

BURST = 76  # seven new members, five minutes


@pytest.fixture
async def api_moderator(client_factory, moderator):
    return await client_factory(moderator.user, api_token=True)


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", "", html)))


async def held_replies(count: int, members: int = 7, title: str = "Winter nights") -> list[Post]:
    """New members' replies, held by a category that pre-moderates everyone."""
    await Category.filter(slug="small-wins").update(premoderation=Premoderation.ALL)
    host = await make_user(role=Role.MODERATOR)  # moderators' own stories are not held
    story = await make_story(host, title=title)
    thread = await Thread.get(id=story.thread_id).select_related("category")
    writers = [await make_user() for _ in range(members)]
    held = []
    for n in range(count):
        reply, _ = await create_reply(writers[n % members], thread,
                                      ReplyIn(body=f"Great deals at my shop, code SAVE{n:03d}"),
                                      rules=ApprovalRules())
        assert reply.status == PostStatus.PENDING
        held.append(reply)
    return held


async def test_seventy_six_held_posts_are_approved_in_one_post_with_one_audit_row_each(
        moderator):
    held = await held_replies(BURST)
    page = await moderator.get("/mod/?tab=approval")
    assert page.status_code == 200
    ticks = re.findall(r'<input type="checkbox" name="post_ids" value="(\d+)"', page.text)
    assert sorted(map(int, ticks)) == sorted(p.id for p in held)  # the burst on one page
    with count_queries() as counter:
        response = await moderator.post_form("/mod/", {
            "tab": "approval", "action": "approve", "post_ids": ticks})
    assert response.status_code == 303
    assert "did=approve" in response.headers["location"]
    assert await AuditEntry.filter(action="approve").count() == BURST
    assert await Post.filter(status=PostStatus.PUBLISHED, is_story=False).count() == BURST
    # Bounded: a fixed number per post (its update, audit row, reports, the author's note,
    # the replies' news), nothing that grows with the size of the burst.
    per_post = len(counter.statements) / BURST
    assert per_post <= 12, (len(counter.statements), counter.statements[:40])
    after = await moderator.get(response.headers["location"])
    assert f"Approved and published: {BURST} posts." in text_of(after.text)
    assert "Done." not in after.text
    assert "Nothing here" in after.text


async def test_approving_one_inline_names_it_and_the_next_one_is_first(moderator):
    first, second = await held_replies(2, members=2, title="Kettle on")
    response = await moderator.post_form("/mod/", {"tab": "approval", "approve": first.id})
    assert response.status_code == 303
    page = await moderator.get(response.headers["location"])
    words = text_of(page.text)
    assert "Approved and published: the reply in “Kettle on”." in words
    remaining = re.findall(r'name="approve" value="(\d+)"', page.text)
    assert remaining == [str(second.id)]
    assert (await Post.get(id=first.id)).status == PostStatus.PUBLISHED


async def test_bulk_approve_says_which_could_not_be_done_and_why(moderator, admin):
    a, b, c = await held_replies(3, members=3, title="Bus stop")
    await admin.post_form("/mod/", {"tab": "approval", "approve": b.id})  # got there first
    response = await moderator.post_form("/mod/", {
        "tab": "approval", "action": "approve", "post_ids": [a.id, b.id, c.id, 999999]})
    assert response.status_code == 200
    words = text_of(response.text)
    assert "2 posts could not be done" in words
    assert "the reply in “Bus stop”: It was no longer waiting" in words
    assert "post #999999: It no longer exists." in words
    assert "Approved and published: 2 posts." in words
    assert await AuditEntry.filter(action="approve").count() == 3  # one each, b once


async def test_rejecting_asks_for_the_reason_first_then_tells_each_author(moderator):
    held = await held_replies(3, members=3, title="Night shift")
    chosen = [held[0].id, held[2].id]
    asked = await moderator.post_form("/mod/", {"tab": "approval", "action": "reject",
                                                "post_ids": chosen})
    assert asked.status_code == 200
    assert "Reject 2 posts?" in text_of(asked.text)
    assert await AuditEntry.all().count() == 0  # nothing happens before the confirm
    assert {p.status for p in await Post.filter(id__in=chosen)} == {PostStatus.PENDING}
    missing = await moderator.post_form("/mod/", {"tab": "approval", "action": "reject",
                                                  "confirmed": "1", "post_ids": chosen,
                                                  "reason": "  "})
    assert missing.status_code == 422
    assert "Please write the reason" in missing.text
    assert missing.text.count('name="post_ids"') == 2  # the choice is kept
    done = await moderator.post_form("/mod/", {"tab": "approval", "action": "reject",
                                               "confirmed": "1", "post_ids": chosen,
                                               "reason": "Advertising"})
    assert done.status_code == 303
    assert await AuditEntry.filter(action="reject").count() == 2
    assert (await Post.get(id=held[1].id)).status == PostStatus.PENDING
    for post in (held[0], held[2]):
        note = await Notification.get(user_id=post.author_id, kind="rejected")
        assert "“Night shift”" in note.message and "Advertising" in note.message


async def test_a_rejected_author_follows_the_notice_to_the_words_they_wrote(moderator,
                                                                          client_factory):
    (post,) = await held_replies(1, members=1, title="Porch light")
    done = await moderator.post_form("/mod/", {"tab": "approval", "action": "reject",
                                               "confirmed": "1", "post_ids": [post.id],
                                               "reason": "Advertising"})
    assert done.status_code == 303
    author = await client_factory(await User.get(id=post.author_id))
    notes = (await author.get("/notifications")).text
    link = f"/account/posts#post-{post.id}"
    assert f'href="{link}"' in notes
    mine = (await author.get("/account/posts")).text
    assert f'id="post-{post.id}"' in mine and "Great deals at my shop, code SAVE000" in mine
    assert "not published: Advertising" in mine


async def test_one_reject_button_on_the_queue_opens_the_confirm_page(moderator):
    (post,) = await held_replies(1, members=1, title="Porch light")
    asked = await moderator.post_form("/mod/", {"tab": "approval", "reject": post.id})
    assert asked.status_code == 200
    assert "Reject 1 post?" in text_of(asked.text)
    assert "“Porch light”" in text_of(asked.text)
    assert (await Post.get(id=post.id)).status == PostStatus.PENDING


async def test_from_a_posts_page_approving_goes_on_to_the_next_and_the_last_says_so(
        moderator):
    first, second = await held_replies(2, members=2, title="Rain again")
    page = await moderator.get(f"/mod/posts/{first.id}?tab=approval")
    assert 'name="then" value="next"' in page.text
    response = await moderator.post_form(f"/mod/posts/{first.id}/approve",
                                         {"then": "next", "tab": "approval"})
    assert response.status_code == 303
    assert response.headers["location"].startswith(f"/mod/posts/{second.id}?")
    following = text_of((await moderator.get(response.headers["location"])).text)
    assert "Approved and published: the reply in “Rain again”. Here is the next one." in (
        following)
    last = await moderator.post_form(f"/mod/posts/{second.id}/approve",
                                     {"then": "next", "tab": "approval"})
    assert last.headers["location"].startswith("/mod/?")
    queue = text_of((await moderator.get(last.headers["location"])).text)
    assert "That was the last one waiting here." in queue


async def test_destructive_actions_ask_on_a_page_of_their_own_and_stand_apart(
        moderator, member):
    story = await make_story(member.user, title="Garden")
    page = await moderator.get(f"/mod/posts/{story.id}")
    danger = re.search(r'<section aria-labelledby="danger-heading".*?</section>', page.text,
                       flags=re.S)
    assert danger is not None
    assert "button--danger" in danger.group(0)
    assert f'action="/mod/posts/{story.id}/delete"' in danger.group(0)
    assert 'method="get"' in danger.group(0)  # opening the question changes nothing
    asked = await moderator.get(f"/mod/posts/{story.id}/delete")
    assert asked.status_code == 200
    assert "Delete the whole thread of the story in “Garden”?" in text_of(asked.text)
    assert f'<form method="post" action="/mod/posts/{story.id}/delete"' in asked.text
    assert await AuditEntry.all().count() == 0
    assert (await moderator.get(f"/mod/posts/{story.id}/pin")).status_code == 404
    banned = await moderator.get(f"/mod/users/{member.user.username}/ban")
    assert "Ban " + member.user.username + "?" in text_of(banned.text)
    assert (await User.get(id=member.user.id)).banned_at is None
    author = await moderator.get(f"/mod/posts/{story.id}/author/ban")
    assert author.status_code == 200 and "Ban the author of" in text_of(author.text)


async def test_a_moderator_cannot_open_the_ban_page_for_an_admin(moderator, admin):
    response = await moderator.get(f"/mod/users/{admin.user.username}/ban")
    assert response.status_code == 403


async def test_the_header_counts_what_waits_and_only_moderators_pay_for_it(
        moderator, member):
    await held_replies(3, members=3)
    forget_header_counts()
    with count_queries() as counting:
        await header_counts()
    counted = set(counting.statements)
    assert counted
    home = await moderator.get("/")
    assert "3 waiting" in text_of(home.text)
    with count_queries() as cached:
        again = await moderator.get("/")
    assert "3 waiting" in text_of(again.text)
    assert not counted & set(cached.statements)  # from memory within HEADER_COUNTS_SECONDS
    with count_queries() as members_view:
        seen = await member.get("/")
    assert "mod-counts" not in seen.text and "waiting</span>" not in seen.text
    assert not counted & set(members_view.statements)
    held = await Post.filter(status=PostStatus.PENDING).first()
    assert held is not None
    await moderator.post_form("/mod/", {"tab": "approval", "approve": held.id})
    assert "2 waiting" in text_of((await moderator.get("/")).text)  # one's own action shows


async def test_member_search_by_the_start_of_a_name_in_pages(moderator, admin):
    for name in ("alder", "alderman", "birch", "al_x", "alxy"):
        await make_user(name, email=f"{name}@example.org")
    for n in range(30):
        await make_user(f"pine{n:02d}")
    found = text_of((await moderator.get("/mod/people?q=ALD")).text)
    assert "alder" in found and "alderman" in found and "birch" not in found
    underscore = text_of((await moderator.get("/mod/people?q=al_")).text)
    assert "al_x" in underscore and "alxy" not in underscore  # "_" is a letter here
    first = await moderator.get("/mod/people?q=pine")
    assert "30 members" in text_of(first.text)
    assert len(re.findall(r'href="/mod/users/pine\d\d"', first.text)) == 25
    second = await moderator.get("/mod/people?q=pine&page=2")
    assert len(re.findall(r'href="/mod/users/pine\d\d"', second.text)) == 5
    assert (await moderator.get("/mod/people?q=pine&page=3")).status_code == 404
    assert "@example.org" not in first.text  # moderators never see addresses
    by_mail = await admin.get("/mod/people?q=birch@exa")
    assert "birch@example.org" in by_mail.text
    assert "birch" not in text_of((await moderator.get("/mod/people?q=birch@exa")).text
                                  ).replace("“birch@exa”", "")
    too_long = await moderator.get("/mod/people?q=" + "a" * 40)
    assert too_long.status_code == 400 and "longer than any name" in too_long.text
    assert (await moderator.get("/mod/people?q=a%00b")).status_code == 400


_IDS = sorted((re.escape(i) for i in WEIGHTS if "_" in i), key=len, reverse=True)
CRISIS_ID = re.compile(r"\b(?:" + "|".join(_IDS) + r")\b")


async def test_moderators_read_what_was_noticed_in_plain_words_never_an_id(
        member, moderator, api_moderator):
    response = await member.post_form("/stories/new", {
        "category": "small-wins", "title": "Tonight",
        "body": "I dont want to live anymore. I have a plan for tonight.",
        "submission_id": "plain-words-00001"})
    assert response.status_code == 303
    story = await Post.get(is_story=True, thread__title="Tonight")
    report = await Report.get(post_id=story.id)
    assert "dont_want_to_live" in report.note  # stored as the detector named it
    for url in ("/mod/?tab=urgent", f"/mod/posts/{story.id}"):
        shown = text_of((await moderator.get(url)).text)  # what a person reads
        assert "says they don't want to live" in shown, url
        assert not CRISIS_ID.search(shown), (url, CRISIS_ID.search(shown))
    api = await api_moderator.api("GET", "/api/v1/mod/queue?tab=urgent")
    assert not CRISIS_ID.search(api.text)
    assert "says they don't want to live" in api.text


async def test_odd_queue_forms_get_a_kind_answer_and_change_nothing(moderator):
    (post,) = await held_replies(1, members=1)
    cases = [
        ({"action": "approve"}, "Choose at least one post"),
        ({"action": "approve", "post_ids": ["12abc"]}, "chosen by its number"),
        ({"action": "approve", "post_ids": ["²"]}, "chosen by its number"),
        ({"action": "approve", "post_ids": [str(n) for n in range(1, 82)]}, "at most 80"),
        ({"action": "delete", "post_ids": [post.id]}, "approve or reject"),
        ({"approve": "one"}, "approve or reject"),
    ]
    for data, words in cases:
        response = await moderator.post_form("/mod/", {"tab": "approval", **data})
        assert response.status_code == 422, (data, response.status_code)
        assert words in text_of(response.text), (data, text_of(response.text)[-600:])
    nobody = await moderator.post_form("/mod/", {"tab": "approval", "action": "reject",
                                                 "post_ids": ["999999"]})
    assert nobody.status_code == 422 and "Choose at least one post" in nobody.text
    assert await AuditEntry.all().count() == 0
    assert (await Post.get(id=post.id)).status == PostStatus.PENDING


async def test_a_member_cannot_use_the_queue_form(member):
    (post,) = await held_replies(1, members=1)
    response = await member.post_form("/mod/", {"tab": "approval", "approve": post.id})
    assert response.status_code == 403
    assert (await Post.get(id=post.id)).status == PostStatus.PENDING


async def test_the_api_approves_and_rejects_in_bulk_through_the_same_use_case(
        api_moderator):
    a, b, c = await held_replies(3, members=3, title="Long drive")
    missing = await api_moderator.api("POST", "/api/v1/mod/posts/bulk",
                                      json={"action": "reject", "post_ids": [a.id]})
    assert missing.status_code == 422
    assert "Please write the reason" in missing.text
    done = await api_moderator.api("POST", "/api/v1/mod/posts/bulk",
                                   json={"action": "approve", "post_ids": [a.id, b.id, a.id]})
    assert done.status_code == 200
    assert done.json() == {"action": "approve", "done": [a.id, b.id], "failed": [],
                           "message": "Approved and published: 2 posts."}
    again = await api_moderator.api("POST", "/api/v1/mod/posts/bulk", json={
        "action": "reject", "post_ids": [b.id, c.id], "reason": "Off topic"})
    assert again.json()["done"] == [c.id]
    assert again.json()["failed"] == [{
        "post_id": b.id, "what": "the reply in “Long drive”",
        "why": "It was no longer waiting: another moderator may have dealt with it."}]
    assert await AuditEntry.filter(action="approve").count() == 2
    assert await AuditEntry.filter(action="reject").count() == 1


async def test_rejecting_from_a_posts_page_asks_then_goes_on_to_the_next(moderator):
    first, second = await held_replies(2, members=2, title="Cold tea")
    page = await moderator.get(f"/mod/posts/{first.id}?tab=approval")
    danger = re.search(r'<section aria-labelledby="danger-heading".*?</section>', page.text,
                       flags=re.S)
    assert danger is not None and f'action="/mod/posts/{first.id}/reject"' in danger.group(0)
    asked = await moderator.get(f"/mod/posts/{first.id}/reject?then=next&tab=approval")
    assert 'name="then" value="next"' in asked.text and 'name="tab" value="approval"' in (
        asked.text)
    assert "Reject the reply in “Cold tea”?" in text_of(asked.text)
    done = await moderator.post_form(f"/mod/posts/{first.id}/reject", {
        "then": "next", "tab": "approval", "reason": "Selling"})
    assert done.headers["location"].startswith(f"/mod/posts/{second.id}?")
    shown = text_of((await moderator.get(done.headers["location"])).text)
    assert "Not published (the author was told why): the reply in “Cold tea”." in shown
    assert (await Post.get(id=first.id)).status == PostStatus.REJECTED
