"""Migrations run on databases that already hold rows, and lose none of them.

The database is filled at the first migration, then every later migration is applied one at
a time with the real CLIs (the steps in between by `tortoise migrate`'s own entry point, in
one process); after each step every row must still be there, unchanged. Runs on
SQLite and, in the PostgreSQL pass, on a throwaway PostgreSQL database.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest

from forum.db import sqlite_path

from .migration_steps import DONE

ROOT = Path(__file__).resolve().parents[2]
MIGRATIONS = sorted(p.stem for p in (ROOT / "migrations").glob("0*.py"))
BIN = Path(sys.executable).parent

ROWS = [
    "INSERT INTO users (id, username, username_key, skeleton, display_name, bio, email, "
    "password_hash, role, country, expand_warnings, created_at) VALUES "
    "(1, 'Wren', 'wren', 'wren', 'Wren W.', 'bio', 'w@example.org', '$argon2id$x', 'member', "
    "'GB', FALSE, '2026-01-01T10:00:00+00:00')",
    "INSERT INTO sessions (id, user_id, token_hash, kind, created_at, expires_at) VALUES "
    "(1, 1, 'abc123', 'web', '2026-01-01T10:00:00+00:00', '2027-01-01T10:00:00+00:00')",
    "INSERT INTO categories (id, slug, name, description, position, allow_anonymous, "
    "allow_guests, premoderation) VALUES (100, 'old-cat', 'Old', 'd', 9, TRUE, FALSE, 'none')",
    "INSERT INTO threads (id, category_id, title, content_warnings, content_warning_note, "
    "is_locked, is_pinned, reply_count, created_at, last_post_at) VALUES "
    "(1, 100, 'A story', '[\"suicide\"]', '', FALSE, TRUE, 1, "
    "'2026-01-01T10:00:00+00:00', '2026-01-01T11:00:00+00:00')",
    "INSERT INTO posts (id, thread_id, author_id, is_story, body_md, body_html, status, "
    "reply_to_id, submission_key, created_at, edited_at) VALUES "
    "(1, 1, 1, TRUE, 'story', '<p>story</p>', 'published', NULL, 'k1', "
    "'2026-01-01T10:00:00+00:00', NULL), "
    "(2, 1, 1, FALSE, 'reply', '<p>reply</p>', 'published', 1, NULL, "
    "'2026-01-01T11:00:00+00:00', '2026-01-02T11:00:00+00:00')",
    "INSERT INTO post_revisions (id, post_id, title, body_md, created_at) VALUES "
    "(1, 2, NULL, 'first words', '2026-01-01T11:30:00+00:00')",
]
TABLES = ["users", "sessions", "categories", "threads", "posts", "post_revisions"]


def run_cli(args: list[str], url: str, var_dir: Path) -> None:
    env = {**os.environ, "FORUM_DATABASE_URL": url, "FORUM_VAR_DIR": str(var_dir),
           "FORUM_SECRET_KEY": "migration-test"}
    result = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


class Database:
    def __init__(self, url: str) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")

    def execute(self, statements: list[str]) -> None:
        if self.is_sqlite:
            with sqlite3.connect(sqlite_path(self.url)) as conn:
                for sql in statements:
                    conn.execute(sql.replace("TRUE", "1").replace("FALSE", "0"))
        else:
            asyncio.run(self._pg_execute(statements))

    async def _pg_execute(self, statements: list[str]) -> None:
        conn = await asyncpg.connect(self.url)
        try:
            for sql in statements:
                await conn.execute(sql)
        finally:
            await conn.close()

    def snapshot(self) -> dict[str, list[dict[str, Any]]]:
        if self.is_sqlite:
            with sqlite3.connect(sqlite_path(self.url)) as conn:
                conn.row_factory = sqlite3.Row
                return {t: [dict(r) for r in conn.execute(f"SELECT * FROM {t} ORDER BY id")]
                        for t in TABLES}
        return asyncio.run(self._pg_snapshot())

    async def _pg_snapshot(self) -> dict[str, list[dict[str, Any]]]:
        conn = await asyncpg.connect(self.url)
        try:
            return {t: [dict(r) for r in await conn.fetch(f"SELECT * FROM {t} ORDER BY id")]
                    for t in TABLES}
        finally:
            await conn.close()


@pytest.fixture
def scratch_database(database_url: str, tmp_path: Path):
    if database_url.startswith("sqlite"):
        yield f"sqlite://{tmp_path / 'migrations.sqlite3'}"
        return
    name = f"hearth_migr_{uuid.uuid4().hex[:10]}"
    parts = urlsplit(database_url)
    admin = urlunsplit(parts._replace(path="/postgres"))

    async def admin_sql(sql: str) -> None:
        conn = await asyncpg.connect(admin)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(admin_sql(f'CREATE DATABASE "{name}"'))
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        asyncio.run(admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def test_there_is_more_than_one_migration_to_test():
    assert len(MIGRATIONS) >= 2


class Steps:
    """`tortoise migrate models NAME` run step by step in one process of its own
    (tests/db/migration_steps.py): the same entry point as the `tortoise` script."""

    def __init__(self, url: str, var_dir: Path) -> None:
        env = {**os.environ, "FORUM_DATABASE_URL": url, "FORUM_VAR_DIR": str(var_dir),
               "FORUM_SECRET_KEY": "migration-test"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.db.migration_steps"], cwd=ROOT, env=env,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    def migrate_to(self, name: str) -> None:
        assert self.process.stdin and self.process.stdout
        self.process.stdin.write(name + "\n")
        self.process.stdin.flush()
        output = []
        for line in self.process.stdout:
            if line.startswith(DONE):
                assert line.split()[1] == "0", (name, "".join(output))
                return
            output.append(line)
        raise AssertionError(f"the migration process ended at {name}: {''.join(output)}")

    def close(self) -> None:
        assert self.process.stdin and self.process.stdout
        self.process.stdin.close()
        try:
            assert self.process.wait(timeout=120) == 0
        finally:
            self.process.stdout.close()


def test_every_migration_keeps_every_row(scratch_database: str, tmp_path: Path):
    db = Database(scratch_database)
    run_cli([str(BIN / "tortoise"), "migrate", "models", MIGRATIONS[0]], db.url, tmp_path)
    db.execute(ROWS)
    before = db.snapshot()
    assert all(before[t] for t in TABLES)
    steps = Steps(db.url, tmp_path)
    try:
        for name in MIGRATIONS[1:]:
            steps.migrate_to(name)
            check_rows_kept(name, before, db.snapshot())
    finally:
        steps.close()
    run_cli([str(BIN / "forum"), "migrate"], db.url, tmp_path)  # reference data on top
    final = db.snapshot()
    assert [c["slug"] for c in final["categories"]] == ["old-cat"]  # not re-seeded over
    assert len(final["posts"]) == 2


def check_rows_kept(name: str, before: dict[str, list[dict[str, Any]]],
                    after: dict[str, list[dict[str, Any]]]) -> None:
    for table in TABLES:
        assert len(after[table]) == len(before[table]), (name, table)
        for old, new in zip(before[table], after[table], strict=True):
            assert {k: new.get(k) for k in old} == old, (name, table)
