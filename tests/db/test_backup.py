"""`forum backup` and `forum restore` refusing what they must not do, kindly.

Run for real in subprocesses against the suite's database (SQLite or PostgreSQL). Each
refusal must be one clear sentence on stderr, exit status 1, no traceback, and leave the
database and the files as they were. (The round trip under write load is in
tests/e2e/test_backup_under_load.py.)
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from forum.backup import BackupError, find_tool
from forum.models.accounts import User

from ..factories import make_user

REPO = Path(__file__).resolve().parents[2]
FORUM = str(Path(sys.executable).with_name("forum"))
KEY = "backup-test-secret-key-not-for-production"


def forum(args: list[str], database_url: str, var_dir: Path,
          **extra: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FORUM_")}
    env.update({"FORUM_DATABASE_URL": database_url, "FORUM_VAR_DIR": str(var_dir),
                "FORUM_SECRET_KEY": KEY, **extra})
    return subprocess.run([FORUM, *args], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=300, check=False)


def odd_sources(backup: Path, folder: Path) -> dict[Path, str]:
    """Files that are no backup, each with the words its refusal must use."""
    empty = folder / "empty.backup"
    empty.write_bytes(b"")
    text = folder / "notes.txt"
    text.write_text("not a backup at all\n")
    damaged = folder / "damaged.backup"  # a real backup cut short
    whole = backup.read_bytes()
    damaged.write_bytes(whole[: len(whole) // 3])
    return {
        folder / "nowhere.backup": "There is no file",
        empty: "is empty: it is not a backup",
        text: "is not a backup made by `forum backup`",
        folder: "is a folder",
        damaged: "damaged",
    }


def refused(result: subprocess.CompletedProcess[str], words: str) -> None:
    assert result.returncode == 1, result.stdout + result.stderr
    assert words in result.stderr, result.stderr
    assert "Traceback" not in result.stderr + result.stdout


@pytest.fixture
async def backup_file(db: None, database_url: str, var_dir: Path, tmp_path: Path) -> Path:
    """A real backup of the suite's database, holding one account."""
    await make_user("marten_kept")
    dest = tmp_path / "forum.backup"
    made = forum(["backup", str(dest)], database_url, var_dir)
    assert made.returncode == 0, made.stdout + made.stderr
    assert oct(dest.stat().st_mode)[-3:] == "600"  # every account's data is in it
    return dest


async def test_restore_refuses_a_database_that_is_not_empty(
        backup_file: Path, database_url: str, var_dir: Path) -> None:
    await make_user("vole_newer")  # written after the backup: must survive the refusal
    result = forum(["restore", str(backup_file)], database_url, var_dir)
    refused(result, "only loads into an empty")
    assert sorted(await User.all().values_list("username", flat=True)) == [
        "marten_kept", "vole_newer"]


async def test_restore_explains_a_missing_empty_foreign_or_damaged_source(
        backup_file: Path, database_url: str, var_dir: Path, tmp_path: Path) -> None:
    cases = odd_sources(backup_file, tmp_path)
    for source, words in cases.items():
        refused(forum(["restore", str(source)], database_url, var_dir), words)
    assert await User.all().values_list("username", flat=True) == ["marten_kept"]


def test_backup_never_overwrites_an_existing_file(
        backup_file: Path, database_url: str, var_dir: Path) -> None:
    before = backup_file.read_bytes()
    refused(forum(["backup", str(backup_file)], database_url, var_dir), "already exists")
    assert backup_file.read_bytes() == before


async def test_backup_names_where_the_key_is_and_warns_when_written_beside_it(
        db: None, database_url: str, var_dir: Path, tmp_path: Path) -> None:
    keys = tmp_path / "keys"
    key_file = keys / "anonymity.key"
    keys.mkdir()
    key_file.write_text("k" * 48 + "\n")
    apart = forum(["backup", str(tmp_path / "apart.backup")], database_url, var_dir,
                  FORUM_ANONYMITY_KEY_FILE=str(key_file))
    assert apart.returncode == 0, apart.stderr
    assert f"NOT in this backup: it is the file {key_file}" in apart.stdout
    assert "WARNING" not in apart.stdout
    assert "k" * 48 not in (tmp_path / "apart.backup").read_bytes().decode("latin-1")
    beside = forum(["backup", str(keys / "beside.backup")], database_url, var_dir,
                   FORUM_ANONYMITY_KEY_FILE=str(key_file))
    assert beside.returncode == 0, beside.stderr
    assert "WARNING" in beside.stdout and "the anonymity key's folder" in beside.stdout


@pytest.mark.backend_independent
def test_a_backup_of_one_kind_is_not_loaded_into_the_other(
        tmp_path: Path, copy_migrated: Callable[[Path], Path]) -> None:
    """A SQLite backup refused by a PostgreSQL forum (before any connection is tried)."""
    url = f"sqlite://{copy_migrated(tmp_path / 'forum.sqlite3')}"
    dest = tmp_path / "forum.backup"
    assert forum(["backup", str(dest)], url, tmp_path / "var").returncode == 0
    refused(forum(["restore", str(dest)], "postgres://nobody@127.0.0.1:1/none",
                  tmp_path / "var"), "is a SQLite backup, but FORUM_DATABASE_URL names a "
            "PostgreSQL database")


@pytest.mark.backend_independent
def test_a_sqlite_file_that_is_not_a_forum_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "recipes.sqlite3"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE recipes (name TEXT)")
    target = tmp_path / "restored.sqlite3"
    refused(forum(["restore", str(other)], f"sqlite://{target}", tmp_path / "var"),
            "not a Hearth forum's")
    assert not target.exists()


@pytest.mark.backend_independent
def test_missing_postgresql_programs_are_named_with_how_to_install_them(
        tmp_path: Path) -> None:
    with pytest.raises(BackupError) as missing:
        find_tool("pg_dump", path=str(tmp_path), fallback=str(tmp_path / "*" / "bin"))
    assert "pg_dump is not installed" in str(missing.value)
    assert "apt install postgresql-client" in str(missing.value)
    # Off PATH, the newest version's folder is found.
    for version in ("9", "15", "13"):
        folder = tmp_path / "lib" / version / "bin"
        folder.mkdir(parents=True)
        (folder / "pg_dump").write_text("#!/bin/sh\n")
        (folder / "pg_dump").chmod(0o755)
    found = find_tool("pg_dump", path=str(tmp_path), fallback=str(tmp_path / "lib/*/bin"))
    assert found == str(tmp_path / "lib" / "15" / "bin" / "pg_dump")
