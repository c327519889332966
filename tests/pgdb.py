"""Create or drop a throwaway PostgreSQL database: python -m tests.pgdb create|drop URL NAME."""

from __future__ import annotations

import asyncio
import re
import sys

import asyncpg


async def main(action: str, admin_url: str, name: str) -> None:
    if not re.fullmatch(r"[a-z0-9_]+", name):
        raise SystemExit(f"refusing odd database name {name!r}")
    conn = await asyncpg.connect(admin_url)
    try:
        if action == "create":
            await conn.execute(f'CREATE DATABASE "{name}"')
        else:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:4]))
