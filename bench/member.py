"""A signed-in reader for the benchmarks: prints a session cookie for the bench database.

    .venv/bin/python bench/member.py [--db bench/var/bench.sqlite3]

Makes (once) the member ``bench_reader`` — an ordinary member with two muted words, so
that the per-viewer work of a page (muted words, reactions, their own controls, the bell)
is all paid — and starts a fresh web session for them through ``forum.sessions``, the way
signing in does. Prints ``hearth_session=<token>``. The posts are untouched, so the seeded
database stays reusable; old bench sessions are capped like anyone's (LIVE_SESSIONS).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
DEFAULT_DB = BENCH_DIR / "var" / "bench.sqlite3"
READER = "bench_reader"
# Words that do not occur in the seeded bodies: the check runs over every post, none is hidden.
MUTED_WORDS = "xylophone\nquetzal"


async def session_cookie(db: Path) -> str:
    from tortoise import Tortoise

    from forum.db import tortoise_config
    from forum.models.accounts import User
    from forum.sessions import SESSION_COOKIE, start_session
    from forum.usernames import skeleton

    await Tortoise.init(config=tortoise_config(f"sqlite://{db}"))
    try:
        user = await User.get_or_none(username_key=READER)
        if user is None:
            user = await User.create(username=READER, username_key=READER,
                                     skeleton=skeleton(READER), password_hash="bench-unusable",
                                     muted_words=MUTED_WORDS)
        return f"{SESSION_COOKIE}={await start_session(user)}"
    finally:
        await Tortoise.close_connections()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", type=Path, default=DEFAULT_DB)
    args = parser.parse_args()
    os.environ.setdefault("FORUM_RATE_LIMITS", "off")
    print(asyncio.run(session_cookie(args.db.resolve())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
