"""The shared services of a test of several hosts: a folder, a PostgreSQL and a Redis of its own.

`run_folder()` is a temporary folder named after the running process
(`hearth-cluster-<pid>-…`); the throwaway PostgreSQL (`tests.throwaway_pg`) and Redis live in
it. A run killed before its clean-up leaves both servers running: the next run stops those
whose maker is gone (`remove_stale`), reading the PostgreSQL data folder and Redis's pid file,
and deletes the folder. The machine's own PostgreSQL and Redis are never touched.

Redis listens on the given address only, with a random password (no persistence); without
`redis-server` the test is skipped — except under CI=true, where it fails.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from redis import Redis
from redis.exceptions import RedisError

from tests.netns import missing, pid_alive
from tests.throwaway_pg import free_port, stop_left_over

FOLDER_PREFIX = "hearth-cluster-"
STALE_FOLDER = re.compile(rf"^{FOLDER_PREFIX}(?P<pid>[0-9]+)-")
START_TIMEOUT_S = 20.0


def run_folder() -> Path:
    """A new temporary folder that the postgres user may pass through."""
    folder = Path(tempfile.mkdtemp(prefix=f"{FOLDER_PREFIX}{os.getpid()}-"))
    folder.chmod(0o711)
    return folder


def _kill_redis(pid_file: Path) -> None:
    with contextlib.suppress(OSError, ValueError):
        pid = int(pid_file.read_text().strip())
        if b"redis-server" in Path(f"/proc/{pid}/cmdline").read_bytes():
            os.kill(pid, signal.SIGKILL)


def remove_stale() -> list[Path]:
    """The folders (and their servers) of runs whose process is gone; the folders removed."""
    removed = []
    for folder in Path(tempfile.gettempdir()).glob(f"{FOLDER_PREFIX}*"):
        found = STALE_FOLDER.match(folder.name)
        if found is None or pid_alive(int(found["pid"])):
            continue
        _kill_redis(folder / "redis" / "redis.pid")
        with contextlib.suppress(RuntimeError, OSError):
            stop_left_over(folder / "postgres" / "data")
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed


@dataclass
class ThrowawayRedis:
    address: str
    port: int
    password: str
    folder: Path
    process: subprocess.Popen[bytes]

    @property
    def url(self) -> str:
        return f"redis://:{self.password}@{self.address}:{self.port}/0"

    def client(self) -> Redis:
        return Redis(host=self.address, port=self.port, password=self.password,
                     socket_timeout=5)

    def log(self) -> str:
        path = self.folder / "redis.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


def start_throwaway_redis(folder: Path, address: str) -> ThrowawayRedis:
    binary = shutil.which("redis-server")
    if binary is None:
        missing("redis-server is not installed: the test of several hosts needs it")
    folder.mkdir(parents=True, exist_ok=True)
    password = secrets.token_hex(16)
    port = free_port()
    process = subprocess.Popen(
        [binary, "--bind", address, "--port", str(port), "--requirepass", password,
         "--save", "", "--appendonly", "no", "--dir", str(folder),
         "--pidfile", str(folder / "redis.pid"), "--logfile", str(folder / "redis.log")],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True)
    server = ThrowawayRedis(address, port, password, folder, process)
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"redis-server exited with {process.returncode}:\n{server.log()}")
        try:
            with server.client() as client:
                client.ping()
            return server
        except RedisError:
            if time.monotonic() > deadline:
                server.stop()
                raise RuntimeError(f"redis-server did not answer:\n{server.log()}") from None
            time.sleep(0.05)
