"""`forum backup` while a real server takes writes, then `forum restore` into a fresh database.

Writers post replies through the API as fast as the server answers and note when each 201
came back. The backup starts in the middle of that. Every reply acknowledged before the
backup began must be in the restored database, word for word, and the restored database
must be one instant of the forum: each thread's reply counter equals the replies it holds.
On PostgreSQL the restore goes into a throwaway database created for the test and dropped
after it.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import sqlite3
import subprocess
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
import httpx
import pytest

from tests import pgdb

from .conftest import REPO, SERVER_SECRET, LiveServer, forum_command

pytestmark = pytest.mark.multiprocess

SERVER_KEY = SERVER_SECRET  # the serve fixture's FORUM_SECRET_KEY
WRITERS = 6
BEFORE_BACKUP = 60  # acknowledged replies before the backup starts
AFTER_BACKUP = 30  # and after it ends, so the load spans the whole backup
PASSWORD = "a lantern left on in the window"
REQUEST_TIMEOUT_S = 60.0


@dataclass
class Acknowledged:
    """Replies the server answered 201, with the moment each answer arrived."""

    replies: dict[int, tuple[float, str]] = field(default_factory=dict)  # id -> (time, body)
    errors: list[str] = field(default_factory=list)

    def before(self, moment: float) -> dict[int, str]:
        return {pid: body for pid, (at, body) in self.replies.items() if at < moment}

    def between(self, start: float, end: float) -> int:
        return sum(1 for at, _ in self.replies.values() if start <= at <= end)


def forum(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*forum_command(), *args], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=300, check=False)


def command_env(database_url: str, var_dir: Path, key: str = SERVER_KEY) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FORUM_")}
    env.update({"FORUM_DATABASE_URL": database_url, "FORUM_VAR_DIR": str(var_dir),
                "FORUM_SECRET_KEY": key})
    return env


@pytest.fixture
async def fresh_database(database_url: str,
                         tmp_path: Path) -> AsyncIterator[Callable[[], Awaitable[str]]]:
    """`await fresh()` gives the URL of a new, empty database of the suite's backend."""
    made: list[str] = []
    given = 0

    async def fresh() -> str:
        nonlocal given
        given += 1
        n = given
        if database_url.startswith("sqlite"):
            return f"sqlite://{tmp_path / f'restored-{n}.sqlite3'}"
        name = f"hearth_restore_{os.getpid()}_{secrets.token_hex(3)}_{n}"
        made.append(name)
        await pgdb.main("create", admin_url(database_url), name)
        return database_url.rsplit("/", 1)[0] + "/" + name

    yield fresh
    for name in made:
        await pgdb.main("drop", admin_url(database_url), name)


def admin_url(database_url: str) -> str:
    return database_url.split("?", 1)[0].rsplit("/", 1)[0] + "/postgres"


async def restored_rows(url: str, story_id: int) -> tuple[dict[int, str], int, list[str]]:
    """(reply id -> body, the thread's reply counter, sealed authors) in a restored database."""
    replies_sql = ("SELECT id, body_md FROM posts WHERE thread_id = {0} AND is_story = {1}")
    count_sql = "SELECT reply_count FROM threads WHERE id = {0}"
    sealed_sql = "SELECT sealed_author FROM posts WHERE sealed_author IS NOT NULL"
    if url.startswith("sqlite"):
        with sqlite3.connect(url.removeprefix("sqlite://")) as conn:
            replies = dict(conn.execute(replies_sql.format("?", "0"), (story_id,)).fetchall())
            (counter,) = conn.execute(count_sql.format("?"), (story_id,)).fetchone()
            sealed = [row[0] for row in conn.execute(sealed_sql)]
        return replies, counter, sealed
    conn = await asyncpg.connect(url)
    try:
        replies = {row["id"]: row["body_md"] for row in await conn.fetch(
            replies_sql.format("$1", "false"), story_id)}
        counter = await conn.fetchval(count_sql.format("$1"), story_id)
        sealed = [row[0] for row in await conn.fetch(sealed_sql)]
    finally:
        await conn.close()
    return replies, counter, sealed


async def write_replies(base_url: str, story_id: int, token: str, writer: int,
                        acknowledged: Acknowledged, stop: asyncio.Event) -> None:
    async with httpx.AsyncClient(base_url=base_url, timeout=REQUEST_TIMEOUT_S) as http:
        n = 0
        while not stop.is_set():
            n += 1
            body = f"Writer {writer}, reply {n}: still here, still listening."
            try:
                response = await http.post(f"/api/v1/stories/{story_id}/replies",
                                           json={"body": body},
                                           headers={"Authorization": f"Bearer {token}"})
            except httpx.HTTPError as exc:
                acknowledged.errors.append(f"writer {writer} reply {n}: {exc!r}")
                continue
            if response.status_code == 201:
                acknowledged.replies[response.json()["id"]] = (time.monotonic(), body)
            else:
                acknowledged.errors.append(f"writer {writer} reply {n}: "
                                           f"{response.status_code} {response.text[:200]}")


async def until(predicate: Callable[[], bool], what: str, limit_s: float = 120.0) -> None:
    deadline = time.monotonic() + limit_s
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.05)


async def setup_story(base_url: str) -> tuple[int, list[str]]:
    async with httpx.AsyncClient(base_url=base_url, timeout=REQUEST_TIMEOUT_S) as api:
        tokens = []
        for n in range(4):  # the last one writes only the anonymous reply
            credentials = {"username": f"backup_writer_{n}", "password": PASSWORD}
            assert (await api.post("/api/v1/accounts", json=credentials)).status_code == 201
            issued = await api.post("/api/v1/tokens", json=credentials)
            assert issued.status_code == 201, issued.text
            tokens.append(issued.json()["token"])
        auth = {"Authorization": f"Bearer {tokens[0]}"}
        created = await api.post("/api/v1/stories", headers=auth, json={
            "category": "small-wins", "title": "Kept safe while we talk",
            "body": "Write here while the forum is being backed up."})
        assert created.status_code == 201, created.text
        story_id = created.json()["id"]
        anonymous = await api.post(f"/api/v1/stories/{story_id}/replies",
                                   headers={"Authorization": f"Bearer {tokens.pop()}"},
                                   json={"body": "Nobody needs to know this was me.",
                                         "anonymous": True})
        assert anonymous.status_code == 201, anonymous.text
        assert anonymous.json()["author"]["kind"] == "anonymous"
    return story_id, tokens


async def test_backup_under_write_load_restores_every_acknowledged_write(
        serve: Callable[..., LiveServer], database_url: str, var_dir: Path, tmp_path: Path,
        fresh_database: Callable[[], Awaitable[str]]) -> None:
    server = serve()
    story_id, tokens = await setup_story(server.base_url)

    acknowledged = Acknowledged()
    stop = asyncio.Event()
    writers = [asyncio.create_task(write_replies(server.base_url, story_id,
                                                 tokens[n % len(tokens)], n, acknowledged,
                                                 stop))
               for n in range(WRITERS)]
    try:
        await until(lambda: len(acknowledged.replies) >= BEFORE_BACKUP, "the first replies")
        dest = tmp_path / "forum.backup"
        backup_began = time.monotonic()
        made = await asyncio.to_thread(forum, ["backup", str(dest)],
                                       command_env(database_url, var_dir))
        backup_ended = time.monotonic()
        done = len(acknowledged.replies)
        await until(lambda: len(acknowledged.replies) >= done + AFTER_BACKUP,
                    "replies after the backup")
    finally:
        stop.set()
        await asyncio.gather(*writers)

    assert made.returncode == 0, made.stdout + made.stderr
    assert "anonymity key is NOT in this backup" in made.stdout
    assert acknowledged.errors == [], acknowledged.errors[:10]
    during = acknowledged.between(backup_began, backup_ended)
    print(f"\n{len(acknowledged.replies)} replies acknowledged, {during} of them while the "
          f"backup ran ({backup_ended - backup_began:.2f}s)")

    target = await fresh_database()
    restored = await asyncio.to_thread(forum, ["restore", str(dest)],
                                       command_env(target, var_dir))
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert "opens the backup's sealed authorships" in restored.stdout, restored.stdout

    replies, counter, sealed = await restored_rows(target, story_id)
    expected = acknowledged.before(backup_began)
    missing = sorted(set(expected) - set(replies))
    assert missing == [], f"{len(missing)} acknowledged replies lost: {missing[:20]}"
    assert {pid: replies[pid] for pid in expected} == expected
    # One instant of the forum: the counter was written with the rows it counts.
    assert counter == len(replies)
    assert len(sealed) == 1  # the anonymous reply's author, still sealed

    checked = await asyncio.to_thread(forum, ["check"], command_env(target, var_dir))
    assert "Migrations: all applied" in checked.stdout, checked.stdout + checked.stderr

    # Restored under another key, the data comes back but the forum says it cannot open
    # who wrote the anonymous reply, and exits non-zero so a script stops there.
    elsewhere = await fresh_database()
    wrong = await asyncio.to_thread(
        forum, ["restore", str(dest)],
        command_env(elsewhere, var_dir, key="a-different-key-than-the-forum-had-0123456789"))
    assert wrong.returncode == 1, wrong.stdout + wrong.stderr
    assert "WARNING: the anonymity key this forum is configured with opens only 0" in wrong.stdout
    assert "Traceback" not in wrong.stderr
