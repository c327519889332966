"""Whether this process can serve: the database answers and its migrations are current."""

from __future__ import annotations

import functools
import pkgutil
from dataclasses import dataclass
from importlib import import_module

from tortoise import connections

from forum.outage import database_unavailable
from forum.paths import migrations_module

# Tortoise's own record of what was applied, for our one app ("models").
APPLIED_MIGRATIONS = "SELECT name FROM tortoise_migrations WHERE app = 'models'"


@functools.cache
def migrations_on_disk() -> frozenset[str]:
    """The migrations this code was shipped with (read once: they don't change while up)."""
    package = import_module(migrations_module())
    return frozenset(name for _, name, is_pkg in pkgutil.iter_modules(package.__path__)
                     if not is_pkg and name[0] not in "_~")


@dataclass(frozen=True)
class Readiness:
    database: str  # "reachable" or "unreachable"
    pending: list[str]  # migrations not applied yet, by name
    problem: str | None = None  # the kind of error met, for the operator (no details)

    @property
    def ready(self) -> bool:
        return self.database == "reachable" and not self.pending


async def readiness() -> Readiness:
    """One query: the applied migrations (which also proves the database answers)."""
    conn = connections.get("default")
    try:
        _, rows = await conn.execute_query(APPLIED_MIGRATIONS)
    except Exception as exc:
        if database_unavailable(exc):
            return Readiness("unreachable", [], type(exc).__name__)
        # It answers, but keeps no record of migrations: none was applied.
        return Readiness("reachable", sorted(migrations_on_disk()), type(exc).__name__)
    applied = {str(row[0]) for row in rows}
    return Readiness("reachable", sorted(migrations_on_disk() - applied))
