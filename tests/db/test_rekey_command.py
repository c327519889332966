"""`forum rekey` run for real in a subprocess, on a SQLite database of its own (the module
runs in the SQLite pass only; tests/db/test_rekey.py covers both databases)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from forum import sealing
from forum.sealed_side import limit_slot, seal_limit

ROOT = Path(__file__).resolve().parents[2]
FORUM = str(Path(sys.executable).parent / "forum")
OLD_KEY = "the-old-anonymity-key-the-forum-runs-with-0123456789"

pytestmark = pytest.mark.backend_independent


def forum(args: list[str], env: dict[str, str], stdin: str = "") -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("FORUM_")}
    return subprocess.run([FORUM, *args], cwd=ROOT, env={**clean, **env}, input=stdin,
                          capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture
def env(tmp_path: Path, copy_migrated: Callable[[Path], Path]) -> dict[str, str]:
    env = {"FORUM_VAR_DIR": str(tmp_path / "var"), "FORUM_PASSWORD_HASHING": "fast",
           "FORUM_ANONYMITY_KEY": OLD_KEY,
           "FORUM_DATABASE_URL": f"sqlite://{copy_migrated(tmp_path / 'var' / 'r.sqlite3')}"}
    made = forum(["createuser", "keeper", "--password-stdin"], env, "kettle orchard lantern\n")
    assert made.returncode == 0, made.stderr
    with sealing.using(sealing.sealer_for(OLD_KEY)):  # a limit set through an anonymous post
        row = (limit_slot(1, 0), seal_limit(1, {"banned": True}))
    with sqlite3.connect(tmp_path / "var" / "r.sqlite3") as db:
        db.execute("INSERT INTO sealed_limits (slot, sealed) VALUES (?, ?)", row)
    return env


def test_rekey_reseals_then_tells_the_operator_to_switch_and_a_rerun_changes_nothing(
        tmp_path, env):
    new_key = tmp_path / "keys" / "anonymity.key"
    assert forum(["new-key", str(new_key)], env).returncode == 0
    first = forum(["rekey", "--new-key-file", str(new_key)], env)
    assert first.returncode == 0, first.stderr
    assert "Re-sealed 1 value(s) (sealed_limits.sealed 1)" in first.stdout
    assert f"FORUM_ANONYMITY_KEY_FILE={new_key}" in first.stdout
    again = forum(["rekey", "--new-key-file", str(new_key)], env)
    assert again.returncode == 0 and "Re-sealed 0 value(s); 1 already under" in again.stdout
    switched = {**env, "FORUM_ANONYMITY_KEY": "", "FORUM_ANONYMITY_KEY_FILE": str(new_key)}
    after = forum(["rekey", "--new-key-file", str(new_key)], switched)
    assert after.returncode == 0 and "nothing to re-seal" in after.stdout
    check = forum(["check"], switched)
    assert check.returncode == 0, check.stdout + check.stderr
    assert OLD_KEY not in check.stdout and new_key.read_text().strip() not in check.stdout


def test_rekey_with_the_wrong_old_key_changes_nothing_and_does_not_say_switch(tmp_path, env):
    new_key, wrong = tmp_path / "new.key", tmp_path / "wrong.key"
    for path in (new_key, wrong):
        assert forum(["new-key", str(path)], env).returncode == 0
    result = forum(["rekey", "--new-key-file", str(new_key), "--old-key-file", str(wrong)], env)
    assert result.returncode == 1
    assert "1 sealed value(s) open with neither key" in result.stderr
    assert "Re-sealed 0" in result.stdout and "FORUM_ANONYMITY_KEY_FILE=" not in result.stdout
    right = forum(["rekey", "--new-key-file", str(new_key)], env)
    assert right.returncode == 0 and "Re-sealed 1 value(s)" in right.stdout


def test_rekey_without_a_usable_new_key_file_says_how_to_make_one(tmp_path, env):
    missing = tmp_path / "nowhere.key"
    result = forum(["rekey", "--new-key-file", str(missing)], env)
    assert result.returncode == 2
    assert f"forum new-key {missing}" in result.stderr and "Traceback" not in result.stderr
