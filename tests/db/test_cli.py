"""The `forum` command, run for real in a subprocess.

Each test gives the command a database of its own (or an unreachable one), whatever the
suite's backend: the module runs in the SQLite pass only.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FORUM = str(Path(sys.executable).parent / "forum")

pytestmark = pytest.mark.backend_independent


def forum(args: list[str], env: dict[str, str], stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([FORUM, *args], cwd=ROOT, env={**os.environ, **env}, input=stdin,
                          capture_output=True, text=True, timeout=120, check=False)


def test_check_masks_secrets_and_reports_a_migrated_database(tmp_path):
    env = {"FORUM_VAR_DIR": str(tmp_path), "FORUM_SECRET_KEY": "super-secret-value",
           "FORUM_DATABASE_URL": f"sqlite://{tmp_path / 'c.sqlite3'}",
           "FORUM_REDIS_URL": "redis://:hunter2pass@127.0.0.1:6379/0"}
    result = forum(["check"], env)
    assert result.returncode == 1  # not migrated yet
    assert "pending" in result.stdout
    assert forum(["migrate"], env).returncode == 0
    result = forum(["check"], env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Migrations: all applied" in result.stdout
    assert "journal_mode=wal" in result.stdout
    assert "super-secret-value" not in result.stdout
    assert "hunter2pass" not in result.stdout
    assert "FORUM_SECRET_KEY = ********" in result.stdout


def test_check_reports_an_unreachable_database(tmp_path):
    env = {"FORUM_VAR_DIR": str(tmp_path),
           "FORUM_DATABASE_URL": "postgres://nobody:pw@127.0.0.1:1/none"}
    result = forum(["check"], env)
    assert result.returncode == 1
    assert "NOT reachable" in result.stdout
    assert ":pw@" not in result.stdout


def test_secret_key_is_generated_once_into_the_var_dir(tmp_path):
    env = {"FORUM_VAR_DIR": str(tmp_path / "var"),
           "FORUM_DATABASE_URL": f"sqlite://{tmp_path / 'k.sqlite3'}"}
    forum(["check"], {**env, "FORUM_SECRET_KEY": ""})
    key_file = tmp_path / "var" / "secret_key"
    first = key_file.read_text()
    forum(["check"], {**env, "FORUM_SECRET_KEY": ""})
    assert key_file.read_text() == first and len(first) >= 40
    assert oct(key_file.stat().st_mode)[-3:] == "600"


def test_createuser_reads_the_password_from_stdin_and_sets_the_role(tmp_path, copy_migrated):
    env = {"FORUM_VAR_DIR": str(tmp_path), "FORUM_PASSWORD_HASHING": "fast",
           "FORUM_DATABASE_URL": f"sqlite://{copy_migrated(tmp_path / 'u.sqlite3')}"}
    result = forum(["createuser", "keeper", "--admin", "--password-stdin"], env,
                   "kettle orchard lantern\n")
    assert result.returncode == 0, result.stderr
    assert "Created admin keeper" in result.stdout
    result = forum(["createuser", "keeper2", "--password-stdin"], env, "password1\n")
    assert result.returncode == 1
    assert "at least 10" in result.stderr


def test_seed_demo_fills_an_empty_forum_once(tmp_path, copy_migrated):
    env = {"FORUM_VAR_DIR": str(tmp_path), "FORUM_PASSWORD_HASHING": "fast",
           "FORUM_DATABASE_URL": f"sqlite://{copy_migrated(tmp_path / 'd.sqlite3')}"}
    first = forum(["seed-demo"], env)
    assert first.returncode == 0 and "Wrote" in first.stdout
    second = forum(["seed-demo"], env)
    assert "no demo added" in second.stdout


def test_role_sets_a_members_role_and_records_it_in_the_audit_log(tmp_path, copy_migrated):
    import sqlite3

    db = copy_migrated(tmp_path / "r.sqlite3")
    env = {"FORUM_VAR_DIR": str(tmp_path), "FORUM_PASSWORD_HASHING": "fast",
           "FORUM_DATABASE_URL": f"sqlite://{db}"}
    assert forum(["createuser", "lark", "--password-stdin"], env,
                 "kettle orchard lantern\n").returncode == 0
    result = forum(["role", "lark", "moderator"], env)
    assert result.returncode == 0, result.stderr
    assert "lark is now moderator" in result.stdout
    assert forum(["role", "nobody", "admin"], env).returncode == 1
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT role FROM users WHERE username='lark'").fetchone() == (
            "moderator",)
        assert conn.execute("SELECT actor_name, action FROM audit_log").fetchall() == [
            ("(server console)", "role_moderator")]


def test_resources_import_is_idempotent_and_refuses_entries_without_a_source(tmp_path,
                                                                            copy_migrated):
    import json

    database = copy_migrated(tmp_path / "x.db")  # migrating loaded the shipped directory
    env = {"FORUM_VAR_DIR": str(tmp_path), "FORUM_DATABASE_URL": f"sqlite://{database}"}
    shipped = json.loads((ROOT / "forum" / "data" / "crisis_resources.json").read_text())
    extra = {**shipped, "resources": [*shipped["resources"], {
        "key": "xx-test", "name": "Test line", "country": "GB", "topics": ["crisis"],
        "source": "https://example.org", "last_verified": "2026-01-01"}]}
    path = tmp_path / "more.json"
    path.write_text(json.dumps(extra))
    result = forum(["resources", "import", str(path)], env)
    assert result.returncode == 0 and "Added 1, updated 0" in result.stdout, result.stderr
    assert "Added 0, updated 0" in forum(["resources", "import", str(path)], env).stdout
    del extra["resources"][-1]["source"]
    path.write_text(json.dumps(extra))
    refused = forum(["resources", "import", str(path)], env)
    assert refused.returncode == 1 and "lacks source" in refused.stderr
