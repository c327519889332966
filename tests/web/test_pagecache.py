"""Signed-out readers may get a page rendered for someone else — never a stale or personal one."""

from __future__ import annotations

import sqlite3

import asyncpg
import pytest
from starlette.responses import HTMLResponse

from forum.app import create_app
from forum.db import sqlite_path
from forum.pagecache import PageCache

from ..conftest import count_queries, make_settings
from ..factories import make_reply, make_story


async def rename_thread_from_another_process(database_url: str, thread_id: int,
                                             title: str) -> None:
    """Write as another worker would: a separate connection the app knows nothing about."""
    if database_url.startswith("sqlite"):
        with sqlite3.connect(sqlite_path(database_url)) as conn:
            conn.execute("UPDATE threads SET title = ? WHERE id = ?", (title, thread_id))
        return
    conn = await asyncpg.connect(database_url.replace("postgres://", "postgresql://", 1))
    try:
        await conn.execute("UPDATE threads SET title = $1 WHERE id = $2", title, thread_id)
    finally:
        await conn.close()


async def test_a_repeat_visit_is_served_with_one_small_query(member, visitor):
    story = await make_story(member.user, title="Kept in memory")
    await make_reply(member.user, story)
    for url in ("/", "/c/small-wins", f"/stories/{story.thread_id}"):
        first = await visitor.get(url)
        with count_queries() as counter:
            again = await visitor.get(url)
        assert again.status_code == 200
        assert again.text == first.text
        assert len(counter.statements) == 1, counter.statements
        assert again.headers["cache-control"] == "no-cache"
        assert "Cookie" in again.headers["vary"]


async def test_a_write_by_another_process_shows_on_the_next_request(member, visitor,
                                                                    database_url):
    story = await make_story(member.user, title="The title before")
    url = f"/stories/{story.thread_id}"
    assert "The title before" in (await visitor.get(url)).text
    assert "The title before" in (await visitor.get("/")).text
    await rename_thread_from_another_process(database_url, story.thread_id, "The title after")
    assert "The title after" in (await visitor.get(url)).text
    assert "The title after" in (await visitor.get("/")).text


async def test_a_reply_and_a_deletion_in_this_process_show_at_once(member, other_member,
                                                                   visitor):
    story = await make_story(member.user)
    url = f"/stories/{story.thread_id}"
    assert "No replies yet" in (await visitor.get(url)).text
    await other_member.post_form(f"/stories/{story.thread_id}/replies",
                                 {"body": "You are not alone in this.", "submission_id": "a" * 32})
    page = await visitor.get(url)
    assert "You are not alone in this." in page.text
    await member.post_form(f"/posts/{story.id}/delete", {})
    assert (await visitor.get(url)).status_code == 404


async def test_members_never_get_the_shared_page_and_never_fill_it(member, visitor):
    story = await make_story(member.user)
    url = f"/stories/{story.thread_id}"
    shared = await visitor.get(url)
    assert 'name="csrf_token"' not in shared.text
    own = await member.get(url)
    assert 'name="csrf_token"' in own.text
    assert own.headers["cache-control"] == "private, no-store"
    assert 'name="csrf_token"' not in (await visitor.get(url)).text
    assert member.user.username not in (await visitor.get("/")).text.split("<main", 1)[0]


async def test_error_pages_are_not_kept(member, visitor):
    with count_queries() as counter:
        for _ in range(2):
            assert (await visitor.get("/stories/999999")).status_code == 404
    assert len(counter.statements) > 2


def test_entries_expire_and_the_least_recently_used_go_first():
    cache = PageCache(ttl=60, max_entries=2)
    for key in ("a", "b"):
        cache.put(key, "v1", HTMLResponse(key))
    assert cache.get("a", "v1") is not None  # "b" is now the least recently used
    cache.put("c", "v1", HTMLResponse("c"))
    assert cache.get("b", "v1") is None
    assert cache.get("a", "v1").body == b"a"
    assert cache.get("a", "v2") is None and len(cache) == 1  # another version: dropped
    expired = PageCache(ttl=-1)
    expired.put("a", "v1", HTMLResponse("a"))
    assert expired.get("a", "v1") is None


def test_zero_seconds_turns_the_cache_off_and_nonsense_is_refused(var_dir, database_url):
    off = make_settings(var_dir, database_url, FORUM_PAGE_CACHE_SECONDS="0")
    assert create_app(off, manage_database=False).state.page_cache is None
    with pytest.raises(ValueError, match="whole number"):
        make_settings(var_dir, database_url, FORUM_PAGE_CACHE_SECONDS="soon")


async def test_requests_arriving_together_share_one_rendering(member, visitor):
    import asyncio

    story = await make_story(member.user, title="Popular")
    url = f"/stories/{story.thread_id}"
    with count_queries() as counter:
        pages = await asyncio.gather(*(visitor.get(url) for _ in range(8)))
    assert {p.status_code for p in pages} == {200}
    assert len({p.text for p in pages}) == 1
    # Eight cache checks and the queries of a single rendering (story, count, replies,
    # reactions) — not eight renderings.
    assert len(counter.statements) <= 8 + 5, counter.statements
