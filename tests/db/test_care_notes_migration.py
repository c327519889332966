"""Migration 0014: care notes written with the author's region's helplines in their text keep
only the moderator's words, on SQLite and PostgreSQL; other notes are untouched."""

from __future__ import annotations

from pathlib import Path

from .test_migrations import BIN, MIGRATIONS, Database, run_cli, scratch_database  # noqa: F401
from .test_name_skeleton_migration import _insert_user, _rows

BEFORE = "0013_search_readable_only"
WORDS = "Thinking of you tonight."
OLD = f"{WORDS} — Samaritans: 116 123 · Find A Helpline: https://findahelpline.com"


def test_old_care_notes_lose_their_helplines_and_nothing_else_changes(
        scratch_database: str, tmp_path: Path):  # noqa: F811
    assert BEFORE in MIGRATIONS
    db = Database(scratch_database)
    run_cli([str(BIN / "tortoise"), "migrate", "models", BEFORE], db.url, tmp_path)
    db.execute([
        _insert_user(1, "Wren", "wren", ""),
        "INSERT INTO notifications (id, user_id, kind, message, link, created_at) VALUES "
        f"(1, 1, 'care', '{OLD}', '/help', '2026-01-01T10:00:00+00:00'), "
        "(2, 1, 'warning', 'A message — with a dash', '', '2026-01-01T10:00:00+00:00')",
        "INSERT INTO sealed_notifications (id, sealed_recipient, kind, message, link, "
        f"created_at) VALUES (1, 'v1:x', 'care', '{OLD}', '/help', "
        "'2026-01-01T10:00:00+00:00')"])
    run_cli([str(BIN / "forum"), "migrate"], db.url, tmp_path)
    plain = {r["id"]: (r["kind"], r["message"]) for r in _rows(db, "notifications")}
    sealed = [(r["kind"], r["message"]) for r in _rows(db, "sealed_notifications")]
    assert plain == {1: ("care_message", WORDS), 2: ("warning", "A message — with a dash")}
    assert sealed == [("care_message", WORDS)]
