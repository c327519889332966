"""`forum remove-demo` and the first-run hint of `forum serve`, run for real in subprocesses
on a database of their own (SQLite pass only, like tests/db/test_cli.py)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
FORUM = str(Path(sys.executable).parent / "forum")

pytestmark = pytest.mark.backend_independent


def env_for(tmp_path: Path) -> dict[str, str]:
    return {**{k: v for k, v in os.environ.items() if not k.startswith("FORUM_")},
            "FORUM_VAR_DIR": str(tmp_path), "FORUM_PASSWORD_HASHING": "fast",
            "FORUM_DATABASE_URL": f"sqlite://{tmp_path / 'f.sqlite3'}",
            "FORUM_RUN_JOBS": "false", "PYTHONUNBUFFERED": "1"}


def fresh_env(tmp_path: Path, migrated_sqlite: Path) -> dict[str, str]:
    shutil.copy(migrated_sqlite, tmp_path / "f.sqlite3")
    return env_for(tmp_path)


def forum(args: list[str], env: dict[str, str], stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([FORUM, *args], cwd=ROOT, env=env, input=stdin,
                          capture_output=True, text=True, timeout=120, check=False)


def test_remove_demo_removes_the_seeded_demo_once_and_then_says_there_is_none(tmp_path,
                                                                              migrated_sqlite):
    import sqlite3

    env = fresh_env(tmp_path, migrated_sqlite)
    assert forum(["createuser", "wren", "--password-stdin"], env,
                 "kettle orchard lantern\n").returncode == 0
    assert "Wrote" in forum(["seed-demo"], env).stdout
    first = forum(["remove-demo"], env)
    assert first.returncode == 0, first.stderr
    assert "Removed 13 demo stories" in first.stdout and "10 demo members" in first.stdout
    second = forum(["remove-demo"], env)
    assert second.returncode == 0 and "There is no demo content to remove." in second.stdout
    with sqlite3.connect(tmp_path / "f.sqlite3") as conn:
        assert conn.execute("SELECT username FROM users").fetchall() == [("wren",)]
        assert conn.execute("SELECT COUNT(*) FROM threads").fetchone() == (0,)
        assert conn.execute("SELECT action FROM audit_log").fetchall() == [("demo_remove",)]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve_output(env: dict[str, str], log: Path) -> str:
    """Start `forum serve`, wait until it answers, stop it; what it printed."""
    port = free_port()
    with log.open("wb") as out:
        process = subprocess.Popen([FORUM, "serve", "--port", str(port)], cwd=ROOT, env=env,
                                   stdout=out, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                assert process.poll() is None, log.read_text()
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)
            else:
                pytest.fail("the server did not answer:\n" + log.read_text())
        finally:
            process.terminate()
            process.wait(timeout=15)
    return log.read_text()


def test_serve_says_how_to_make_the_first_admin_until_there_is_one(tmp_path, migrated_sqlite):
    env = fresh_env(tmp_path, migrated_sqlite)
    said = serve_output(env, tmp_path / "first.log")
    assert "There is no admin yet" in said
    assert f"{FORUM} createuser YOUR-NAME --admin" in said or \
        "forum createuser YOUR-NAME --admin" in said
    assert forum(["createuser", "osprey", "--admin", "--password-stdin"], env,
                 "kettle orchard lantern\n").returncode == 0
    assert "There is no admin yet" not in serve_output(env, tmp_path / "second.log")
