"""A real `forum serve` on a database of the test's own (which the test may then take away)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from .conftest import REPO, LiveServer, _wait_until_ready, forum_command, free_port

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


def serve_forum(database_url: str, folder: Path) -> LiveServer:
    """Migrate, start one `forum serve` process and wait until it answers."""
    var_dir = folder / "var"
    var_dir.mkdir(parents=True, exist_ok=True)
    migrate(database_url, var_dir)
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    log_path = folder / f"server-{port}.log"
    log_file = log_path.open("wb")
    process = subprocess.Popen(
        [*forum_command(), "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=REPO, env=forum_env(database_url, var_dir, base_url), stdin=subprocess.DEVNULL,
        stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True)
    server = LiveServer(base_url, log_path, process, log_file)
    _wait_until_ready(server)
    return server
