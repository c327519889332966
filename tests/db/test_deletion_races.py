"""Deleting an account while its owner is still posting, or while a moderator hides its
posts, never fails and never leaves the member's words behind: on SQLite and on PostgreSQL.

Each test runs a few rounds (a new member each time), because a race shows only sometimes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

import httpx

from forum.anonymity import sealed_author_id
from forum.models.accounts import Role, User
from forum.models.content import Post, PostStatus, Thread

from ..factories import PASSWORD, make_reply, make_story, make_user

ROUNDS = 6
DELETION_STEP_SECONDS = 0.006  # each round, the deletion starts this much later
REPLIES = 8
RACING_POSTS = 6  # the posting limit allows six a minute


async def after(seconds: float, call: Awaitable[httpx.Response]) -> httpx.Response:
    await asyncio.sleep(seconds)
    return await call


async def together(calls: list[Awaitable[httpx.Response]], *, deletion: Awaitable[
        httpx.Response], late: float) -> tuple[httpx.Response, list[httpx.Response]]:
    """The calls and the deletion at once, the deletion `late` seconds after the start;
    each request's database calls are awaits, so their steps interleave."""
    deleted, *others = await asyncio.gather(after(late, deletion),
                                            *(after(0, call) for call in calls))
    return deleted, others


def delete_account(client: Any, *, keep_posts: bool) -> Awaitable[httpx.Response]:
    return client.api("DELETE", "/api/v1/me",
                      json={"password": PASSWORD, "keep_posts": keep_posts})


async def assert_nothing_of_theirs_survives(member_id: int, words: set[str], *,
                                            keep_posts: bool) -> None:
    """No post still tells who wrote it; unless kept, none still shows their words."""
    for post in await Post.all():
        assert post.author_id != member_id
        if post.sealed_author:
            assert sealed_author_id(post) != member_id, f"post {post.id} is still sealed"
        if not keep_posts and post.body_md in words:
            assert post.status == PostStatus.DELETED, f"post {post.id} kept its words"


def assert_no_server_errors(responses: list[httpx.Response]) -> None:
    failed = [(r.request.url.path, r.status_code, r.text[:200])
              for r in responses if r.status_code >= 500]
    assert not failed


async def test_deleting_an_account_while_a_moderator_hides_its_replies_never_fails(
        client_factory):
    mod = await client_factory(await make_user("plover_mod", role=Role.MODERATOR),
                               api_token=True)
    for round_ in range(ROUNDS):
        member = await make_user(f"linnet{round_}")
        client = await client_factory(member, api_token=True)
        story = await make_story(await make_user(f"otter{round_}"))
        words = {f"Reply {round_}.{n}" for n in range(REPLIES)}
        replies = [await make_reply(member, story, body) for body in sorted(words)]
        hides = [mod.api("POST", f"/api/v1/mod/posts/{r.id}/hide", json={"reason": "x"})
                 for r in replies]
        deletion, responses = await together(
            hides, deletion=delete_account(client, keep_posts=False),
            late=round_ * DELETION_STEP_SECONDS)
        assert_no_server_errors([deletion, *responses])
        assert deletion.status_code == 200
        assert not await User.filter(id=member.id).exists()
        await assert_nothing_of_theirs_survives(member.id, words, keep_posts=False)


def write(client: Any, thread_id: int, body: str, *, anonymous: bool,
          story: bool) -> Awaitable[httpx.Response]:
    if story:
        return client.api("POST", "/api/v1/stories", json={
            "category": "small-wins", "title": f"Title of {body}", "body": body,
            "anonymous": anonymous})
    return client.api("POST", f"/api/v1/stories/{thread_id}/replies",
                      json={"body": body, "anonymous": anonymous})


async def race_posts_with_deletion(client_factory: Any, *, anonymous: bool | None,
                                   keep_posts: bool, stories: bool = False) -> None:
    """``anonymous`` None: every other post is; ``stories``: every third post is a story."""
    for round_ in range(ROUNDS):
        member = await make_user(f"linnet{round_}")
        client = await client_factory(member, api_token=True)
        story = await make_story(await make_user(f"otter{round_}"))
        await make_reply(member, story, f"Before {round_}")
        words = {f"Before {round_}"} | {f"Late {round_}.{n}" for n in range(RACING_POSTS)}
        posts = [write(client, story.thread_id, f"Late {round_}.{n}",
                       anonymous=bool(n % 2) if anonymous is None else anonymous,
                       story=stories and n % 3 == 0)
                 for n in range(RACING_POSTS)]
        deletion, responses = await together(
            posts, deletion=delete_account(client, keep_posts=keep_posts),
            late=round_ * DELETION_STEP_SECONDS)
        assert_no_server_errors([deletion, *responses])
        assert deletion.status_code == 200
        assert not await User.filter(id=member.id).exists()
        for response in responses:
            assert response.status_code in (201, 401, 404, 429), response.text
        await assert_nothing_of_theirs_survives(member.id, words, keep_posts=keep_posts)
        if not keep_posts:
            assert not await Thread.filter(title__startswith=f"Title of Late {round_}.").exists()
        if keep_posts:
            landed = await Post.filter(body_md__in=sorted(words)).count()
            assert landed == 1 + sum(r.status_code == 201 for r in responses)


async def test_replies_racing_the_deletion_of_their_account_land_first_or_are_refused(
        client_factory):
    await race_posts_with_deletion(client_factory, anonymous=False, keep_posts=False)


async def test_anonymous_replies_racing_the_deletion_are_removed_with_the_rest(client_factory):
    await race_posts_with_deletion(client_factory, anonymous=True, keep_posts=False)


async def test_anonymous_replies_racing_a_deletion_that_keeps_posts_lose_their_seal(
        client_factory):
    await race_posts_with_deletion(client_factory, anonymous=True, keep_posts=True)


async def test_stories_and_replies_named_or_not_racing_a_deletion_that_keeps_posts(
        client_factory):
    await race_posts_with_deletion(client_factory, anonymous=None, keep_posts=True,
                                   stories=True)


async def test_stories_and_replies_named_or_not_racing_a_deletion_are_all_removed(
        client_factory):
    await race_posts_with_deletion(client_factory, anonymous=None, keep_posts=False,
                                   stories=True)
