"""A real `forum serve` on a database of the test's own (which the test may then take away)."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import httpx

from .conftest import (
    REPO,
    START_TIMEOUT_S,
    LiveServer,
    _wait_until_ready,
    forum_command,
    free_port,
    launch,
)

PASSWORD = "a lantern kept lit in the window"


def forum_env(database_url: str, var_dir: Path, base_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FORUM_")}
    env.update({
        "FORUM_DATABASE_URL": database_url,
        "FORUM_VAR_DIR": str(var_dir),
        "FORUM_SECRET_KEY": "outage-test-secret-key-not-for-production",
        "FORUM_BASE_URL": base_url,
        "FORUM_PASSWORD_HASHING": "fast",
        "FORUM_NEW_MEMBER_DAYS": "0",
        "FORUM_NEW_MEMBER_POSTS": "0",
        "PYTHONUNBUFFERED": "1",
    })
    return env


def migrate(database_url: str, var_dir: Path) -> None:
    done = subprocess.run([*forum_command(), "migrate"], cwd=REPO, capture_output=True,
                          text=True, timeout=300, check=False,
                          env=forum_env(database_url, var_dir, "http://127.0.0.1"))
    assert done.returncode == 0, done.stdout + done.stderr


def wait_for_health(server: LiveServer) -> None:
    """Until /healthz answers: the process is up, whatever its database is doing."""
    deadline = time.monotonic() + START_TIMEOUT_S
    with httpx.Client(base_url=server.base_url, timeout=2.0) as client:
        while time.monotonic() < deadline:
            assert server.process.poll() is None, server.log()
            try:
                if client.get("/healthz").status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
    raise AssertionError(f"no answer from /healthz:\n{server.log()}")


def serve_forum(database_url: str, folder: Path, *, migrated: bool = False,
                database_up: bool = True) -> LiveServer:
    """Migrate (unless done), start one `forum serve` process and wait until it answers —
    its pages, or only /healthz when the database is not there to serve them."""
    var_dir = folder / "var"
    var_dir.mkdir(parents=True, exist_ok=True)
    if not migrated:
        migrate(database_url, var_dir)
    port = free_port()
    server = launch(forum_env(database_url, var_dir, f"http://127.0.0.1:{port}"),
                    folder / f"server-{port}.log", port=port)
    if database_up:
        _wait_until_ready(server)
    else:
        wait_for_health(server)
    return server
