"""Test set-up: the real migrations once per session, a clean database per test, persona clients.

`FORUM_TEST_DATABASE_URL` picks the database (PostgreSQL in the second run of `make test`);
by default a fresh SQLite file in a temporary directory.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from tortoise import Tortoise, connections

from forum import sealing
from forum.actions.setup import ensure_reference_data
from forum.app import create_app
from forum.db import migrate_database, tortoise_config
from forum.models.accounts import Role
from forum.settings import Settings, load_settings

from .factories import make_user, sign_in_directly

BASE_URL = "http://127.0.0.1:8000"
TABLES = ["reactions", "follows", "released_usernames", "crisis_alerts", "crisis_resources",
          "audit_log", "notifications", "sealed_notifications", "thread_pseudonyms", "reports",
          "sanctions", "moderator_notes", "watched_words", "post_revisions", "posts", "threads",
          "sessions", "users", "categories"]


@pytest.fixture(scope="session")
def var_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("var")


@pytest.fixture(scope="session")
def database_url(var_dir: Path) -> str:
    return os.environ.get("FORUM_TEST_DATABASE_URL") or f"sqlite://{var_dir / 'test.sqlite3'}"


def make_settings(var_dir: Path, database_url: str, **overrides: str) -> Settings:
    env = {
        "FORUM_VAR_DIR": str(var_dir),
        "FORUM_DATABASE_URL": database_url,
        "FORUM_SECRET_KEY": "test-secret-key-not-for-production",
        "FORUM_PASSWORD_HASHING": "fast",
        "FORUM_BASE_URL": BASE_URL,
        # Nobody counts as a new member unless a test says so (pre-moderation tests do).
        "FORUM_NEW_MEMBER_DAYS": "0",
        "FORUM_NEW_MEMBER_POSTS": "0",
        **overrides,
    }
    return load_settings(env)


@pytest.fixture(scope="session")
def settings(var_dir: Path, database_url: str) -> Settings:
    return make_settings(var_dir, database_url)


@pytest.fixture(scope="session")
async def orm(settings: Settings) -> AsyncIterator[None]:
    sealing.configure(settings.anonymity_secret)
    await migrate_database(settings)
    await Tortoise.init(config=tortoise_config(settings.database_url))
    yield
    await Tortoise.close_connections()


async def truncate_all() -> None:
    conn = connections.get("default")
    if conn.capabilities.dialect == "postgres":
        await conn.execute_script(
            f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE"
        )
    else:
        for table in TABLES:
            await conn.execute_script(f"DELETE FROM {table}")
        names = ",".join(f"'{t}'" for t in TABLES)
        await conn.execute_script(f"DELETE FROM sqlite_sequence WHERE name IN ({names})")
    await ensure_reference_data()


@pytest.fixture
async def db(orm: None) -> AsyncIterator[None]:
    """A clean database with the reference data, for one test."""
    await truncate_all()
    yield


@pytest.fixture
def app(settings: Settings, db: None) -> Starlette:
    return create_app(settings, manage_database=False, strict_templates=True)


CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class Client:
    """An HTTP client through the real ASGI app, with helpers for forms and the API."""

    http: httpx.AsyncClient
    user: Any = None
    token: str | None = None
    _csrf: str | None = field(default=None, repr=False)

    async def get(self, url: str, **kw: Any) -> httpx.Response:
        return await self.http.get(url, **kw)

    async def csrf(self) -> str:
        page = await self.http.get("/signin")
        found = CSRF_INPUT.search(page.text)
        assert found, "no CSRF token on the sign-in page"
        return found.group(1)

    async def post_form(self, url: str, data: dict[str, Any] | None = None,
                        **kw: Any) -> httpx.Response:
        payload = {"csrf_token": await self.csrf(), **(data or {})}
        return await self.http.post(url, data=payload, **kw)

    async def api(self, method: str, url: str, json: Any = None, **kw: Any) -> httpx.Response:
        headers = dict(kw.pop("headers", {}))
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        return await self.http.request(method, url, json=json, headers=headers, **kw)


@pytest.fixture
async def client_factory(app: Starlette) -> AsyncIterator[Any]:
    opened: list[httpx.AsyncClient] = []

    async def make(user: Any = None, *, api_token: bool = False) -> Client:
        http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE_URL)
        opened.append(http)
        client = Client(http=http, user=user)
        if user is not None:
            token = await sign_in_directly(user, api=api_token)
            if api_token:
                client.token = token
            else:
                http.cookies.set("hearth_session", token)
        return client

    yield make
    for http in opened:
        await http.aclose()


@pytest.fixture
async def visitor(client_factory: Any) -> Client:
    return await client_factory()


@pytest.fixture
async def member(client_factory: Any) -> Client:
    return await client_factory(await make_user("wren_member"))


@pytest.fixture
async def other_member(client_factory: Any) -> Client:
    return await client_factory(await make_user("otter_member"))


class QueryCounter(logging.Handler):
    STATEMENT = re.compile(r"^\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\b", re.IGNORECASE)

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.statements: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if self.STATEMENT.match(message):
            self.statements.append(message.split(":")[0][:200])


@contextmanager
def count_queries() -> Iterator[QueryCounter]:
    logger = logging.getLogger("tortoise.db_client")
    counter = QueryCounter()
    previous = logger.level
    logger.setLevel(logging.DEBUG)
    logger.addHandler(counter)
    try:
        yield counter
    finally:
        logger.removeHandler(counter)
        logger.setLevel(previous)


@pytest.fixture
async def api_member(client_factory: Any) -> Client:
    """A member using the JSON API with a bearer token."""
    return await client_factory(await make_user("heron_api"), api_token=True)


@pytest.fixture
async def moderator(client_factory: Any) -> Client:
    return await client_factory(await make_user("kestrel_mod", role=Role.MODERATOR))


@pytest.fixture
async def admin(client_factory: Any) -> Client:
    return await client_factory(await make_user("osprey_admin", role=Role.ADMIN))


# Under CI=true nothing may be skipped, silently or not: a skipped test fails the run.
_skipped: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped and not hasattr(report, "wasxfail"):
        _skipped.append(f"{report.nodeid}: {report.longrepr}")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if os.environ.get("CI") == "true" and _skipped:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _skipped:
        verdict = "FAILS the run (CI=true)" if os.environ.get("CI") == "true" else "skipped"
        terminalreporter.section(f"skipped tests — {verdict}")
        for line in _skipped:
            terminalreporter.write_line(line)
