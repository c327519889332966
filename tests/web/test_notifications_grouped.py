"""The notifications page as a member reads it: news of replies grouped by thread, unread
marked without bold, and every moderation outcome naming its post — an anonymous author's
only to that author."""

from __future__ import annotations

import re
from html import unescape

from forum.actions.posting import create_reply
from forum.models.content import Category, Post, PostStatus, Premoderation, Thread
from forum.models.notifications import Notification, SealedNotification
from forum.queries.moderation import ApprovalRules
from forum.schemas.posting import ReplyIn

from ..factories import make_reply, make_story, make_user


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", "", html)))


def note_items(html: str) -> list[str]:
    listing = re.search(r'<ul class="notifications">(.*)</ul>\s*</div>', html, flags=re.S)
    assert listing is not None
    return ['<li class="' + item for item in re.split(r'\n  <li class="', listing.group(1))[1:]]


async def test_three_replies_to_a_story_are_one_line_marked_new_until_read(member):
    story = await make_story(member.user, title="First winter alone")
    for name in ("rowan", "hazel", "yarrow"):
        await make_reply(await make_user(name), story, f"Thinking of you — {name}")
    page = await member.get("/notifications")
    items = note_items(page.text)
    assert len(items) == 1, items
    assert '<li class="unread">' in items[0]
    assert "3 new replies to your story “First winter alone”" in text_of(items[0])
    assert "Thinking" not in text_of(items[0]).split("Show each")[0]
    await member.post_form("/notifications/read", {})
    read = note_items((await member.get("/notifications")).text)
    assert '<li class="">' in read[0]
    assert "3 replies to your story “First winter alone”" in text_of(read[0])


async def test_two_stories_of_the_same_title_keep_their_news_apart(member):
    first = await make_story(member.user, title="Tonight")
    second = await make_story(member.user, title="Tonight")
    for story, names in ((first, ("rowan", "hazel")), (second, ("yarrow",))):
        for name in names:
            await make_reply(await make_user(name), story, f"Here with you — {name}")
    items = note_items((await member.get("/notifications")).text)
    shown = sorted(text_of(item) for item in items)
    assert len(items) == 2, shown
    assert any("2 new replies to your story “Tonight”" in text for text in shown)
    assert any("yarrow replied to your story “Tonight”" in text for text in shown)


async def test_a_report_outcome_names_the_post_reported(member, other_member, moderator):
    story = await make_story(member.user, title="Shared flat")
    reply = await make_reply(member.user, story, "Something unkind")
    reported = await other_member.post_form(f"/posts/{reply.id}/report", {"reason": "harassment"})
    assert reported.status_code == 303
    await moderator.post_form(f"/mod/posts/{reply.id}/hide", {"reason": "Unkind"})
    note = await Notification.get(user_id=other_member.user.id, kind="report_outcome")
    assert note.message.startswith("About the reply you reported in “Shared flat”:")
    assert note.link == f"/posts/{reply.id}"
    shown = text_of((await other_member.get("/notifications")).text)
    assert "About the reply you reported in “Shared flat”: a moderator reviewed" in shown


async def test_an_anonymous_authors_outcome_names_the_post_to_them_alone(
        member, other_member, moderator):
    await Category.filter(slug="small-wins").update(premoderation=Premoderation.ALL)
    host = await make_user()
    story = await make_story(host, title="Quiet evening")
    thread = await Thread.get(id=story.thread_id).select_related("category")
    reply, _ = await create_reply(member.user, thread,
                                  ReplyIn(body="Me too, most nights", anonymous=True),
                                  rules=ApprovalRules())
    assert reply.status == PostStatus.PENDING and reply.author_id is None
    approved = await moderator.post_form("/mod/", {"tab": "approval", "approve": reply.id})
    assert approved.status_code == 303
    assert (await Post.get(id=reply.id)).status == PostStatus.PUBLISHED
    # sealed: no plain row ties the member to the post
    assert not await Notification.filter(user_id=member.user.id, kind="approved").exists()
    assert await SealedNotification.filter(kind="approved").count() == 1
    mine = text_of((await member.get("/notifications")).text)
    assert "Your reply in “Quiet evening” was approved" in mine
    for outsider in (other_member, moderator):
        assert "was approved" not in text_of((await outsider.get("/notifications")).text)
