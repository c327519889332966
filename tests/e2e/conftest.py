"""A real `forum serve` in a subprocess, on the session's test database.

The `db` fixture runs first, so the tables are migrated, emptied and re-seeded before the
server starts; the server only reads FORUM_* settings from its environment. Each server runs
in its own process group (uvicorn's --workers forks children) and the whole group is
terminated afterwards. The server's output goes to a log file that is attached to the report
of a failing test.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import httpx
import pytest

REPO = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 15.0
LOG_TAIL_CHARS = 20_000


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def forum_command() -> list[str]:
    script = Path(sys.executable).with_name("forum")
    return [str(script)] if script.exists() else [sys.executable, "-m", "forum"]


# The served forum's secret key, and so its anonymity key: what it seals and tags, a test
# opens or computes under `sealing.using(sealer_for(SERVER_SECRET))`.
SERVER_SECRET = "e2e-test-secret-key-not-for-production"


@dataclass
class LiveServer:
    base_url: str
    log_path: Path
    process: subprocess.Popen[bytes]
    _log_file: IO[bytes] = field(repr=False)

    def log(self) -> str:
        self._log_file.flush()
        text = self.log_path.read_text(errors="replace")
        return text if len(text) <= LOG_TAIL_CHARS else "…" + text[-LOG_TAIL_CHARS:]

    def stop(self) -> None:
        """Terminate the whole process group (the supervisor and its workers)."""
        if self.process.poll() is None:
            self._signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self._signal(signal.SIGKILL)
                self.process.wait(timeout=STOP_TIMEOUT_S)
        # Workers that outlived their parent are in the same group.
        self._signal(signal.SIGKILL)
        self._log_file.close()

    def kill(self) -> None:
        """SIGKILL every process of the server at once (the supervisor and its workers), as
        a crash or an out-of-memory kill would: nothing gets to finish or clean up."""
        self._signal(signal.SIGKILL)
        self.process.wait(timeout=STOP_TIMEOUT_S)

    def _signal(self, sig: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, sig)


SERVERS = pytest.StashKey[list[LiveServer]]()


def launch(environ: dict[str, str], log_path: Path, *, port: int, host: str = "127.0.0.1",
           workers: int = 1, prefix: Sequence[str] = ()) -> LiveServer:
    """Start `forum serve` (not waiting for it) in a process group of its own, its output
    in ``log_path``; ``prefix`` runs it through another command (`ip netns exec NAME`)."""
    log_file = log_path.open("wb")
    command = [*prefix, *forum_command(), "serve", "--host", host, "--port", str(port),
               "--workers", str(workers)]
    process = subprocess.Popen(command, cwd=REPO, env=environ, stdin=subprocess.DEVNULL,
                               stdout=log_file, stderr=subprocess.STDOUT,
                               start_new_session=True)
    return LiveServer(f"http://{host}:{port}", log_path, process, log_file)


def _wait_until_ready(server: LiveServer) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    last_error = "no answer yet"
    with httpx.Client(base_url=server.base_url, timeout=2.0) as client:
        while time.monotonic() < deadline:
            if server.process.poll() is not None:
                pytest.fail(f"the server exited with {server.process.returncode} before it "
                            f"answered:\n{server.log()}", pytrace=False)
            try:
                response = client.get("/")
            except httpx.TransportError as exc:
                last_error = repr(exc)
            else:
                if response.status_code == 200:
                    return
                last_error = f"GET / answered {response.status_code}"
            time.sleep(0.1)
    pytest.fail(f"the server was not ready within {START_TIMEOUT_S:.0f}s ({last_error}):\n"
                f"{server.log()}", pytrace=False)


@pytest.fixture
def serve(db: None, database_url: str, var_dir: Path, tmp_path: Path,
          request: pytest.FixtureRequest) -> Iterator[Callable[..., LiveServer]]:
    """`serve(workers=2)` starts `forum serve` on a free port and waits until it answers;
    `env` adds or overrides FORUM_* settings."""
    started: list[LiveServer] = []
    request.node.stash[SERVERS] = started

    def start(workers: int = 1, env: dict[str, str] | None = None) -> LiveServer:
        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        environ = {k: v for k, v in os.environ.items() if not k.startswith("FORUM_")}
        environ.update({
            "FORUM_DATABASE_URL": database_url,
            "FORUM_VAR_DIR": str(var_dir),
            "FORUM_SECRET_KEY": SERVER_SECRET,
            "FORUM_BASE_URL": base_url,
            "FORUM_PASSWORD_HASHING": "fast",
            "FORUM_RATE_LIMITS": "off",
            "FORUM_NEW_MEMBER_DAYS": "0",
            "FORUM_NEW_MEMBER_POSTS": "0",
            "PYTHONUNBUFFERED": "1",
            **(env or {}),
        })
        server = launch(environ, tmp_path / f"server-{port}.log", port=port, workers=workers)
        started.append(server)
        _wait_until_ready(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> pytest.TestReport:
    report: pytest.TestReport = yield
    if report.failed and report.when == "call":
        for server in item.stash.get(SERVERS, []):
            report.sections.append((f"server log ({server.base_url})", server.log()))
    return report
