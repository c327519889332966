"""A throwaway PostgreSQL database for the benchmarks: create, seed with COPY, drop.

    .venv/bin/python bench/pg.py create postgres://postgres@127.0.0.1:5432/hearth_bench
    .venv/bin/python bench/pg.py drop   postgres://postgres@127.0.0.1:5432/hearth_bench

``bench/seed.py --database-url URL`` uses ``PostgresTarget``: the database named in the URL is
dropped if it exists and made again, ``forum migrate`` builds the schema, and the rows go in
with ``COPY`` (asyncpg ``copy_records_to_table``). During the load the search index (GIN on
``posts.search_vector``) is set aside and built once at the end, and the trigger that copies
a story's title into ``posts.search_title`` is off (the loader writes the title itself).
"""

from __future__ import annotations

import asyncio
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg

BENCH_DIR = Path(__file__).resolve().parent
NAME = re.compile(r"[a-z0-9_]+")


def split_url(url: str) -> tuple[str, str]:
    """(the server's maintenance database URL, the benchmark database's name)."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not NAME.fullmatch(name) or not name.startswith(("hearth_bench", "bench_")):
        raise SystemExit(f"refusing database name {name!r}: the benchmark only makes and "
                         "drops databases named hearth_bench… or bench_…")
    return urlunsplit(parts._replace(path="/postgres")), name


async def _admin(url: str, action: str) -> None:
    admin_url, name = split_url(url)
    conn = await asyncpg.connect(admin_url)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if action == "create":
            await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


def create(url: str) -> None:
    asyncio.run(_admin(url, "create"))


def drop(url: str) -> None:
    asyncio.run(_admin(url, "drop"))


async def _fetch(url: str, sql: str, *args: Any) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(url)
    try:
        return list(await conn.fetch(sql, *args))
    finally:
        await conn.close()


@dataclass
class PostgresTarget:
    url: str

    def recreate(self) -> None:
        create(self.url)

    def migrate(self) -> None:
        from seed import run_migrate

        run_migrate(self.url, BENCH_DIR / "var")

    def category_ids(self) -> list[int]:
        return [r["id"] for r in asyncio.run(
            _fetch(self.url, "SELECT id FROM categories ORDER BY id"))]

    def insert(self, users: list[tuple], threads: list[tuple], posts: list[tuple], *,
               analyze: bool) -> None:
        asyncio.run(self._insert(users, threads, posts))

    async def _insert(self, users: list[tuple], threads: list[tuple],
                      posts: list[tuple]) -> None:
        from seed import POST_COLUMNS, THREAD_COLUMNS, USER_COLUMNS

        titles = {row[0]: row[1] for row in threads}
        story = POST_COLUMNS.index("is_story")
        thread = POST_COLUMNS.index("thread_id")
        conn = await asyncpg.connect(self.url)
        try:
            await conn.execute("SET maintenance_work_mem = '256MB'")
            (gin,) = [r["indexdef"] for r in await conn.fetch(
                "SELECT indexdef FROM pg_indexes WHERE indexname = 'posts_search_vector_idx'")]
            async with conn.transaction():
                await conn.execute("DROP INDEX posts_search_vector_idx")
                await conn.execute("ALTER TABLE posts DISABLE TRIGGER post_search_title")
                await conn.copy_records_to_table("users", records=users, columns=USER_COLUMNS)
                await conn.copy_records_to_table("threads", records=threads,
                                                 columns=THREAD_COLUMNS)
                await conn.copy_records_to_table(
                    "posts", columns=(*POST_COLUMNS, "search_title"),
                    records=((*row, titles[row[thread]] if row[story] else "")
                             for row in posts))
                await conn.execute("ALTER TABLE posts ENABLE TRIGGER post_search_title")
                await conn.execute(gin)
                for table in ("users", "threads", "posts"):
                    await conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                                       f" (SELECT max(id) FROM {table}))")
            await conn.execute("VACUUM ANALYZE")
        finally:
            await conn.close()

    def bench_pages(self, thread_id: int) -> tuple[str, int]:
        from seed import BIGGEST_CATEGORY

        async def read() -> tuple[str, int]:
            conn = await asyncpg.connect(self.url)
            try:
                slug = await conn.fetchval(BIGGEST_CATEGORY)
                replies = await conn.fetchval(
                    "SELECT reply_count FROM threads WHERE id = $1", thread_id)
                return str(slug), int(replies)
            finally:
                await conn.close()

        return asyncio.run(read())

    def size_mib(self) -> float:
        _admin_url, name = split_url(self.url)
        (row,) = asyncio.run(_fetch(self.url, "SELECT pg_database_size($1) AS size", name))
        return int(row["size"]) / 2**20


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("create", "drop"):
        raise SystemExit(__doc__)
    (create if sys.argv[1] == "create" else drop)(sys.argv[2])
