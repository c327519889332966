"""Several processes, one database: `forum serve --workers 2` under 1,000 concurrent replies.

Every reply must be answered 201 (no retries here: a refused write is a finding), stored
exactly once, and counted exactly once in the thread's reply counter.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from contextlib import AsyncExitStack

import httpx
import pytest

from forum.models.content import Post, Thread

from .conftest import LiveServer

pytestmark = pytest.mark.multiprocess

WORKERS = 2
ACCOUNTS = 5
CLIENTS = 50
REPLIES_PER_CLIENT = 20
TOTAL_REPLIES = CLIENTS * REPLIES_PER_CLIENT
PASSWORD = "a gentle harbour at dusk"
REQUEST_TIMEOUT_S = 60.0


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def make_tokens(api: httpx.AsyncClient) -> list[str]:
    tokens = []
    for n in range(ACCOUNTS):
        credentials = {"username": f"hearth_load_{n}", "password": PASSWORD}
        created = await api.post("/api/v1/accounts", json=credentials)
        assert created.status_code == 201, created.text
        issued = await api.post("/api/v1/tokens", json=credentials)
        assert issued.status_code == 201, issued.text
        tokens.append(issued.json()["token"])
    return tokens


async def post_replies(http: httpx.AsyncClient, story_id: int, token: str,
                       client_no: int) -> list[str]:
    """One client's replies, one after another; returns a line per failed request."""
    errors = []
    for n in range(REPLIES_PER_CLIENT):
        body = f"Reply {n + 1} from client {client_no}: you are not alone in this."
        try:
            response = await http.post(f"/api/v1/stories/{story_id}/replies",
                                       json={"body": body}, headers=bearer(token))
        except httpx.HTTPError as exc:
            errors.append(f"client {client_no} reply {n + 1}: {exc!r}")
            continue
        if response.status_code != 201:
            errors.append(f"client {client_no} reply {n + 1}: {response.status_code} "
                          f"{response.text[:300]}")
    return errors


async def test_workers_share_one_database_under_concurrent_replies(
        serve: Callable[..., LiveServer]) -> None:
    server = serve(workers=WORKERS)

    async with AsyncExitStack() as stack:
        api = await stack.enter_async_context(
            httpx.AsyncClient(base_url=server.base_url, timeout=REQUEST_TIMEOUT_S))
        tokens = await make_tokens(api)
        created = await api.post("/api/v1/stories", headers=bearer(tokens[0]), json={
            "category": "small-wins",
            "title": "One thread, many voices",
            "body": "Tell me one small thing that went right this week.",
        })
        assert created.status_code == 201, created.text
        story_id = created.json()["id"]

        clients = [
            await stack.enter_async_context(
                httpx.AsyncClient(base_url=server.base_url, timeout=REQUEST_TIMEOUT_S))
            for _ in range(CLIENTS)
        ]
        started = time.perf_counter()
        results = await asyncio.gather(*(
            post_replies(http, story_id, tokens[n % ACCOUNTS], n)
            for n, http in enumerate(clients)
        ))
        elapsed = time.perf_counter() - started
        errors = [line for lines in results for line in lines]
        print(f"\n{TOTAL_REPLIES} replies from {CLIENTS} clients to {WORKERS} workers "
              f"({server.base_url}): {elapsed:.2f}s, {TOTAL_REPLIES / elapsed:.0f} requests/s, "
              f"{len(errors)} errors")
        assert errors == [], f"{len(errors)} of {TOTAL_REPLIES} replies failed:\n" + "\n".join(
            errors[:20])

        # Each uvicorn worker process logs its own start-up.
        assert server.log().count("Started server process") == WORKERS, server.log()

        story = await api.get(f"/api/v1/stories/{story_id}")
        assert story.status_code == 200, story.text
        assert story.json()["reply_total"] == TOTAL_REPLIES

    assert await Post.filter(thread_id=story_id, is_story=False).count() == TOTAL_REPLIES
    assert await Post.filter(thread_id=story_id, is_story=True).count() == 1
    thread = await Thread.get(id=story_id)
    assert thread.reply_count == TOTAL_REPLIES
