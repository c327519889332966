"""SQLite can't take a write: another process holds the write lock past the busy timeout.

That is how SQLite "goes away" under a running forum (the forum keeps its file open, so a
file moved or made unreadable underneath it changes nothing until a restart): a backup tool,
a `sqlite3` shell left in a transaction, a stuck process. A real `forum serve` on a file of
the test's own with a short busy timeout, a real second connection holding `BEGIN
IMMEDIATE`: writes answer 503 with Retry-After saying nothing was saved (the form's words
given back), reads and /help go on (WAL readers are not blocked), and once the lock is let
go the same writes go through, once each.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from forum.outage import RETRY_AFTER_SECONDS

from .conftest import SERVERS, LiveServer
from .outage_server import PASSWORD, serve_forum

pytestmark = [pytest.mark.multiprocess, pytest.mark.backend_independent]

BUSY_TIMEOUT_MS = 300
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def database_file(tmp_path: Path) -> Path:
    return tmp_path / "forum.sqlite3"


@pytest.fixture
def forum(database_file: Path, tmp_path: Path,
          request: pytest.FixtureRequest) -> Iterator[LiveServer]:
    server = serve_forum(f"sqlite://{database_file}?busy_timeout={BUSY_TIMEOUT_MS}", tmp_path)
    request.node.stash.setdefault(SERVERS, []).append(server)  # its log on failure
    try:
        yield server
    finally:
        server.stop()


def csrf_from(page: httpx.Response) -> str:
    found = CSRF.search(page.text)
    assert found, page.text[:500]
    return found.group(1)


async def test_writes_refused_while_another_process_holds_the_lock_say_nothing_was_saved(
        database_file: Path, forum: LiveServer) -> None:
    async with httpx.AsyncClient(base_url=forum.base_url, timeout=30) as api, \
            httpx.AsyncClient(base_url=forum.base_url, timeout=30) as browser:
        account = {"username": "otter_outage", "password": PASSWORD}
        assert (await api.post("/api/v1/accounts", json=account)).status_code == 201
        token = (await api.post("/api/v1/tokens", json=account)).json()["token"]
        auth = {"Authorization": f"Bearer {token}"}
        signin = await browser.post("/signin", data={
            "csrf_token": csrf_from(await browser.get("/signin")), **account})
        assert signin.status_code == 303
        form_csrf = csrf_from(await browser.get("/stories/new"))
        story = {"category": "small-wins", "title": "A quiet win",
                 "body": "I answered an email I had been avoiding for a month."}

        holder = sqlite3.connect(database_file, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")  # the write lock, held
        try:
            refused = await api.post("/api/v1/stories", headers=auth, json=story)
            assert refused.status_code == 503, refused.text
            assert refused.headers["retry-after"] == str(RETRY_AFTER_SECONDS)
            assert refused.headers["content-type"].startswith("application/problem+json")
            assert "nothing you sent was saved" in refused.json()["detail"].lower()
            assert refused.json()["saved"] == []

            page = await browser.post("/stories/new", data={
                "csrf_token": form_csrf, **story, "submission_id": "sqlite-lock-form-0001"})
            assert page.status_code == 503
            assert page.headers["retry-after"] == str(RETRY_AFTER_SECONDS)
            assert "nothing you sent was saved" in page.text.lower()
            assert story["body"] in page.text  # given back to copy

            # Reading goes on: pages, help, readiness (the database answers).
            assert (await browser.get("/c/small-wins")).status_code == 200
            assert (await api.get("/help")).status_code == 200
            assert (await api.get("/readyz")).status_code == 200
            assert (await api.get("/healthz")).status_code == 200
        finally:
            holder.rollback()
            holder.close()

        assert (await api.post("/api/v1/stories", headers=auth, json=story)).status_code == 201
        again = await browser.post("/stories/new", data={
            "csrf_token": form_csrf, **story, "submission_id": "sqlite-lock-form-0001"})
        assert again.status_code == 303, again.text[:300]
        titles = [s["title"] for s in
                  (await api.get("/api/v1/categories/small-wins/stories")).json()["stories"]]
        assert titles == ["A quiet win", "A quiet win"]  # the API's and the form's, once each
    log = forum.log()
    assert "database unavailable on POST /api/v1/stories" in log
    assert "Exception in ASGI application" not in log, log
