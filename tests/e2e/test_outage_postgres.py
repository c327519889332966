"""PostgreSQL goes away under a running forum, and comes back.

A PostgreSQL server of the test's own (initdb in a temporary folder, a free port) and a real
`forum serve` process on it. With the server stopped: pages answer 503 with Retry-After and
a kind page, /help still answers with the reader's region's numbers, /healthz answers and
/readyz says what is wrong, and a write is refused saying nothing was saved. Started again:
everything works without restarting the forum, and nothing was written twice — after a
clean fast shutdown and after an immediate one (as in a crash). A forum started while the
database is down answers /help from the shipped directory and serves once it is up.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest

from forum.outage import RETRY_AFTER_SECONDS
from tests.throwaway_pg import ThrowawayPostgres, start_throwaway_postgres

from .conftest import SERVERS, LiveServer
from .outage_server import PASSWORD, migrate, serve_forum

pytestmark = [pytest.mark.multiprocess, pytest.mark.backend_independent]

CANADA = "1-800-668-6868"  # Kids Help Phone, only in Canada's list
UK = "116 123"  # Samaritans
CANADIAN = {"Cookie": "hearth_region=CA"}  # what the region chooser sets
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def postgres() -> Iterator[ThrowawayPostgres]:
    folder = Path(tempfile.mkdtemp(prefix="hearth-outage-pg-"))  # the postgres user can enter
    server = start_throwaway_postgres(folder)
    try:
        yield server
    finally:
        if server.running():
            server.stop()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def forum(postgres: ThrowawayPostgres, tmp_path: Path,
          request: pytest.FixtureRequest) -> Iterator[LiveServer]:
    server = serve_forum(postgres.create_database("hearth"), tmp_path)
    request.node.stash.setdefault(SERVERS, []).append(server)  # its log on failure
    try:
        yield server
    finally:
        server.stop()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def csrf_from(page: httpx.Response) -> str:
    found = CSRF.search(page.text)
    assert found, page.text[:500]
    return found.group(1)


def assert_unavailable(response: httpx.Response) -> None:
    assert response.status_code == 503, (response.status_code, response.text[:500])
    assert response.headers["retry-after"] == str(RETRY_AFTER_SECONDS)
    assert response.headers["cache-control"] == "private, no-store"


@pytest.mark.parametrize("shutdown", ["fast", "immediate"])
async def test_a_stopped_database_is_a_kind_503_and_help_still_answers_until_it_returns(
        postgres: ThrowawayPostgres, forum: LiveServer, shutdown: str) -> None:
    async with httpx.AsyncClient(base_url=forum.base_url, timeout=30) as api, \
            httpx.AsyncClient(base_url=forum.base_url, timeout=30) as browser:
        account = {"username": "wren_outage", "password": PASSWORD}
        assert (await api.post("/api/v1/accounts", json=account)).status_code == 201
        token = (await api.post("/api/v1/tokens", json=account)).json()["token"]
        first = await api.post("/api/v1/stories", headers=bearer(token), json={
            "category": "small-wins", "title": "Before the blink",
            "body": "I made tea and drank it while it was still warm."})
        assert first.status_code == 201, first.text
        story_url = f"/stories/{first.json()['id']}"

        signin = await browser.get("/signin")
        signed_in = await browser.post("/signin", data={
            "csrf_token": csrf_from(signin), **account})
        assert signed_in.status_code == 303, signed_in.text[:300]
        form_csrf = csrf_from(await browser.get("/stories/new"))

        postgres.stop(shutdown)

        # Pages: 503, Retry-After, a page that says what happened and where help is.
        for path in ("/", story_url, "/c/small-wins", "/notifications"):
            page = await browser.get(path)
            assert_unavailable(page)
            assert "can&#39;t reach our database" in page.text or "reach our database" in page.text
            assert 'href="/help"' in page.text and "quick-exit" in page.text
        home = await api.get("/")  # a visitor, whose page the cache may have held
        assert_unavailable(home)

        # /help: Canada's numbers for a Canadian chooser cookie, the browser's language
        # otherwise; for a signed-in member too (the session can't be read: a visitor).
        canadian = await api.get("/help", headers=CANADIAN)
        assert canadian.status_code == 200
        assert CANADA in canadian.text and UK not in canadian.text
        british = await api.get("/help", headers={"Accept-Language": "en-GB,en;q=0.8"})
        assert british.status_code == 200 and UK in british.text and CANADA not in british.text
        browser.cookies.set("hearth_region", "CA")
        member_help = await browser.get("/help")
        assert member_help.status_code == 200 and CANADA in member_help.text
        assert (await api.get("/static/quick-exit.js")).status_code == 200
        for headers in (CANADIAN, {**CANADIAN, **bearer(token)}):  # the API's /help
            listed = await api.get("/api/v1/resources", headers=headers)
            assert listed.status_code == 200, listed.text
            assert "Kids Help Phone" in {r["name"] for r in listed.json()["resources"]}
        async with httpx.AsyncClient(base_url=forum.base_url, timeout=30) as chooser:
            chooser_csrf = csrf_from(await chooser.get("/help"))
            chosen = await chooser.post("/help/region", data={
                "csrf_token": chooser_csrf, "region": "CA"}, follow_redirects=True)
            assert chosen.status_code == 200 and CANADA in chosen.text
            assert chooser.cookies.get("hearth_region") == "CA"

        # Health: the process answers; it is not ready, and says why.
        health = await api.get("/healthz")
        assert health.status_code == 200 and health.json() == {"status": "ok"}
        ready = await api.get("/readyz")
        assert ready.status_code == 503
        assert ready.json()["database"] == "unreachable"
        assert ready.json()["status"] == "not ready"

        # Writes: refused, saying nothing was saved; the form's words come back.
        refused = await api.post("/api/v1/stories", headers=bearer(token), json={
            "category": "small-wins", "title": "During the blink",
            "body": "Written while the database was away."})
        assert_unavailable(refused)
        assert refused.headers["content-type"].startswith("application/problem+json")
        problem = refused.json()
        assert problem["status"] == 503 and problem["saved"] == []
        assert "nothing you sent was saved" in problem["detail"].lower()
        typed = "Three good things today: the bus was on time, a friend called, rain."
        form = await browser.post("/stories/new", data={
            "csrf_token": form_csrf, "category": "small-wins", "title": "Three things",
            "body": typed, "submission_id": "outage-form-submission-0001"})
        assert_unavailable(form)
        assert "nothing you sent was saved" in form.text.lower()
        assert typed in form.text  # given back to copy

        postgres.start()

        # Back, with no restart of the forum: every kind of request works at once.
        assert (await api.get("/readyz")).status_code == 200
        assert (await browser.get("/")).status_code == 200
        assert (await browser.get(story_url)).status_code == 200
        assert (await api.get("/help", headers=CANADIAN)).status_code == 200
        again = await api.post("/api/v1/stories", headers=bearer(token), json={
            "category": "small-wins", "title": "After the blink",
            "body": "The kettle is on again."})
        assert again.status_code == 201, again.text
        posted = await browser.post("/stories/new", data={
            "csrf_token": form_csrf, "category": "small-wins", "title": "Three things",
            "body": typed, "submission_id": "outage-form-submission-0001"})
        assert posted.status_code == 303, posted.text[:300]

        listing = (await api.get("/api/v1/categories/small-wins/stories")).json()
        titles = sorted(s["title"] for s in listing["stories"])
        assert titles == ["After the blink", "Before the blink", "Three things"]
    log = forum.log()
    assert "database unavailable on GET /" in log  # logged as a warning…
    assert "Exception in ASGI application" not in log, log  # …never as a server error
    assert "unhandled error" not in log, log


async def set_enabled(postgres: ThrowawayPostgres, key: str, enabled: bool) -> None:
    """An admin's change from elsewhere (another process), straight in the database."""
    conn = await asyncpg.connect(postgres.url("hearth"))
    try:
        await conn.execute("UPDATE crisis_resources SET enabled = $1 WHERE key = $2",
                           enabled, key)
    finally:
        await conn.close()


async def test_help_in_an_outage_shows_the_directory_as_last_read_and_reread_once_back(
        postgres: ThrowawayPostgres, forum: LiveServer) -> None:
    british = {"Accept-Language": "en-GB"}
    async with httpx.AsyncClient(base_url=forum.base_url, timeout=30) as http:
        await set_enabled(postgres, "ca-kids-help-phone", False)
        assert CANADA not in (await http.get("/help", headers=CANADIAN)).text  # read: kept
        postgres.stop()
        during = await http.get("/help", headers=CANADIAN)
        assert during.status_code == 200
        assert "988" in during.text and CANADA not in during.text  # as last read, not at start
        assert UK in (await http.get("/help", headers=british)).text

        postgres.start()
        await set_enabled(postgres, "ca-kids-help-phone", True)
        await set_enabled(postgres, "gb-samaritans", False)
        assert CANADA in (await http.get("/help", headers=CANADIAN)).text  # the first read back
        postgres.stop()
        # That first read after the outage read the whole directory again, Britain's too.
        again = await http.get("/help", headers=british)
        assert again.status_code == 200 and UK not in again.text
        assert CANADA in (await http.get("/help", headers=CANADIAN)).text


async def test_a_forum_started_while_the_database_is_down_helps_at_once_and_serves_once_it_is_up(
        postgres: ThrowawayPostgres, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    url = postgres.create_database("hearth")
    migrate(url, tmp_path / "var")
    postgres.stop()
    forum = serve_forum(url, tmp_path, migrated=True, database_up=False)
    request.node.stash.setdefault(SERVERS, []).append(forum)
    try:
        async with httpx.AsyncClient(base_url=forum.base_url, timeout=30) as http:
            assert_unavailable(await http.get("/"))
            assert (await http.get("/readyz")).status_code == 503
            helped = await http.get("/help", headers=CANADIAN)  # the shipped directory
            assert helped.status_code == 200 and CANADA in helped.text

            postgres.start()
            assert (await http.get("/readyz")).status_code == 200
            assert (await http.get("/")).status_code == 200
            assert (await http.get("/help", headers=CANADIAN)).status_code == 200
        assert "crisis resources not read at start" in forum.log()
    finally:
        forum.stop()
