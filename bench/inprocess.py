"""Cost of one page without HTTP or a load generator: time, queries and a cProfile.

    .venv/bin/python bench/inprocess.py [--db bench/var/bench.sqlite3] [-n 200] [--profile]
                                        [--member] [PAGE ...]  # home category story
                                                               # notifications, or a path

Calls the ASGI app directly (one request at a time, same process, same ORM set-up as
`forum serve`), so the numbers are the server's own cost per request: wall-clock ms, SQL
queries and the ms spent waiting for them, bytes of HTML. With --member the requests carry
the session cookie of a signed-in member (bench/member.py), as a member's pages are never
served from the page cache. Each line also says whether the requests wrote to the database
(SQLite total_changes()). With --profile, the top functions by cumulative and by own time
(cProfile; adds overhead, compare shares not absolutes).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import json
import os
import pstats
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
DEFAULT_DB = BENCH_DIR / "var" / "bench.sqlite3"


class QueryCounter:
    """Counts the SQL the ORM sends and the time until each answer is back."""

    def __init__(self) -> None:
        self.count = 0
        self.seconds = 0.0

    def install(self) -> None:
        from tortoise.backends.sqlite.client import SqliteClient

        for name in ("execute_query", "execute_query_dict", "execute_insert",
                     "execute_many", "execute_script"):
            original = getattr(SqliteClient, name)

            def wrapper(*args, __original=original, **kwargs):  # type: ignore[no-untyped-def]
                return self._timed(__original(*args, **kwargs))

            setattr(SqliteClient, name, wrapper)

    async def _timed(self, awaitable):  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        try:
            return await awaitable
        finally:
            self.count += 1
            self.seconds += time.perf_counter() - start


class TotalChanges:
    """Rows written through the app's own connection (SQLite total_changes(), minus the
    one SELECT that reads it)."""

    async def read(self) -> int:
        from tortoise import connections

        rows = await connections.get("default").execute_query_dict(
            "SELECT total_changes() AS n")
        return int(rows[0]["n"])


async def get(app, path: str, cookie: str = "") -> tuple[int, int]:  # type: ignore[no-untyped-def]
    path, _, query = path.partition("?")
    headers = [(b"host", b"127.0.0.1:8000"), (b"user-agent", b"bench")]
    if cookie:
        headers.append((b"cookie", cookie.encode()))
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
        "scheme": "http", "path": path, "raw_path": path.encode(),
        "query_string": query.encode(), "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 8000),
    }
    status = 0
    size = 0
    received = False

    async def receive():  # type: ignore[no-untyped-def]
        nonlocal received
        if not received:
            received = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.Event().wait()  # the client never leaves

    async def send(message):  # type: ignore[no-untyped-def]
        nonlocal status, size
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            size += len(message.get("body", b""))

    await app(scope, receive, send)
    return status, size


async def main_async(args: argparse.Namespace) -> int:
    from tortoise import Tortoise

    from forum.app import create_app
    from forum.db import tortoise_config
    from forum.settings import load_settings

    meta_path = args.db.with_name(args.db.name + ".json")
    meta = json.loads(meta_path.read_text()) if meta_path.exists() else {}
    paths = {
        "home": "/",
        "category": f"/c/{meta.get('category_slug', 'small-wins')}",
        "story": f"/stories/{meta.get('story_thread_id', 1)}",
        "notifications": "/notifications",
        "help": "/help",
    }
    cookie = ""
    if args.member:
        sys.path.insert(0, str(BENCH_DIR))
        from member import session_cookie

        cookie = await session_cookie(args.db)
    os.environ.setdefault("FORUM_DATABASE_URL", f"sqlite://{args.db}")
    os.environ.setdefault("FORUM_VAR_DIR", str(args.db.parent))
    os.environ.setdefault("FORUM_RATE_LIMITS", "off")
    settings = load_settings()
    await Tortoise.init(config=tortoise_config(settings.database_url))
    app = create_app(settings, manage_database=False)
    counter = QueryCounter()
    counter.install()
    changes = TotalChanges()
    try:
        for page in args.pages:
            path = paths.get(page, page)
            for _ in range(max(5, args.n // 10)):  # warm caches and templates
                status, size = await get(app, path, cookie)
            if status != 200:
                print(f"{path}: HTTP {status}", file=sys.stderr)
                return 1
            written_before = await changes.read()
            counter.count, counter.seconds = 0, 0.0
            profiler = cProfile.Profile() if args.profile else None
            start = time.perf_counter()
            cpu = time.process_time()
            if profiler:
                profiler.enable()
            for _ in range(args.n):
                await get(app, path, cookie)
            if profiler:
                profiler.disable()
            wall = (time.perf_counter() - start) / args.n * 1000
            cpu = (time.process_time() - cpu) / args.n * 1000
            queries, awaited = counter.count, counter.seconds
            writes = await changes.read() - written_before
            print(f"{page:<9} {path:<28} {wall:6.2f} ms/request wall, {cpu:6.2f} ms CPU, "
                  f"{queries / args.n:.1f} queries ({awaited / args.n * 1000:.2f}"
                  f" ms awaiting them), {size / 1024:.0f} KiB"
                  + (f", {writes} ROWS WRITTEN" if writes else ", no writes")
                  + ("  [cProfile on: inflated]" if profiler else ""))
            if profiler:
                out = io.StringIO()
                stats = pstats.Stats(profiler, stream=out).strip_dirs()
                stats.sort_stats("cumulative").print_stats(args.top)
                stats.sort_stats("tottime").print_stats(args.top)
                print(out.getvalue())
    finally:
        await Tortoise.close_connections()
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("pages", nargs="*", default=["home", "category", "story"])
    parser.add_argument("--db", type=Path, default=DEFAULT_DB)
    parser.add_argument("-n", type=int, default=200, help="requests per page (default 200)")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--member", action="store_true",
                        help="as a signed-in member (bench/member.py's session)")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    args.db = args.db.resolve()
    return asyncio.run(main_async(args))


if __name__ == "__main__":
    sys.exit(main())
