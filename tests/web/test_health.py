"""/healthz and /readyz, as a load balancer or an orchestrator reads them."""

from __future__ import annotations

import httpx
import pytest
from tortoise import connections

from forum.app import create_app

from ..conftest import BASE_URL, make_settings


@pytest.fixture
async def latest_migration_forgotten(db):
    """The database as if the newest migration had not been applied (the code is newer than
    the schema: a deploy that skipped `forum migrate`); put back afterwards."""
    conn = connections.get("default")
    rows = await conn.execute_query_dict(
        "SELECT app, name, applied_at FROM tortoise_migrations WHERE app = 'models' "
        "ORDER BY name DESC LIMIT 1")
    newest = rows[0]

    async def forget() -> str:
        await conn.execute_script(
            f"DELETE FROM tortoise_migrations WHERE app = 'models' AND name = '{newest['name']}'")
        return str(newest["name"])

    try:
        yield forget
    finally:
        values = [newest["app"], newest["name"], newest["applied_at"]]
        marks = "$1, $2, $3" if conn.capabilities.dialect == "postgres" else "?, ?, ?"
        present = await conn.execute_query_dict(
            f"SELECT 1 FROM tortoise_migrations WHERE app = 'models' AND name = "
            f"'{newest['name']}'")
        if not present:
            await conn.execute_insert(
                f"INSERT INTO tortoise_migrations (app, name, applied_at) VALUES ({marks})",
                values)


async def test_healthz_answers_json_without_asking_anything(visitor):
    answer = await visitor.get("/healthz")
    assert answer.status_code == 200
    assert answer.json() == {"status": "ok"}
    assert answer.headers["cache-control"] == "no-store"
    assert "set-cookie" not in answer.headers


async def test_readyz_says_ready_then_names_a_migration_not_applied(
        visitor, latest_migration_forgotten):
    ready = await visitor.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ready", "database": "reachable",
                            "migrations": "current"}

    forgotten = await latest_migration_forgotten()
    stale = await visitor.get("/readyz")  # at once: never an answer kept from before
    assert stale.status_code == 503
    assert stale.headers["retry-after"]
    body = stale.json()
    assert body["status"] == "not ready" and body["database"] == "reachable"
    assert body["migrations"] == "pending" and body["pending_migrations"] == [forgotten]
    assert "forum migrate" in body["problem"]


async def test_health_answers_are_never_rate_limited(var_dir, database_url, db):
    strict = make_settings(var_dir, database_url,
                           FORUM_RATE_LIMITS="search=1/minute;signin_ip=1/minute;guest=1/day")
    app = create_app(strict, manage_database=False, strict_templates=True)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url=BASE_URL) as probe:
        answers = [await probe.get(path) for _ in range(30) for path in ("/healthz", "/readyz")]
        assert {a.status_code for a in answers} == {200}
        assert (await probe.get("/search?q=tea")).status_code == 200
        assert (await probe.get("/search?q=tea")).status_code == 429  # the limits are on
