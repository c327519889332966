"""Telling a lost database from a bug, and saying exactly what happened when it is lost.

The errors are real ones: asyncpg refused by a port nobody listens on, SQLite unable to open
a file or kept waiting by another connection's lock. The pages come from the real app,
answering a request whose database call fails for real after (or before) a commit.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import asyncpg
import httpx
import pytest
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from tortoise.exceptions import IntegrityError, OperationalError, TransactionManagementError

from forum.app import create_app
from forum.outage import RETRY_AFTER_SECONDS, database_unavailable, note_saved
from forum.settings import Settings

from ..throwaway_pg import free_port


async def refused_by_postgres() -> BaseException:
    try:
        await asyncpg.connect(f"postgres://nobody@127.0.0.1:{free_port()}/nothing", timeout=5)
    except BaseException as exc:
        return exc
    raise AssertionError("something answered on a free port")


def locked_sqlite(tmp_path: Path) -> sqlite3.OperationalError:
    path = tmp_path / "locked.sqlite3"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("PRAGMA journal_mode=WAL")
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN IMMEDIATE")
    waiter = sqlite3.connect(path, timeout=0.05, isolation_level=None)
    try:
        waiter.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        return exc
    finally:
        holder.close()
        waiter.close()
    raise AssertionError("the lock was not held")


async def test_a_refused_postgres_connection_means_the_database_is_unavailable():
    assert database_unavailable(await refused_by_postgres())


def test_sqlite_locked_past_its_timeout_or_unable_to_open_means_unavailable(tmp_path):
    locked = locked_sqlite(tmp_path)
    assert database_unavailable(locked)
    try:  # as Tortoise wraps it when BEGIN fails
        raise TransactionManagementError(locked) from locked
    except TransactionManagementError as wrapped:
        assert database_unavailable(wrapped)
    with pytest.raises(sqlite3.OperationalError) as cannot_open:
        sqlite3.connect(tmp_path / "no such folder" / "forum.sqlite3")
    assert database_unavailable(cannot_open.value)


def test_mistakes_are_not_outages(tmp_path):
    with pytest.raises(FileNotFoundError) as missing_file:  # an OSError, but not the database's
        (tmp_path / "no-such-template.html").read_text()
    assert not database_unavailable(missing_file.value)
    conn = sqlite3.connect(tmp_path / "fine.sqlite3")
    with pytest.raises(sqlite3.OperationalError) as bad_sql:
        conn.execute("SELECT * FROM no_such_table")
    conn.close()
    assert not database_unavailable(bad_sql.value)
    assert not database_unavailable(OperationalError(bad_sql.value))
    assert not database_unavailable(IntegrityError("UNIQUE constraint failed: users.username"))
    assert not database_unavailable(HTTPException(404))
    in_use = asyncpg.InterfaceError("cannot perform operation: another operation is in progress")
    assert not database_unavailable(in_use)  # a mistake in the code, not a lost connection
    assert database_unavailable(asyncpg.InterfaceError("cannot perform operation: "
                                                       "connection is closed"))


@pytest.fixture
def app(settings: Settings):
    """The real app with two extra routes whose database call fails for real: one after a
    reply was committed, one before anything was written."""
    forum = create_app(settings, manage_database=False, strict_templates=True)

    async def saved_then_lost(request: Request) -> Response:
        note_saved("your reply", "/posts/7")
        raise await refused_by_postgres()

    async def lost_at_once(request: Request) -> Response:
        raise await refused_by_postgres()

    async def missing_file(request: Request) -> Response:
        (Path(__file__).parent / "no-such-file.txt").read_text()
        return Response("unreachable")

    async def saved_then_broke(request: Request) -> Response:
        note_saved("your story", "/stories/3")
        raise RuntimeError("a mistake in what follows the commit")

    for prefix in ("", "/api/v1"):
        forum.router.routes.insert(0, Route(f"{prefix}/test/saved-then-lost", saved_then_lost,
                                            methods=["POST"]))
        forum.router.routes.insert(0, Route(f"{prefix}/test/lost", lost_at_once,
                                            methods=["GET", "POST"]))
        forum.router.routes.insert(0, Route(f"{prefix}/test/missing-file", missing_file))
        forum.router.routes.insert(0, Route(f"{prefix}/test/saved-then-broke",
                                            saved_then_broke, methods=["POST"]))
    return forum


@pytest.fixture
async def http(app):
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)  # see the 500s
    async with httpx.AsyncClient(transport=transport,
                                 base_url="http://127.0.0.1:8000") as client:
        yield client


def assert_503(response: httpx.Response) -> None:
    assert response.status_code == 503
    assert response.headers["retry-after"] == str(RETRY_AFTER_SECONDS)
    assert response.headers["cache-control"] == "private, no-store"


async def test_after_a_commit_the_error_says_what_was_saved_and_not_to_send_it_again(http):
    api = await http.post("/api/v1/test/saved-then-lost", json={})
    assert_503(api)
    problem = api.json()
    assert problem["type"] == "/api/v1/problems/database-unavailable"
    assert problem["saved"] == [{"what": "your reply", "url": "/posts/7", "earlier": False}]
    assert problem["detail"].startswith("Your reply was saved (/posts/7).")
    assert "don't send it again" in problem["detail"]
    assert "nothing" not in problem["detail"].lower()

    signin = await http.get("/signin")  # a visitor's CSRF token, as any form carries
    token = re.search(r'name="csrf_token" value="([^"]+)"', signin.text)
    assert token
    page = await http.post("/test/saved-then-lost", data={
        "csrf_token": token.group(1), "body": "Holding on, one day at a time."})
    assert_503(page)
    assert "Your reply was saved (/posts/7)." in page.text
    assert 'href="/posts/7"' in page.text
    assert "Nothing you sent" not in page.text


async def test_before_any_write_the_error_says_nothing_was_saved(http):
    api = await http.post("/api/v1/test/lost", json={})
    assert_503(api)
    assert api.headers["content-type"].startswith("application/problem+json")
    assert "nothing you sent was saved" in api.json()["detail"].lower()
    assert api.json()["saved"] == []

    page = await http.get("/test/lost", headers={"Cookie": "hearth_region=GB"})
    assert_503(page)
    assert "reach our database" in page.text
    assert "saved" not in page.text.lower()  # a read: nothing to save, nothing to claim
    assert "999" in page.text  # the reader's emergency number, from the shipped table
    assert 'href="/help"' in page.text and 'class="quick-exit"' in page.text


async def test_a_mistake_after_a_commit_is_a_500_that_says_the_post_was_saved(http, caplog):
    api = await http.post("/api/v1/test/saved-then-broke", json={})
    assert api.status_code == 500
    assert api.json()["detail"].startswith("Your story was saved (/stories/3).")
    assert "don't send it again" in api.json()["detail"]
    assert "Nothing" not in api.json()["detail"]
    assert "unhandled error on POST /api/v1/test/saved-then-broke" in caplog.text


async def test_an_error_of_the_same_kind_that_is_not_the_database_stays_a_500(http):
    answer = await http.get("/api/v1/test/missing-file")  # an OSError, raised by our code
    assert answer.status_code == 500
    assert "retry-after" not in answer.headers
