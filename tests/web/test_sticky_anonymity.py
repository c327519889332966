"""Anonymity is sticky within a thread, and "Show my name" reveals one post and nothing more
(SPEC, "Anonymity"): through HTTP, as the author, a reader and someone holding a copy of the
database without the key."""

from __future__ import annotations

import html
import re

from tortoise import connections

from forum.models.content import Post, ThreadPseudonym
from forum.models.notifications import Notification, SealedNotification

from ..conftest import Client, count_queries
from ..factories import make_reply, make_story

ANONYMOUS_BOX = re.compile(r'<input type="checkbox" name="anonymous"[^>]*>')
CATEGORY = "parenting-mom-guilt"


def anonymous_box_ticked(page: str) -> bool:
    found = ANONYMOUS_BOX.search(page)
    assert found, "the reply form offers no anonymous choice"
    return " checked" in found.group(0)


def article(page: str, post_id: int) -> str:
    found = re.search(rf'<article[^>]*id="post-{post_id}".*?</article>', page, re.S)
    assert found, f"post {post_id} is not on the page"
    return found.group(0)


async def anonymous_story(client: Client, title: str = "Nobody knows I left") -> Post:
    response = await client.post_form("/stories/new", {
        "category": CATEGORY, "title": title, "body": "I left, and I am ashamed.",
        "anonymous": "1"})
    assert response.status_code == 303
    return await Post.get(is_story=True, thread__title=title)


async def reply(client: Client, thread_id: int, body: str, **fields: str) -> Post:
    response = await client.post_form(f"/stories/{thread_id}/replies", {"body": body, **fields})
    assert response.status_code == 303, response.text
    return await Post.get(body_md=body)


async def show_my_name(client: Client, post: Post) -> None:
    fields = {"body": post.body_md, "show_my_name": "1"}
    if post.is_story:
        fields["title"] = (await post.thread).title
    assert (await client.post_form(f"/posts/{post.id}/edit", fields)).status_code == 303


# --- the sticky default ---------------------------------------------------------------------

async def test_the_reply_form_starts_anonymous_where_you_wrote_anonymously(member,
                                                                          other_member):
    story = await anonymous_story(member)
    page = await member.get(f"/stories/{story.thread_id}")
    assert anonymous_box_ticked(page.text)
    answer_page = await member.get(f"/stories/{story.thread_id}/reply?to={story.id}")
    assert anonymous_box_ticked(answer_page.text)
    assert not anonymous_box_ticked((await other_member.get(f"/stories/{story.thread_id}")).text)


async def test_the_reply_form_starts_anonymous_after_an_anonymous_reply_in_someone_elses_thread(
        member, other_member):
    story = await make_story(other_member.user, category=CATEGORY)
    assert not anonymous_box_ticked((await member.get(f"/stories/{story.thread_id}")).text)
    await reply(member, story.thread_id, "Me too, quietly.", anonymous="1")
    assert anonymous_box_ticked((await member.get(f"/stories/{story.thread_id}")).text)


async def test_a_named_reply_where_you_wrote_anonymously_is_refused_with_the_text_kept(member):
    story = await anonymous_story(member)
    words = "Thank you all — it's me, by the way."
    refused = await member.post_form(f"/stories/{story.thread_id}/replies", {"body": words})
    assert refused.status_code == 409
    text = html.unescape(refused.text)
    assert words in text
    assert story.pseudonym in text and member.user.shown_name in text
    assert "under your name" in text
    assert 'name="confirm_named"' in refused.text
    assert not anonymous_box_ticked(refused.text)  # what they chose is kept too
    assert not await Post.filter(is_story=False).exists()
    confirmed = await member.post_form(f"/stories/{story.thread_id}/replies",
                                       {"body": words, "confirm_named": "1"})
    assert confirmed.status_code == 303
    named = await Post.get(body_md=words)
    assert named.author_id == member.user.id and not named.is_anonymous


async def test_a_named_answer_from_the_reply_page_is_refused_there_with_the_text_kept(member):
    story = await anonymous_story(member)
    refused = await member.post_form(f"/stories/{story.thread_id}/replies",
                                     {"body": "Answering myself", "reply_to": str(story.id)})
    assert refused.status_code == 409
    assert "Answering myself" in refused.text and 'name="confirm_named"' in refused.text
    assert f'name="reply_to" value="{story.id}"' in refused.text
    assert not await Post.filter(is_story=False).exists()


async def test_replying_anonymously_again_needs_no_confirmation(member):
    story = await anonymous_story(member)
    again = await reply(member, story.thread_id, "Still me", anonymous="1")
    assert again.is_anonymous and again.pseudonym == story.pseudonym


async def test_the_api_refuses_a_named_reply_where_you_wrote_anonymously_until_confirmed(
        api_member):
    made = await api_member.api("POST", "/api/v1/stories", json={
        "category": CATEGORY, "title": "Hidden", "body": "Hard to say.", "anonymous": True})
    assert made.status_code == 201
    story = await Post.get(is_story=True)
    url = f"/api/v1/stories/{story.thread_id}/replies"
    refused = await api_member.api("POST", url, json={"body": "It's me."})
    assert refused.status_code == 409
    problem = refused.json()
    assert story.pseudonym in problem["detail"] and "under your name" in problem["detail"]
    assert not await Post.filter(is_story=False).exists()
    confirmed = await api_member.api("POST", url, json={"body": "It's me.",
                                                        "confirm_named": True})
    assert confirmed.status_code == 201
    assert confirmed.json()["author"]["username"] == api_member.user.username


# --- "Show my name" --------------------------------------------------------------------------

async def test_the_edit_page_says_exactly_what_showing_your_name_reveals(member):
    story = await anonymous_story(member)
    page = html.unescape((await member.get(f"/posts/{story.id}/edit")).text)
    assert "this post only will show your name" in page
    assert "your other anonymous posts in this thread stay anonymous" in page
    assert "may guess they are yours" in page
    assert "lose their “OP” mark" in page
    assert "you'll get a new name" in page


async def test_naming_an_anonymous_story_takes_op_off_the_authors_anonymous_replies(
        member, visitor):
    story = await anonymous_story(member)
    own = await reply(member, story.thread_id, "Thank you all", anonymous="1")
    assert own.is_op
    await show_my_name(member, story)
    page = await visitor.get(f"/stories/{story.thread_id}")
    assert own.pseudonym in article(page.text, own.id)
    assert "badge--op" not in page.text
    api = (await visitor.get(f"/api/v1/stories/{story.thread_id}")).json()
    assert api["replies"][0]["author"] == {"kind": "anonymous", "pseudonym": own.pseudonym,
                                           "is_op": False}
    assert not await Post.filter(thread_id=story.thread_id, is_op=True).exists()


async def test_after_naming_a_post_your_next_anonymous_post_there_gets_a_new_pseudonym(
        member, other_member):
    story = await make_story(other_member.user, category=CATEGORY)
    first = await reply(member, story.thread_id, "First, anonymously", anonymous="1")
    await show_my_name(member, first)
    later = await reply(member, story.thread_id, "Later, anonymously again", anonymous="1")
    assert later.is_anonymous and later.pseudonym and later.pseudonym != first.pseudonym
    # The old name stays reserved: readers saw it, so nobody else may wear it here.
    others = await reply(other_member, story.thread_id, "Me, anonymously", anonymous="1")
    assert others.pseudonym not in (first.pseudonym, later.pseudonym)
    # And the new name is the author's own from now on.
    again = await reply(member, story.thread_id, "Once more", anonymous="1")
    assert again.pseudonym == later.pseudonym


async def test_after_naming_the_story_a_new_anonymous_reply_gets_a_new_name_without_op(
        member):
    story = await anonymous_story(member)
    await show_my_name(member, story)
    later = await reply(member, story.thread_id, "Back, anonymously", anonymous="1")
    assert later.pseudonym != story.pseudonym and not later.is_op


async def test_a_reader_sees_nothing_tying_the_named_post_to_the_remaining_anonymous_ones(
        member, other_member, visitor):
    story = await anonymous_story(member)
    kept = await reply(member, story.thread_id, "This one stays anonymous", anonymous="1")
    theirs = await reply(other_member, story.thread_id, "Someone else, anonymous",
                         anonymous="1")
    await show_my_name(member, story)
    pseudonym = story.pseudonym
    for client in (visitor, other_member):
        page = (await client.get(f"/stories/{story.thread_id}")).text
        shown = article(page, story.id)
        assert member.user.shown_name in shown and pseudonym not in shown
        for anonymous in (kept, theirs):
            card = article(page, anonymous.id)
            assert anonymous.pseudonym in card
            assert member.user.username not in card and member.user.shown_name not in card
            assert "badge--op" not in card and "wrote the story" not in card
        api = (await client.get(f"/api/v1/stories/{story.thread_id}")).json()
        assert api["post"]["author"]["kind"] == "member"
        assert pseudonym not in str(api["post"])
        by_id = {r["id"]: r for r in api["replies"]}
        assert by_id[kept.id]["author"] == {"kind": "anonymous", "pseudonym": pseudonym,
                                            "is_op": False}


async def test_news_that_named_the_pseudonym_is_not_joinable_to_the_name_afterwards(
        member, other_member):
    story = await make_story(other_member.user, category=CATEGORY)
    named = await reply(member, story.thread_id, "I'm here too", anonymous="1")
    kept = await reply(member, story.thread_id, "And again", anonymous="1")
    assert await SealedNotification.filter(link=f"/posts/{named.id}",
                                           message__contains=named.pseudonym).exists()
    await show_my_name(member, named)
    for model in (Notification, SealedNotification):
        for note in await model.filter(link=f"/posts/{named.id}"):
            assert named.pseudonym not in note.message
    # News about the post that stays anonymous still says only the pseudonym.
    for still in await SealedNotification.filter(link=f"/posts/{kept.id}"):
        assert kept.pseudonym in still.message and member.user.username not in still.message
    assert await SealedNotification.exists(link=f"/posts/{kept.id}")


async def test_a_copy_of_the_database_ties_no_pseudonym_row_to_the_named_post(
        member, other_member):
    """From a copy without the key: the thread's pseudonym rows are all written by the
    naming alike, so neither their order nor their writer singles out the retired one."""
    story = await anonymous_story(member)
    for n in range(4):
        await reply(member, story.thread_id, f"Mine {n}", anonymous="1")
        await reply(other_member, story.thread_id, f"Theirs {n}", anonymous="1")
    await show_my_name(member, story)
    rows = await ThreadPseudonym.filter(thread_id=story.thread_id)
    assert story.pseudonym in {r.pseudonym for r in rows}  # still reserved
    named = await Post.get(id=story.id)
    assert named.pseudonym == "" and named.sealed_author is None and not named.is_op
    conn = connections.get("default")
    if conn.capabilities.dialect == "postgres":
        writers = await conn.execute_query_dict(
            "SELECT DISTINCT xmin::text AS x FROM thread_pseudonyms WHERE thread_id = $1",
            [story.thread_id])
        assert len(writers) == 1


async def test_the_sticky_default_costs_no_query_per_post_and_writes_nothing(member,
                                                                             other_member):
    small = await make_story(other_member.user, title="Small", category=CATEGORY)
    big = await make_story(other_member.user, title="Big", category=CATEGORY)
    for n in range(5):
        await make_reply(other_member.user, small, f"small {n}")
    for n in range(50):
        await make_reply(other_member.user, big, f"big {n}")
    for story in (small, big):
        await reply(member, story.thread_id, f"Me, quietly, in {story.id}", anonymous="1")
    counts = []
    for story in (small, big):
        with count_queries() as counter:
            page = await member.get(f"/stories/{story.thread_id}")
        assert anonymous_box_ticked(page.text)
        assert not [s for s in counter.statements if not re.match(r"\s*SELECT", s, re.I)]
        counts.append(len(counter.statements))
    # A member's story page (6), their sealed news (1), and the one sticky check (1).
    assert counts[0] == counts[1] <= 8


async def test_the_edit_page_warns_that_naming_an_op_reply_points_at_the_story(member):
    story = await anonymous_story(member)
    own = await reply(member, story.thread_id, "Thank you, everyone", anonymous="1")
    page = html.unescape((await member.get(f"/posts/{own.id}/edit")).text)
    assert "may conclude that you wrote the story too" in page
    assert "lose their “OP” mark" not in page


async def test_showing_your_name_through_the_api_retires_the_pseudonym_alike(api_member):
    made = await api_member.api("POST", "/api/v1/stories", json={
        "category": CATEGORY, "title": "Through the API", "body": "Words.", "anonymous": True})
    story = await Post.get(id=made.json()["id"])
    url = f"/api/v1/stories/{story.thread_id}/replies"
    own = await api_member.api("POST", url, json={"body": "Mine", "anonymous": True})
    assert own.json()["author"]["is_op"] is True
    named = await api_member.api("PATCH", f"/api/v1/posts/{story.id}",
                                 json={"body": "Words.", "show_my_name": True})
    assert named.status_code == 200
    assert named.json()["author"]["username"] == api_member.user.username
    page = (await api_member.api("GET", f"/api/v1/stories/{story.thread_id}")).json()
    assert page["replies"][0]["author"]["is_op"] is False
    later = await api_member.api("POST", url, json={"body": "Again", "anonymous": True})
    assert later.json()["author"]["pseudonym"] != story.pseudonym
