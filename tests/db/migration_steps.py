"""`tortoise migrate models NAME` for one name after another, in one process: each line read
from standard input names the migration to migrate to, and the command's own entry point runs
as the `tortoise` script would run it; `STEP_DONE <exit status>` is printed after each. (A
process per step spent most of its time starting up.)

Run as `python -m tests.db.migration_steps` from the repository's root, with
FORUM_DATABASE_URL set as for the `tortoise` script."""

from __future__ import annotations

import asyncio
import sys

from tortoise.cli.cli import run_cli_async

DONE = "STEP_DONE"


def main() -> int:
    if sys.path[0] != ".":  # as tortoise.cli.main does
        sys.path.insert(0, ".")
    for line in sys.stdin:
        name = line.strip()
        if name:
            status = asyncio.run(run_cli_async(["migrate", "models", name]))
            print(f"{DONE} {status}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
