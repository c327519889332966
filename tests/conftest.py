"""Test set-up: the real migrations once per session, a clean database per test, persona clients.

`FORUM_TEST_DATABASE_URL` picks the database (PostgreSQL in the second run of `make test`);
by default a fresh SQLite file in a temporary directory.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from tortoise import Tortoise, connections
from tortoise.models import Model

from forum import sealing
from forum.actions.setup import ensure_reference_data
from forum.app import create_app
from forum.db import migrate_database, tortoise_config
from forum.models.accounts import Role
from forum.passwords import use_fast_hashing
from forum.settings import Settings, load_settings

from .factories import make_user, sign_in_directly

BASE_URL = "http://127.0.0.1:8000"


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
    await _cleaner.start()
    yield
    await Tortoise.close_connections()


def deletion_order(models: list[type[Model]]) -> list[type[Model]]:
    """The models, each after every model whose table points at its table."""
    def targets(model: type[Model]) -> set[type[Model]]:
        meta = model._meta
        return {meta.fields_map[name].related_model  # type: ignore[attr-defined]
                for name in meta.fk_fields | meta.o2o_fields} - {model}

    assert not any(m._meta.m2m_fields for m in models), "m2m through tables need cleaning too"
    pointing = {m: targets(m) for m in models}
    ordered: list[type[Model]] = []
    while len(ordered) < len(models):
        left = [m for m in models if m not in ordered]
        ready = [m for m in left if not any(m in pointing[o] for o in left if o is not m)]
        assert ready, f"foreign keys form a cycle among {left}"
        ordered.extend(ready)
    return ordered


@dataclass
class Cleaner:
    """Gives each test a clean database: every table emptied, then the reference data.

    The reference data (what `ensure_reference_data` writes into an empty forum) is loaded
    once and kept while no test changes it; a test that does gets it reloaded from scratch.
    Ids restart as in a fresh database: 1 for an emptied table, the next after the reference
    rows otherwise. DELETE rather than TRUNCATE: on PostgreSQL a TRUNCATE of every table costs
    far more than deleting the few rows a test wrote.
    """

    tables: list[tuple[str, str | None]] = field(default_factory=list)  # (table, generated pk)
    reference: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    async def start(self) -> None:
        models = deletion_order([m for app in Tortoise.apps.values() for m in app.values()])
        self.tables = [(m._meta.db_table, m._meta.db_pk_column if m._meta.pk.generated else None)
                       for m in models]
        await self._reload()

    async def clean(self) -> None:
        for table, rows in self.reference.items():
            if await self._rows(table) != rows:
                await self._reload()
                return
        await self._empty(keep=set(self.reference))

    async def _reload(self) -> None:
        await self._empty(keep=set())
        await ensure_reference_data()
        self.reference = {}
        for table, _ in self.tables:
            if rows := await self._rows(table):
                self.reference[table] = rows

    async def _rows(self, table: str) -> list[dict[str, Any]]:
        pk = dict(self.tables)[table] or "1"
        return list(await connections.get("default").execute_query_dict(
            f"SELECT * FROM {table} ORDER BY {pk}"))

    async def _empty(self, keep: set[str]) -> None:
        conn = connections.get("default")
        statements = [f"DELETE FROM {table}" for table, _ in self.tables if table not in keep]
        postgres = conn.capabilities.dialect == "postgres"
        for table, pk in self.tables:
            if pk is None:
                continue
            if postgres:
                statements.append(
                    f"SELECT setval(pg_get_serial_sequence('{table}', '{pk}'), "
                    f"COALESCE((SELECT MAX({pk}) FROM {table}), 0) + 1, false)")
            elif table in keep:
                statements.append(f"UPDATE sqlite_sequence SET seq = (SELECT MAX({pk}) "
                                  f"FROM {table}) WHERE name = '{table}'")
            else:
                statements.append(f"DELETE FROM sqlite_sequence WHERE name = '{table}'")
        await conn.execute_script(";\n".join(statements))


_cleaner = Cleaner()


@pytest.fixture
async def db(orm: None, settings: Settings) -> AsyncIterator[None]:
    """A clean database with the reference data, for one test."""
    # Cheap hashing for users made straight through the actions too, before any app exists.
    use_fast_hashing(settings.password_hashing == "fast")
    await _cleaner.clean()
    yield


@pytest.fixture
def app(settings: Settings, db: None) -> Starlette:
    return create_app(settings, manage_database=False, strict_templates=True)


@pytest.fixture
def run_jobs(app: Starlette) -> Callable[[], Awaitable[int]]:
    """Run the app's queued background jobs to the end (the ASGI test transport runs no
    lifespan, so no worker runs by itself); the number of jobs run."""
    from forum.jobs.runner import drain

    async def run() -> int:
        return await drain(app.state.settings, wait_seconds=15.0)

    return run


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


# The PostgreSQL pass of `make test` leaves out tests marked backend_independent: they would
# only repeat the SQLite pass. Every test that never reaches the test database gets the mark
# here (wherever it lives); a marked test that does reach the database is a mistake.
DATABASE_FIXTURES = frozenset({"orm", "database_url"})
CONFIG_ONLY = "settings"  # carries the database URL, but only as configuration


def reaches_database(item: pytest.Item) -> bool:
    """Whether the test, or a fixture it uses, asks for the ORM or the database URL."""
    info = getattr(item, "_fixtureinfo", None)
    if info is None:
        return False
    seen: set[str] = set()
    todo = list(info.initialnames)
    while todo:
        name = todo.pop()
        if name in seen or name == CONFIG_ONLY:
            continue
        seen.add(name)
        for fixturedef in info.name2fixturedefs.get(name, ()):
            todo.extend(fixturedef.argnames)
    return bool(DATABASE_FIXTURES & seen)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    misplaced = []
    for item in items:
        uses_database = reaches_database(item)
        if not uses_database:
            item.add_marker(pytest.mark.backend_independent)
        elif uses_database and item.get_closest_marker("backend_independent"):
            misplaced.append(item.nodeid)
    if misplaced:
        raise pytest.UsageError("marked backend_independent but uses the test database: "
                                + ", ".join(misplaced))


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
