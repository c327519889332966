"""The migrations to the TR39 skeleton (0009, 0010) recompute every stored skeleton, fill in
the display names' skeletons, and keep every account, even two whose names now look alike."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Any

import asyncpg

from forum.db import sqlite_path
from forum.sealing import sealer_for
from forum.usernames import skeleton

from .test_migrations import BIN, MIGRATIONS, Database, run_cli, scratch_database  # noqa: F401

BEFORE = "0008_member_experience"
# (id, username, the skeleton the old look-alike table stored, display name)
ACCOUNTS = [(1, "Wren", "wren", "Wren W."), (2, "mary_ann", "maryann", "Anonymous Ember"),
            (3, "rnary", "mary", "Mary"), (4, "mary", "mary", "MARY"), (5, "Élodie", "elodle", "")]


def _insert_user(user_id: int, username: str, stored: str, shown: str) -> str:
    return ("INSERT INTO users (id, username, username_key, skeleton, display_name, bio, email, "
            "password_hash, role, country, expand_warnings, created_at) VALUES "
            f"({user_id}, '{username}', '{username.casefold()}', '{stored}', '{shown}', '', NULL, "
            "'$argon2id$x', 'member', NULL, FALSE, '2026-01-01T10:00:00+00:00')")


def _rows(db: Database, table: str) -> list[dict[str, Any]]:
    sql = f"SELECT * FROM {table} ORDER BY id"
    if db.is_sqlite:
        with sqlite3.connect(sqlite_path(db.url)) as conn:
            conn.row_factory = sqlite3.Row
            return [dict(r) for r in conn.execute(sql)]

    async def fetch() -> list[dict[str, Any]]:
        conn = await asyncpg.connect(db.url)
        try:
            return [dict(r) for r in await conn.fetch(sql)]
        finally:
            await conn.close()
    return asyncio.run(fetch())


def test_stored_skeletons_are_recomputed_and_lookalike_accounts_all_stay(
        scratch_database: str, tmp_path: Path):  # noqa: F811
    assert BEFORE in MIGRATIONS
    db = Database(scratch_database)
    run_cli([str(BIN / "tortoise"), "migrate", "models", BEFORE], db.url, tmp_path)
    db.execute([_insert_user(*account) for account in ACCOUNTS] + [
        "INSERT INTO released_usernames (id, username_key, skeleton, available_at) VALUES "
        "(1, 'j0hn', 'john', '2030-01-01T10:00:00+00:00')"])
    run_cli([str(BIN / "forum"), "migrate"], db.url, tmp_path)
    users = _rows(db, "users")
    assert [(u["id"], u["username"]) for u in users] == [(a[0], a[1]) for a in ACCOUNTS]
    assert {u["username"]: u["skeleton"] for u in users} == {
        name: skeleton(name) for _, name, *_ in ACCOUNTS}
    assert {u["display_name"]: u["display_skeleton"] for u in users} == {
        shown: skeleton(shown) for *_, shown in ACCOUNTS}
    assert skeleton("rnary") == skeleton("mary")  # both accounts kept, now a known clash
    assert [u["display_name"] for u in users] == [a[3] for a in ACCOUNTS]  # names untouched
    released = _rows(db, "released_usernames")
    # Kept sealed (0012) under the key the forum ran with: no readable name stays behind.
    opened = sealer_for("migration-test").unseal(released[0]["sealed_skeleton"], "released-name")
    assert len(released) == 1 and opened == skeleton("j0hn")
    assert "j0hn" not in str(released) and "john" not in str(released)


def test_the_name_skeleton_migration_can_be_undone_and_redone(
        scratch_database: str, tmp_path: Path):  # noqa: F811
    db = Database(scratch_database)
    run_cli([str(BIN / "forum"), "migrate"], db.url, tmp_path)
    db.execute([_insert_user(*ACCOUNTS[1])])
    run_cli([str(BIN / "tortoise"), "downgrade", "models", BEFORE], db.url, tmp_path)
    assert "display_skeleton" not in _rows(db, "users")[0]
    run_cli([str(BIN / "forum"), "migrate"], db.url, tmp_path)
    assert _rows(db, "users")[0]["display_skeleton"] == skeleton("Anonymous Ember")
