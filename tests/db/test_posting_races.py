"""Posts changing status at the same moment — a double-click on Delete, twenty requests at
once, an author deleting while a moderator hides — leave the thread's reply count equal to
the replies readers can see, on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import httpx

from forum.models.accounts import Role
from forum.models.content import Post, PostStatus, Thread

from ..factories import make_reply, make_story, make_user

CONCURRENT_REQUESTS = 20
REPLIES = 30


async def at_once(calls: list[Callable[[], Awaitable[httpx.Response]]]) -> list[int]:
    """Run the requests CONCURRENT_REQUESTS at a time; each batch starts together."""
    statuses: list[int] = []
    for start in range(0, len(calls), CONCURRENT_REQUESTS):
        batch = calls[start:start + CONCURRENT_REQUESTS]
        statuses += [r.status_code for r in await asyncio.gather(*(call() for call in batch))]
    return statuses


async def counted_matches_visible(story: Post) -> int:
    thread = await Thread.get(id=story.thread_id)
    visible = await Post.filter(thread_id=story.thread_id, is_story=False,
                                status=PostStatus.PUBLISHED).count()
    assert thread.reply_count == visible
    return visible


async def test_a_double_click_on_delete_counts_the_reply_once(member, api_member):
    story = await make_story(member.user)
    reply = await make_reply(member.user, story)
    await make_reply(member.user, story, "Still here")
    statuses = await at_once([
        lambda: member.post_form(f"/posts/{reply.id}/delete", {}),
        lambda: member.post_form(f"/posts/{reply.id}/delete", {}),
    ])
    assert statuses[0] in (303, 404) and statuses[1] in (303, 404)
    assert await counted_matches_visible(story) == 1


async def test_twenty_concurrent_deletes_of_thirty_replies_leave_the_count_at_zero(
        client_factory):
    author = await make_user("linnet_author")
    page = await client_factory(author)
    api = await client_factory(author, api_token=True)
    story = await make_story(author)
    replies = [await make_reply(author, story, f"Reply {n}") for n in range(REPLIES)]
    calls: list[Callable[[], Awaitable[httpx.Response]]] = []
    for reply in replies:  # every reply deleted twice, once through each door
        calls.append(lambda r=reply: page.post_form(f"/posts/{r.id}/delete", {}))
        calls.append(lambda r=reply: api.api("DELETE", f"/api/v1/posts/{r.id}"))
    statuses = await at_once(calls)
    assert set(statuses) <= {303, 204, 404}
    assert await counted_matches_visible(story) == 0
    assert await Post.filter(status=PostStatus.DELETED).count() == REPLIES


async def test_deletes_racing_moderators_hiding_and_restoring_keep_the_count_true(
        client_factory):
    author = await make_user("linnet_author")
    mod = await client_factory(await make_user("plover_mod", role=Role.MODERATOR),
                               api_token=True)
    api = await client_factory(author, api_token=True)
    story = await make_story(author)
    replies = [await make_reply(author, story, f"Reply {n}") for n in range(REPLIES)]
    calls: list[Callable[[], Awaitable[httpx.Response]]] = []
    for n, reply in enumerate(replies):
        url = f"/api/v1/mod/posts/{reply.id}"
        calls.append(lambda u=url: mod.api("POST", f"{u}/hide", json={"reason": "Off topic"}))
        if n % 2:
            calls.append(lambda r=reply: api.api("DELETE", f"/api/v1/posts/{r.id}"))
        calls.append(lambda u=url: mod.api("POST", f"{u}/restore", json={}))
    await at_once(calls)
    await counted_matches_visible(story)
