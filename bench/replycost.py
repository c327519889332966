"""What one reply costs the server, without HTTP or load: CPU, SQL, and the write transaction.

    .venv/bin/python bench/replycost.py --database-url sqlite://bench/var/writes.sqlite3 \\
        --thread 123 [-n 200] [--followers 20] [--profile]

Sends ``-n`` replies one after another to one story through the ASGI app in this process
(the API, a bearer token, the same ORM set-up as ``forum serve``) and prints per reply: wall
and CPU milliseconds, SQL statements in all and inside write transactions, write transactions
opened, and how long they stayed open (begin to commit: on SQLite the database's write lock,
on PostgreSQL the longest any row lock taken in it can be held). One at a time, so these are
the server's own costs; under load the lock is held longer by the time the event loop takes
to come back to the transaction between its statements.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import logging
import os
import pstats
import statistics
import sys
import time
import uuid
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR.parent))


class Watch(logging.Handler):
    """Counts statements (from Tortoise's debug log) and times write transactions."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.statements = 0
        self.in_transaction = 0
        self.transactions: list[float] = []
        self.depth = 0
        self.opened = 0.0
        self.inside: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage().lstrip()
        if message.split(" ", 1)[0].upper() in ("SELECT", "INSERT", "UPDATE", "DELETE", "WITH"):
            self.statements += 1
            if self.depth:
                self.in_transaction += 1
                self.inside.append(message[:90])

    def install(self) -> None:
        logger = logging.getLogger("tortoise.db_client")
        logger.setLevel(logging.DEBUG)
        logger.addHandler(self)
        logger.propagate = False
        from tortoise.backends.asyncpg.client import TransactionWrapper as PgWrapper

        from forum.sqlite_engine import ImmediateTransactionWrapper

        for cls in (ImmediateTransactionWrapper, PgWrapper):
            self._wrap(cls)

    def _wrap(self, cls: Any) -> None:
        watch = self
        begin, commit, rollback = cls.begin, cls.commit, cls.rollback

        async def timed_begin(self: Any) -> None:
            await begin(self)
            watch.depth += 1
            if watch.depth == 1:
                watch.opened = time.perf_counter()

        async def timed_end(self: Any, __end: Any = None) -> None:
            await __end(self)
            watch.depth -= 1
            if watch.depth == 0:
                watch.transactions.append(time.perf_counter() - watch.opened)

        cls.begin = timed_begin
        cls.commit = lambda self: timed_end(self, commit)
        cls.rollback = lambda self: timed_end(self, rollback)


async def run(args: argparse.Namespace) -> None:
    import httpx
    from tortoise import Tortoise

    from forum.app import create_app
    from forum.db import tortoise_config
    from forum.models.accounts import SessionKind, User
    from forum.models.community import Follow
    from forum.models.content import Post
    from forum.sessions import start_session
    from forum.settings import load_settings

    os.environ["FORUM_DATABASE_URL"] = args.database_url
    os.environ.setdefault("FORUM_VAR_DIR", str(BENCH_DIR / "var"))
    os.environ["FORUM_RATE_LIMITS"] = "off"
    os.environ.setdefault("FORUM_PASSWORD_HASHING", "fast")
    settings = load_settings()
    await Tortoise.init(config=tortoise_config(settings.database_url))
    from forum import sealing

    sealing.configure(settings.anonymity_secret)
    app = create_app(settings, manage_database=False)
    story = await Post.get(thread_id=args.thread, is_story=True)
    users = await User.filter(id__not=story.author_id or 0).order_by("id").limit(
        1 + args.followers)
    for user in users[1:]:
        await Follow.get_or_create(thread_id=args.thread, user_id=user.id)
    token = await start_session(users[0], SessionKind.API)
    watch = Watch()
    watch.install()
    url = f"/api/v1/stories/{args.thread}/replies"
    headers = {"Authorization": f"Bearer {token}"}
    wall: list[float] = []
    cpu: list[float] = []
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000") as c:
        async def one(i: int) -> None:
            headers["Idempotency-Key"] = uuid.uuid4().hex
            response = await c.post(url, headers=headers,
                                    json={"body": f"A reply to measure, number {i}. " * 8})
            assert response.status_code == 201, response.text

        for i in range(5):  # warm caches
            await one(i)
        watch.statements = watch.in_transaction = 0
        watch.transactions.clear()
        watch.inside.clear()
        profiler = cProfile.Profile() if args.profile else None
        if profiler:
            profiler.enable()
        for i in range(args.n):
            t, p = time.perf_counter(), time.process_time()
            await one(i)
            wall.append(time.perf_counter() - t)
            cpu.append(time.process_time() - p)
        if profiler:
            profiler.disable()
    n = args.n
    held = sorted(watch.transactions)
    print(f"{settings.database_url.split(':')[0]}: {statistics.median(wall) * 1000:.2f} ms wall,"
          f" {statistics.median(cpu) * 1000:.2f} ms CPU per reply (median); "
          f"{watch.statements / n:.1f} statements, {watch.in_transaction / n:.1f} inside "
          f"{len(held) / n:.1f} write transactions, open {statistics.median(held) * 1000:.2f} ms "
          f"(median), {held[int(len(held) * 0.99) - 1] * 1000:.2f} ms (p99)")
    print("inside the transactions of the last reply:", *watch.inside[-int(
        watch.in_transaction / n):], sep="\n  ")
    if profiler:
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out).strip_dirs()
        stats.sort_stats("cumulative").print_stats(args.top)
        stats.sort_stats("tottime").print_stats(args.top)
        print(out.getvalue())
    await asyncio.wait_for(Tortoise.close_connections(), 10)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--thread", type=int, required=True)
    parser.add_argument("-n", type=int, default=200)
    parser.add_argument("--followers", type=int, default=20)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--top", type=int, default=30)
    asyncio.run(run(parser.parse_args()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
