"""The Tortoise configuration (shared by the app, the CLI and `tortoise` itself)."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlsplit

from tortoise import Tortoise, connections
from tortoise.backends.base.config_generator import expand_db_url

from forum.paths import migrations_module
from forum.settings import Settings, load_settings

MODEL_MODULES = [
    "forum.models.accounts",
    "forum.models.content",
    "forum.models.moderation",
    "forum.models.notifications",
    "forum.models.safety",
    "forum.models.community",
    "forum.models.jobs",
    "forum.models.site",
    "forum.models.reading",
]
SQLITE_BUSY_TIMEOUT_MS = 5000
SQLITE_PRAGMAS = {
    "journal_mode": "WAL",
    "busy_timeout": SQLITE_BUSY_TIMEOUT_MS,
    "synchronous": "NORMAL",
    "foreign_keys": "ON",
    # Deleted and overwritten content is zeroed in the file, not left in free space.
    "secure_delete": "ON",
    # 64 MiB of page cache per connection (the default is 2 MiB). Adding one post to the
    # search index read the same pages again and again through the small cache: 5.5 ms of
    # CPU per reply with 100,000 posts, 0.6 ms with this (bench/README.md, "Writes").
    "cache_size": -65536,
}


def sqlite_path(url: str) -> str:
    parts = urlsplit(url)
    return (parts.netloc + parts.path) if parts.netloc else parts.path


def connection_config(url: str, *, foreign_keys: bool = True) -> dict[str, Any] | str:
    if not url.startswith("sqlite"):
        expanded: dict[str, Any] = expand_db_url(url)
        if expanded["engine"] == "tortoise.backends.asyncpg":
            expanded["engine"] = "forum.asyncpg_engine"  # transactions that can't leak
        return expanded
    pragmas: dict[str, Any] = dict(SQLITE_PRAGMAS)
    pragmas.update(dict(parse_qsl(urlsplit(url).query)))
    if not foreign_keys:
        # Table rebuilds during migrations must not cascade deletes into child rows.
        pragmas["foreign_keys"] = "OFF"
    return {
        "engine": "forum.sqlite_engine",
        "credentials": {"file_path": sqlite_path(url), **pragmas},
    }


def tortoise_config(url: str, *, foreign_keys: bool = True) -> dict[str, Any]:
    return {
        "connections": {"default": connection_config(url, foreign_keys=foreign_keys)},
        "apps": {
            "models": {
                "models": MODEL_MODULES,
                "default_connection": "default",
                "migrations": migrations_module(),
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


def __getattr__(name: str) -> Any:
    # `tortoise makemigrations` reads forum.db.TORTOISE_ORM; build it from the environment lazily.
    if name == "TORTOISE_ORM":
        return tortoise_config(load_settings().database_url, foreign_keys=False)
    raise AttributeError(name)


async def check_sqlite_pragmas() -> dict[str, str]:
    """Read the pragmas back: SQLite ignores unknown keys silently."""
    conn = connections.get("default")
    if conn.capabilities.dialect != "sqlite":
        return {}
    found: dict[str, str] = {}
    for pragma in ("journal_mode", "busy_timeout", "foreign_keys"):
        rows = await conn.execute_query_dict(f"PRAGMA {pragma}")
        found[pragma] = str(next(iter(rows[0].values())))
    if found["journal_mode"].lower() != "wal":
        raise RuntimeError(f"SQLite is not in WAL mode: {found}")
    return found


async def migrate_database(settings: Settings) -> list[str]:
    """Apply every pending migration, then load the reference data. Returns what was applied."""
    from tortoise.migrations.api.migrate import migrate

    from forum.actions.maintenance import give_old_notes_slots
    from forum.actions.setup import ensure_reference_data

    applied: list[str] = []

    def progress(event: str, app: str, name: str) -> None:
        if event == "apply_done":
            applied.append(f"{app}.{name}")

    try:
        await migrate(config=tortoise_config(settings.database_url, foreign_keys=False),
                      progress=progress)
    finally:
        await Tortoise.close_connections()
    # The migration run initialises models without a dialect; start the ORM afresh.
    await Tortoise.init(config=tortoise_config(settings.database_url))
    try:
        conn = connections.get("default")
        if conn.capabilities.dialect == "sqlite":
            broken = await conn.execute_query_dict("PRAGMA foreign_key_check")
            if broken:
                raise RuntimeError(f"foreign key check failed after migrating: {broken[:5]}")
        await ensure_reference_data()
        await give_old_notes_slots()
        await refresh_planner_statistics()
    finally:
        await Tortoise.close_connections()
    return applied


async def refresh_planner_statistics() -> None:
    """Give the query planner fresh statistics (SQLite has none unless someone asks).

    Without them SQLite may drive a category page from the wrong index and read every story
    in the forum. ANALYZE reads only the indexes: 0.15 s for 100,000 posts. (A sampled
    ``analysis_limit`` run misjudges the two-valued ``is_story`` column and keeps the bad
    plan.) PostgreSQL's autovacuum keeps its own statistics; ANALYZE there only helps right
    after a migration.
    """
    conn = connections.get("default")
    await conn.execute_script("ANALYZE")
    if conn.capabilities.dialect == "sqlite":
        await _unique_means_one_row(conn)


async def _unique_means_one_row(conn: Any) -> None:
    """ANALYZE counts NULLs as one value: a unique column that is mostly NULL
    (``posts.submission_key``, ``owner_slot``, ``manage_token_hash``) gets "100000 100000",
    every key shared by every row, and the planner then scanned all posts to find a
    submission by its key (200 ms per reply with 100,000 posts). A unique index finds at
    most one row per key; say so, and have the planner read the statistics again."""
    fixed = False
    for row in await conn.execute_query_dict("SELECT tbl, idx, stat FROM sqlite_stat1"):
        table, index, stat = str(row["tbl"]), row["idx"], str(row["stat"] or "")
        numbers = [part for part in stat.split(" ") if part.isdecimal()]
        if not index or len(numbers) < 2 or numbers[-1] == "1":
            continue
        unique = [i for i in await conn.execute_query_dict(f'PRAGMA index_list("{table}")')
                  if i["name"] == index and i["unique"]]
        if unique:
            flags = [part for part in stat.split(" ") if not part.isdecimal()]
            await conn.execute_query(
                "UPDATE sqlite_stat1 SET stat = ? WHERE tbl = ? AND idx = ?",
                [" ".join([*numbers[:-1], "1", *flags]), table, index])
            fixed = True
    if fixed:
        await conn.execute_script("ANALYZE sqlite_schema")


async def refresh_statistics_at_start(settings: Settings) -> None:
    """Run before serving: data may have grown (or been loaded in bulk) since the migration."""
    if not settings.is_sqlite:
        return
    await Tortoise.init(config=tortoise_config(settings.database_url))
    try:
        await refresh_planner_statistics()
    finally:
        await Tortoise.close_connections()


async def purge_erased_text() -> None:
    """After words were erased for good: leave no copy of them in the SQLite files.

    The search index keeps erased words in older segments until they are merged, and the
    write-ahead log keeps old page images until a checkpoint; ``optimize`` merges the index
    and a TRUNCATE checkpoint folds the log into the (securely deleting) database file and
    empties it. Best effort: a checkpoint that readers hold up finishes at the next one.
    PostgreSQL keeps old row versions until autovacuum reclaims them (docs/threat-model.md).
    """
    conn = connections.get("default")
    if conn.capabilities.dialect != "sqlite":
        return
    await conn.execute_query("INSERT INTO post_search(post_search) VALUES ('optimize')")
    await conn.execute_query("PRAGMA wal_checkpoint(TRUNCATE)")
