"""Search tells a member nothing about posts they may not read.

The adversary is a member searching for a rare word an anonymous author used: before and
after a post containing it exists — held for approval, hidden, deleted, or in a hidden
story — they get the very same bytes back, in the same order, from the page and the API.
Ranking statistics (SQLite FTS5's bm25 counts documents and their lengths) are taken over
published posts only, and the API answers no score.
"""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable

import pytest
from tortoise import connections

from forum.api.openapi import build_document
from forum.models.content import Category, Post, PostStatus, Premoderation

from ..factories import make_reply, make_story

RARE = "quokka"  # what the anonymous author wrote
QUERIES = (RARE, f"{RARE} wombat", f'"{RARE} wombat"')
CATEGORY = "depression-anxiety"
FILLER = ["tea by the window this morning", "a long walk along the river", "bread and soup",
          "rain on the bus home", "a letter from my sister", "the lamp in the kitchen",
          "music while doing laundry", "a quiet bench in the park", "coffee with a friend",
          "the stairs felt shorter today"]
_ids = itertools.count(1)


def is_postgres() -> bool:
    return connections.get("default").capabilities.dialect == "postgres"


async def what_a_member_sees(client) -> list[bytes]:
    """Every answer the adversary gets for the rare words: the API's bytes and the page's
    main part (the header's unread badge is about their own notes, not search)."""
    seen: list[bytes] = []
    for q in QUERIES:
        api = await client.api("GET", "/api/v1/search", params={"q": q})
        assert api.status_code == 200, api.text[:300]
        page = await client.get("/search", params={"q": q})
        assert page.status_code == 200
        main = page.text[page.text.index("<main"):page.text.index("</main>")]
        seen += [api.content, main.encode()]
    return seen


@pytest.fixture
async def published(member):
    """A thread where two published replies hold the rare word and 'wombat' equally often
    (bm25 ties them), among enough other posts for the statistics to mean something."""
    story = await make_story(member.user, title="Evening notes", body="Small things today.",
                             category=CATEGORY)
    for words in FILLER:
        await make_reply(member.user, story, words)
    await make_reply(member.user, story, f"{RARE} wombat wombat wombat and then home")
    await make_reply(member.user, story, f"{RARE} {RARE} {RARE} wombat and then home")
    return story


async def anonymous_reply(client, thread_id: int, body: str) -> Post:
    response = await client.post_form(f"/stories/{thread_id}/replies", {
        "body": body, "anonymous": "1", "submission_id": f"side-channel-{next(_ids):06}"})
    assert response.status_code == 303, response.text[:500]
    return await Post.filter(thread_id=thread_id).order_by("-id").first()


async def anonymous_story(client, body: str) -> Post:
    response = await client.post_form("/stories/new", {
        "category": CATEGORY, "title": "Not sure where else to say this", "body": body,
        "anonymous": "1", "submission_id": f"side-channel-{next(_ids):06}"})
    assert response.status_code == 303, response.text[:500]
    return await Post.filter(is_story=True).order_by("-id").first()


async def premoderate_everything() -> None:
    await Category.filter(slug=CATEGORY).update(premoderation=Premoderation.ALL)


SECRET = f"I never told anyone about the {RARE} {RARE} {RARE} {RARE} in my long long letter"


async def held_reply(author, moderator, story: Post) -> None:
    await premoderate_everything()
    held = await anonymous_reply(author, story.thread_id, SECRET)
    assert held.status == PostStatus.PENDING


async def held_story(author, moderator, story: Post) -> None:
    await premoderate_everything()
    held = await anonymous_story(author, SECRET)
    assert held.status == PostStatus.PENDING


async def hidden_reply(author, moderator, story: Post) -> None:
    reply = await anonymous_reply(author, story.thread_id, SECRET)
    hidden = await moderator.post_form(f"/mod/posts/{reply.id}/hide", {"reason": "Private"})
    assert hidden.status_code == 303
    assert (await Post.get(id=reply.id)).status == PostStatus.HIDDEN


async def rejected_reply(author, moderator, story: Post) -> None:
    await premoderate_everything()
    held = await anonymous_reply(author, story.thread_id, SECRET)
    rejected = await moderator.post_form(f"/mod/posts/{held.id}/reject", {"reason": "No"})
    assert rejected.status_code == 303
    assert (await Post.get(id=held.id)).status == PostStatus.REJECTED


async def deleted_reply(author, moderator, story: Post) -> None:
    reply = await anonymous_reply(author, story.thread_id, SECRET)
    deleted = await author.post_form(f"/posts/{reply.id}/delete", {})
    assert deleted.status_code == 303
    assert (await Post.get(id=reply.id)).status == PostStatus.DELETED


async def hidden_story_and_its_replies(author, moderator, story: Post) -> None:
    """A published reply in a story that is then hidden is no longer readable either."""
    own = await anonymous_story(author, "Something small happened.")
    await anonymous_reply(author, own.thread_id, SECRET)
    hidden = await moderator.post_form(f"/mod/posts/{own.id}/hide", {"reason": "Private"})
    assert hidden.status_code == 303


UNREADABLE: dict[str, Callable[..., Awaitable[None]]] = {
    "held reply": held_reply, "held story": held_story, "hidden reply": hidden_reply,
    "rejected reply": rejected_reply, "deleted reply": deleted_reply,
    "hidden story": hidden_story_and_its_replies,
}


@pytest.mark.parametrize("make_unreadable", list(UNREADABLE.values()), ids=list(UNREADABLE))
async def test_a_post_nobody_may_read_changes_no_byte_of_what_a_member_finds(
        make_unreadable, published, member, other_member, moderator):
    before = await what_a_member_sees(other_member)
    await make_unreadable(member, moderator, published)
    after = await what_a_member_sees(other_member)
    assert after == before
    await assert_index_holds_only_published_posts()


async def test_a_rare_word_in_a_held_post_does_not_reorder_the_results(
        published, member, other_member, moderator):
    """The ordering itself, with no score to read: the two tied replies keep their order."""
    async def order() -> list[int]:
        found = await other_member.api("GET", "/api/v1/search", params={"q": f"{RARE} wombat"})
        return [r["post"]["id"] for r in found.json()["results"]]

    first = await order()
    assert len(first) == 2
    await held_reply(member, moderator, published)
    assert await order() == first


async def test_a_post_enters_search_when_published_and_leaves_when_it_is_not(
        published, member, other_member, moderator):
    async def found_ids() -> set[int]:
        found = await other_member.api("GET", "/api/v1/search", params={"q": "lighthouse"})
        return {r["post"]["id"] for r in found.json()["results"]}

    await premoderate_everything()
    held = await anonymous_reply(member, published.thread_id, "the lighthouse at night")
    assert await found_ids() == set()
    approved = await moderator.post_form(f"/mod/posts/{held.id}/approve", {})
    assert approved.status_code == 303
    assert await found_ids() == {held.id}
    await moderator.post_form(f"/mod/posts/{held.id}/hide", {"reason": "Private"})
    assert await found_ids() == set()
    await moderator.post_form(f"/mod/posts/{held.id}/restore", {})
    assert await found_ids() == {held.id}
    # The story hidden takes its replies out; restored, they come back.
    await moderator.post_form(f"/mod/posts/{published.id}/hide", {"reason": "Private"})
    assert await found_ids() == set()
    await moderator.post_form(f"/mod/posts/{published.id}/restore", {})
    assert await found_ids() == {held.id}
    await assert_index_holds_only_published_posts()


async def test_search_answers_carry_no_score(published, other_member):
    found = (await other_member.api("GET", "/api/v1/search", params={"q": RARE})).json()
    assert found["results"]
    for hit in found["results"]:
        assert set(hit) == {"post", "story_id", "story_title", "snippet_html"}
    schema = build_document()["components"]["schemas"]["SearchHit"]
    assert set(schema["properties"]) == {"post", "story_id", "story_title", "snippet_html"}
    assert schema["additionalProperties"] is False


def _varints(data: bytes) -> list[int]:
    """SQLite's varints, as FTS5 stores its statistics."""
    values, n = [], 0
    while n < len(data):
        value = 0
        for i in range(9):
            byte = data[n]
            n += 1
            if i == 8:
                value = (value << 8) | byte
                break
            value = (value << 7) | (byte & 0x7F)
            if not byte & 0x80:
                break
        values.append(value)
    return values


async def assert_index_holds_only_published_posts() -> None:
    """SQLite: the FTS5 index agrees with its content, and the document count bm25 divides
    by is the number of posts anyone may read."""
    if is_postgres():
        return  # ts_rank reads only the post's own vector: no corpus statistics to skew
    conn = connections.get("default")
    await conn.execute_query(
        "INSERT INTO post_search(post_search, rank) VALUES ('integrity-check', 1)")
    readable = (await conn.execute_query_dict(
        "SELECT count(*) AS n FROM posts p WHERE p.status = 'published' AND EXISTS (SELECT 1 "
        "FROM posts s WHERE s.thread_id = p.thread_id AND s.is_story AND s.status = "
        "'published')"))[0]["n"]
    averages = await conn.execute_query_dict("SELECT block FROM post_search_data WHERE id = 1")
    assert _varints(bytes(averages[0]["block"]))[0] == readable
