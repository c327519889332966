"""A PostgreSQL server of a test's own, in a temporary folder, that the test may stop and start.

`initdb` into the folder, `pg_ctl start` on a free port (listening on 127.0.0.1 only, its
socket in the folder), `stop()` with a fast shutdown, `start()` again on the same port and
data. Run as the `postgres` OS user when the tests run as root (PostgreSQL refuses root).
The machine's own server is never touched. A test of several hosts has it listen on another
address of the machine's (``listen``) and let the hosts' network in (``clients``, a range).

Without the PostgreSQL binaries the test is skipped — except under CI=true, where a missing
PostgreSQL fails the run.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

START_TIMEOUT_S = 30
SERVER_USER = "postgres"


def _bin_dir() -> Path | None:
    """The newest /usr/lib/postgresql/*/bin with initdb, else the one pg_ctl is in on PATH."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdecimal() else 0)
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("initdb")
    return Path(on_path).parent if on_path else None


def require_postgres_binaries() -> Path:
    bin_dir = _bin_dir()
    if bin_dir is None:
        message = "PostgreSQL's initdb/pg_ctl are not installed"
        if os.environ.get("CI") == "true":
            pytest.fail(message + " (required under CI=true)", pytrace=False)
        pytest.skip(message)
    return bin_dir


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class ThrowawayPostgres:
    bin_dir: Path
    folder: Path
    port: int
    listen: str = "127.0.0.1"
    clients: str | None = None  # another network allowed in (trust), e.g. "10.1.2.0/24"

    @property
    def data(self) -> Path:
        return self.folder / "data"

    @property
    def log(self) -> Path:
        return self.folder / "server.log"

    def url(self, database: str = "postgres") -> str:
        return f"postgres://{SERVER_USER}@{self.listen}:{self.port}/{database}"

    def _run(self, *command: str) -> subprocess.CompletedProcess[str]:
        as_user = {"user": SERVER_USER} if os.geteuid() == 0 else {}
        done = subprocess.run([str(self.bin_dir / command[0]), *command[1:]], cwd=self.folder,
                              capture_output=True, text=True, timeout=START_TIMEOUT_S + 30,
                              check=False, **as_user)
        if done.returncode != 0:
            raise RuntimeError(f"{command[0]} failed ({done.returncode}): {done.stderr}\n"
                               f"{self.log.read_text() if self.log.exists() else ''}")
        return done

    def init(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            owner = pwd.getpwnam(SERVER_USER)
            os.chown(self.folder, owner.pw_uid, owner.pw_gid)
        self._run("initdb", "-D", str(self.data), "-U", SERVER_USER, "--auth=trust",
                  "-E", "UTF8", "--no-sync")
        if self.clients:
            with (self.data / "pg_hba.conf").open("a") as hba:
                hba.write(f"host all all {self.clients} trust\n")

    def start(self) -> None:
        options = (f"-p {self.port} -k {self.folder} -c listen_addresses={self.listen} "
                   "-c fsync=off")
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options,
                  "-w", "-t", str(START_TIMEOUT_S), "start")

    def stop(self, mode: str = "fast") -> None:
        """"fast": open connections are ended, as in a restart; "immediate": every server
        process quits at once with no clean-up, as in a crash (recovery runs at the next
        start)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def running(self) -> bool:
        as_user = {"user": SERVER_USER} if os.geteuid() == 0 else {}
        return subprocess.run([str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "status"],
                              capture_output=True, check=False,
                              **as_user).returncode == 0

    def create_database(self, name: str) -> str:
        self._run("createdb", "-h", self.listen, "-p", str(self.port), "-U", SERVER_USER, name)
        return self.url(name)


def start_throwaway_postgres(folder: Path, *, listen: str = "127.0.0.1",
                             clients: str | None = None) -> ThrowawayPostgres:
    server = ThrowawayPostgres(require_postgres_binaries(), folder, free_port(), listen,
                               clients)
    server.init()
    server.start()
    return server


def stop_left_over(data: Path) -> None:
    """Stop at once a server a killed run left running on ``data``, if any is."""
    bin_dir = _bin_dir()
    if bin_dir is not None and (data / "postmaster.pid").exists():
        ThrowawayPostgres(bin_dir, data.parent, 0).stop("immediate")
