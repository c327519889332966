"""Search and listing pages at scale, in process: p50 per query, on SQLite or PostgreSQL.

    .venv/bin/python bench/search.py --database-url sqlite://bench/var/bench.sqlite3 [-n 20]
        [--pages home,category,story] [--explain]

Runs ``forum.queries.search.search_posts`` (the query behind /search and the API) for a
fixed set of queries — a word in nearly every post, words in a few percent, a phrase, a
title word, a word in no post — ``-n`` times each, and prints the median and the slowest
milliseconds and the number of hits. With ``--pages``, also the signed-out home, category
and story pages through the ASGI app (rendered every time: the page cache is off). With
``--explain``, the plan of the first search query (``EXPLAIN QUERY PLAN`` / ``EXPLAIN``).
The database is only read. The story and category are those of ``<db>.json`` (SQLite) or
``--thread``/``--category``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR.parent))

# From bench/seed.py's sentences: how common each is there decides what it measures.
QUERIES = {
    "common word (most posts)": "feel",
    "less common words": "phone call",
    "phrase": '"a glass of water"',
    "title word": "anniversary",
    "no such word": "xylophone",
}


async def get(app: object, path: str) -> int:
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
             "method": "GET", "scheme": "http", "path": path, "raw_path": path.encode(),
             "query_string": b"", "root_path": "", "client": ("127.0.0.1", 50000),
             "server": ("127.0.0.1", 8000),
             "headers": [(b"host", b"127.0.0.1:8000"), (b"user-agent", b"bench")]}
    status = 0
    sent = False

    async def receive() -> dict:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.Event().wait()
        return {}

    async def send(message: dict) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await app(scope, receive, send)  # type: ignore[operator]
    return status


def timed_line(label: str, times: list[float], extra: str = "") -> str:
    return (f"  {label:<28} p50 {statistics.median(times) * 1000:7.1f} ms   max "
            f"{max(times) * 1000:7.1f} ms{extra}")


async def run(args: argparse.Namespace) -> None:
    from tortoise import Tortoise, connections

    from forum.db import refresh_planner_statistics, tortoise_config
    from forum.queries.search import parse_query, search_posts

    await Tortoise.init(tortoise_config(args.database_url))
    try:
        if args.analyze:
            await refresh_planner_statistics()
        conn = connections.get("default")
        dialect = conn.capabilities.dialect
        print(f"{dialect}: {args.database_url}")
        for label, text in QUERIES.items():
            query = parse_query(text)
            times = []
            for _ in range(args.n):
                start = time.perf_counter()
                page = await search_posts(query)
                times.append(time.perf_counter() - start)
            print(timed_line(f"search {label}", times, f"   {page.total:,} hits ({text})"))
        if args.explain:
            from forum.queries.search import _postgres_page, _sqlite_page

            query = parse_query(QUERIES["common word (most posts)"])
            if dialect == "sqlite":
                sql, params = _sqlite_page(query.index_expression(), None, 20, 0)
                rows = await conn.execute_query_dict(f"EXPLAIN QUERY PLAN {sql}", params)
                print("\n".join(f"    {r['detail']}" for r in rows))
            else:
                sql, params = _postgres_page(query.index_expression(), None, 20, 0)
                rows = await conn.execute_query_dict(f"EXPLAIN ANALYZE {sql}", params)
                print("\n".join(f"    {r['QUERY PLAN']}" for r in rows))
        if args.pages:
            await pages(args)
    finally:
        await asyncio.wait_for(Tortoise.close_connections(), 10)


async def pages(args: argparse.Namespace) -> None:
    from forum.app import create_app
    from forum.settings import load_settings

    os.environ["FORUM_DATABASE_URL"] = args.database_url
    os.environ.setdefault("FORUM_VAR_DIR", str(BENCH_DIR / "var"))
    os.environ["FORUM_PAGE_CACHE_SECONDS"] = "0"
    app = create_app(load_settings(), manage_database=False)
    paths = {"home": "/", "category": f"/c/{args.category}", "story": f"/stories/{args.thread}"}
    for page in args.pages.split(","):
        for _ in range(3):
            status = await get(app, paths[page])
        if status != 200:
            raise SystemExit(f"{paths[page]}: HTTP {status}")
        times = []
        for _ in range(args.n):
            start = time.perf_counter()
            await get(app, paths[page])
            times.append(time.perf_counter() - start)
        print(timed_line(f"page {page} ({paths[page]})", times))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("-n", type=int, default=20)
    parser.add_argument("--pages", default="")
    parser.add_argument("--thread", type=int, default=0)
    parser.add_argument("--category", default="")
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--analyze", action="store_true",
                        help="refresh planner statistics first (what forum serve does)")
    args = parser.parse_args()
    if args.database_url.startswith("sqlite://") and not (args.thread and args.category):
        db = Path(args.database_url.removeprefix("sqlite://"))
        meta = json.loads(db.with_name(db.name + ".json").read_text())
        args.thread = args.thread or meta["story_thread_id"]
        args.category = args.category or meta["category_slug"]
    asyncio.run(run(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
