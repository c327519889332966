"""Backups of the forum's database, taken while it serves, and restores into an empty one.

- **SQLite**: SQLite's online backup API copies the whole file in one step inside one read
  transaction, so the copy is the database as it stood at one instant — every write
  committed before the backup began is in it, none half-written. In WAL mode writers carry
  on meanwhile (a plain ``cp`` of a live file lost 24 of 223 acknowledged writes). The copy
  is one self-contained file (rollback journal mode; the forum turns WAL back on when it
  opens the restored file), readable by its owner only, checked with ``quick_check``.
- **PostgreSQL**: ``pg_dump --format=custom`` (one repeatable-read snapshot, so consistent
  under load too), restored with ``pg_restore`` in one transaction into an empty database,
  so a failed restore leaves nothing half-loaded. Ownership and grants are not restored:
  the restoring role owns everything, as on a new host it must.

**The anonymity key is never put in a backup.** What a copy of the database alone shows is
decided by the key: without it, nobody — including whoever steals the backup — can tell who
wrote an anonymous post. Writing the key beside the dump would turn every lost or stolen
backup into a list of anonymous authors. So ``forum backup`` names where the key is and asks
for it to be kept somewhere else (a password manager, a secrets store, another medium), and
``forum restore`` checks that the key the restored forum is configured with opens the
backup's sealed authorships, and says loudly when it does not.
"""

from __future__ import annotations

import asyncio
import glob
import os
import re
import shutil
import sqlite3
import subprocess
from collections.abc import Sequence
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from forum.anonymity import AUTHOR_PURPOSE
from forum.db import sqlite_path
from forum.key_location import placement
from forum.sealing import Sealer
from forum.settings import Settings

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"
FORUM_TABLE = "users"  # every Hearth database has it, from the first migration on
SQLITE_BUSY_S = 30.0  # how long the backup waits for a writer's lock (WAL rarely needs it)
PG_TOOLS_GLOB = "/usr/lib/postgresql/*/bin"
KEY_SAMPLE = 200  # sealed authorships checked against the key after a restore
TOOL_OUTPUT_CHARS = 2000
SEALED_AUTHORS = ("SELECT sealed_author FROM posts WHERE sealed_author IS NOT NULL "
                  "ORDER BY id DESC LIMIT {0}")
UNCHECKED_KEY = ("The backup's sealed authorships could not be read to check the anonymity "
                 "key; after starting, check that an author still sees their anonymous posts "
                 "under \"My posts\".")
NEXT_STEP = ("Next: `forum migrate` (it applies any migration newer than the backup), then "
             "start the forum.")


class BackupError(Exception):
    """Why a backup or restore could not be done, in words for the person running it."""


@dataclass(frozen=True)
class Outcome:
    """What `forum backup` / `forum restore` print, and whether all is well."""

    lines: list[str]
    ok: bool = True


# Backups.

def make_backup(settings: Settings, dest: Path) -> Outcome:
    """Write a consistent copy of the forum's database to ``dest`` (a new file)."""
    if dest.exists() or dest.is_symlink():
        raise BackupError(f"{dest} already exists; give the backup a new name (nothing was "
                          "written).")
    if not dest.parent.is_dir():
        raise BackupError(f"There is no folder {dest.parent} to write {dest.name} in.")
    if settings.is_sqlite:
        source = _sqlite_file(settings)
        _sqlite_backup(source, dest)
        what = f"SQLite database {source}"
    else:
        _pg_backup(settings.database_url, dest)
        what = f"PostgreSQL database {_pg_target(settings.database_url).name}"
    size = dest.stat().st_size
    return Outcome([f"Backed up the {what} to {dest} ({_human(size)}).", *_key_advice(
        settings, dest)])


def _key_advice(settings: Settings, dest: Path) -> list[str]:
    where = placement(settings)
    source = (f"the file {where.key_file} ({where.setting})" if where.key_file is not None
              else f"{where.setting} in the forum's environment")
    lines = [f"The anonymity key is NOT in this backup: it is {source}. Keep a copy of it "
             "apart from the backups (a password manager, a secrets store): restored without "
             "it, the forum can no longer tell anyone which anonymous posts are theirs; kept "
             "together with a backup, the two reveal who wrote every anonymous post."]
    if where.key_file is not None:
        folder = where.key_file.resolve().parent
        if dest.resolve().is_relative_to(folder):
            lines.append(f"WARNING: {dest} is in {folder}, the anonymity key's folder: a copy "
                         "of that folder would carry both. Move the backup elsewhere.")
    return lines


def _sqlite_file(settings: Settings) -> Path:
    path = sqlite_path(settings.database_url)
    if not path or path.startswith(":memory:") or path.startswith("file::memory:"):
        raise BackupError("The forum's SQLite database is in memory: there is nothing to "
                          "back up or restore.")
    return Path(path)


def _sqlite_backup(source: Path, dest: Path) -> None:
    if not source.is_file():
        raise BackupError(f"There is no database at {source} to back up (FORUM_DATABASE_URL).")
    partial = _new_private_file(dest.with_name(dest.name + ".partial"))
    try:
        with closing(sqlite3.connect(source, timeout=SQLITE_BUSY_S)) as live, \
                closing(sqlite3.connect(partial)) as copy:
            _require_forum_tables(live, source)
            live.backup(copy)  # all pages in one step: one consistent snapshot
            copy.execute("PRAGMA journal_mode=DELETE")  # one file, no -wal beside it
            _quick_check(copy, dest)
        _fsync(partial)
        partial.rename(dest)
    except sqlite3.Error as exc:
        raise BackupError(f"SQLite could not copy {source}: {exc}") from None
    finally:
        partial.unlink(missing_ok=True)


def _pg_backup(url: str, dest: Path) -> None:
    pg_dump = find_tool("pg_dump")
    partial = _new_private_file(dest.with_name(dest.name + ".partial"))
    try:
        _run_tool([pg_dump, "--format=custom", "--no-password", f"--file={partial}"], url,
                  "pg_dump could not back up the database")
        _require_forum_dump(partial, dest)
        _fsync(partial)
        partial.rename(dest)
    finally:
        partial.unlink(missing_ok=True)


# Restores.

def restore_backup(settings: Settings, src: Path) -> Outcome:
    """Load the backup ``src`` into the forum's database, which must be empty."""
    kind = _backup_kind(src)
    if kind == "sqlite":
        if not settings.is_sqlite:
            raise BackupError(f"{src} is a SQLite backup, but FORUM_DATABASE_URL names a "
                              "PostgreSQL database: restore it into a SQLite forum.")
        target = _sqlite_file(settings)
        _sqlite_restore(src, target)
        where = f"SQLite database {target}"
        tokens = _sqlite_sealed_authors(target)
    else:
        if settings.is_sqlite:
            raise BackupError(f"{src} is a PostgreSQL backup, but FORUM_DATABASE_URL names a "
                              "SQLite database: point it at an empty PostgreSQL database.")
        target_db = _pg_target(settings.database_url)
        _pg_restore(settings.database_url, src)
        where = f"PostgreSQL database {target_db.name}"
        tokens = asyncio.run(_pg_sealed_authors(target_db))
    lines = [f"Restored {src} into the {where}."]
    if tokens is None:
        return Outcome([*lines, UNCHECKED_KEY, NEXT_STEP])
    key_ok, key_line = _key_check(settings, tokens)
    return Outcome([*lines, key_line, NEXT_STEP], ok=key_ok)


def _backup_kind(src: Path) -> str:
    if src.is_dir():
        raise BackupError(f"{src} is a folder; give the backup file made by `forum backup`.")
    try:
        with src.open("rb") as file:
            head = file.read(len(SQLITE_MAGIC))
    except FileNotFoundError:
        raise BackupError(f"There is no file {src} to restore from.") from None
    except OSError as exc:
        raise BackupError(f"Can't read {src}: {exc.strerror or exc}") from None
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_DUMP_MAGIC):
        return "postgres"
    if not head:
        raise BackupError(f"{src} is empty: it is not a backup (nothing was restored).")
    raise BackupError(f"{src} is not a backup made by `forum backup` (neither a SQLite "
                      "database nor a PostgreSQL custom-format dump); nothing was restored.")


def _sqlite_restore(src: Path, target: Path) -> None:
    try:
        with closing(sqlite3.connect(f"{src.resolve().as_uri()}?mode=ro", uri=True)) as backup:
            _quick_check(backup, src)
            _require_forum_tables(backup, src)
            if target.exists():
                with closing(sqlite3.connect(target, timeout=SQLITE_BUSY_S)) as existing:
                    _require_empty_sqlite(existing, target)
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                _new_private_file(target)
            with closing(sqlite3.connect(target, timeout=SQLITE_BUSY_S)) as restored:
                backup.backup(restored)
                restored.execute("PRAGMA journal_mode=WAL")
                _quick_check(restored, target)
    except sqlite3.Error as exc:
        raise BackupError(f"{src} could not be restored: {exc} (is it damaged?)") from None


def _require_empty_sqlite(conn: sqlite3.Connection, path: Path) -> None:
    tables = [row[0] for row in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
    if tables:
        raise BackupError(
            f"{path} already holds a database ({len(tables)} tables): `forum restore` only "
            "loads into an empty one, so nothing there is overwritten. Point "
            "FORUM_DATABASE_URL at a new file (or move this one away) and run it again.")


def _pg_restore(url: str, src: Path) -> None:
    pg_restore = find_tool("pg_restore")
    _require_forum_dump(src, src)
    target = _pg_target(url)
    tables = asyncio.run(_pg_relations(target))
    if tables:
        raise BackupError(
            f"The PostgreSQL database {target.name} is not empty ({tables} tables, views or "
            "sequences): `forum restore` only loads into an empty database, so nothing there "
            f"is overwritten. Create one (`createdb {target.name}_restored`), point "
            "FORUM_DATABASE_URL at it and run it again.")
    _run_tool([pg_restore, "--no-owner", "--no-privileges", "--exit-on-error",
               "--single-transaction", "--no-password", f"--dbname={target.name}", str(src)],
              url, f"pg_restore could not restore {src} (nothing was loaded)")


# The anonymity key against the restored data.

def _key_check(settings: Settings, tokens: list[str]) -> tuple[bool, str]:
    if not tokens:
        return True, "The backup holds no anonymous posts: there is no sealed authorship to check."
    sealer = _sealer(settings)
    opened = sum(1 for token in tokens if sealer.unseal(token, AUTHOR_PURPOSE) is not None)
    if opened == len(tokens):
        return True, (f"The anonymity key this forum is configured with opens the backup's "
                      f"sealed authorships ({opened} of the newest {len(tokens)} checked).")
    return False, (
        f"WARNING: the anonymity key this forum is configured with opens only {opened} of the "
        f"newest {len(tokens)} sealed authorships in the backup: it is not the key the forum "
        "had when the backup was made. The data is restored; before starting the forum set "
        "FORUM_ANONYMITY_KEY or FORUM_ANONYMITY_KEY_FILE to the saved key (or "
        "FORUM_SECRET_KEY, if that is what it used). With this key nobody can find or manage "
        "their anonymous posts.")


def _sealer(settings: Settings) -> Sealer:
    from forum.sealing import sealer_for

    return sealer_for(settings.anonymity_secret)


def _sqlite_sealed_authors(path: Path) -> list[str] | None:
    try:
        with closing(sqlite3.connect(path, timeout=SQLITE_BUSY_S)) as conn:
            return [row[0] for row in conn.execute(SEALED_AUTHORS.format("?"), (KEY_SAMPLE,))]
    except sqlite3.Error:
        return None


# PostgreSQL plumbing.

@dataclass(frozen=True)
class PgTarget:
    """A PostgreSQL database named by FORUM_DATABASE_URL, as libpq's variables."""

    host: str
    port: int
    user: str
    password: str | None
    name: str
    sslmode: str | None

    def environ(self) -> dict[str, str]:
        env = {"PGHOST": self.host, "PGPORT": str(self.port), "PGUSER": self.user,
               "PGDATABASE": self.name}
        if self.password is not None:
            env["PGPASSWORD"] = self.password  # the environment, never the command line
        if self.sslmode:
            env["PGSSLMODE"] = self.sslmode
        return env


def _pg_target(url: str) -> PgTarget:
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    name = unquote(parts.path.lstrip("/"))
    if not name:
        raise BackupError("FORUM_DATABASE_URL names no database.")
    ssl = query.get("sslmode") or query.get("ssl")
    return PgTarget(host=parts.hostname or "localhost", port=parts.port or 5432,
                    user=unquote(parts.username or "postgres"),
                    password=unquote(parts.password) if parts.password is not None else None,
                    name=name, sslmode=ssl if ssl in {"disable", "allow", "prefer", "require",
                                                      "verify-ca", "verify-full"} else None)


async def _pg_connect(target: PgTarget) -> Any:
    import asyncpg  # type: ignore[import-untyped]

    try:
        return await asyncpg.connect(host=target.host, port=target.port, user=target.user,
                                     password=target.password, database=target.name)
    except asyncpg.InvalidCatalogNameError:
        raise BackupError(f"There is no PostgreSQL database {target.name}: create it "
                          f"(`createdb {target.name}`) and run this again.") from None
    except (OSError, asyncpg.PostgresError) as exc:
        raise BackupError(f"Can't reach the PostgreSQL database {target.name} "
                          f"({type(exc).__name__}: {exc}).") from None


async def _pg_relations(target: PgTarget) -> int:
    conn = await _pg_connect(target)
    try:
        count = await conn.fetchval(
            "SELECT count(*) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n "
            "ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') "
            "AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
            "AND n.nspname NOT LIKE 'pg_toast%'")
    finally:
        await conn.close()
    return int(count)


async def _pg_sealed_authors(target: PgTarget) -> list[str] | None:
    import asyncpg

    conn = await _pg_connect(target)
    try:
        rows = await conn.fetch(SEALED_AUTHORS.format("$1"), KEY_SAMPLE)
    except asyncpg.PostgresError:
        return None
    finally:
        await conn.close()
    return [row[0] for row in rows]


def find_tool(name: str, path: str | None = None, fallback: str = PG_TOOLS_GLOB) -> str:
    """The PostgreSQL client program ``name``: on PATH, else the newest in ``fallback``."""
    found = shutil.which(name, path=path)
    if found:
        return found
    versions = sorted(glob.glob(os.path.join(fallback, name)), key=_version_key, reverse=True)
    runnable = [candidate for candidate in versions if os.access(candidate, os.X_OK)]
    if runnable:
        return runnable[0]
    raise BackupError(
        f"{name} is not installed (looked on PATH and in {fallback}). Install PostgreSQL's "
        "client programs, of the server's major version or newer (Debian and Ubuntu: "
        "`apt install postgresql-client`), or add their folder to PATH.")


def _version_key(path: str) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"[0-9]+", path))


def _run_tool(command: Sequence[str], url: str, failure: str) -> str:
    env = {**os.environ, **_pg_target(url).environ()}
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    except OSError as exc:
        raise BackupError(f"{failure}: can't run {command[0]} ({exc.strerror or exc}).") from None
    if done.returncode != 0:
        said = (done.stderr or done.stdout).strip()[-TOOL_OUTPUT_CHARS:]
        raise BackupError(f"{failure}. {Path(command[0]).name} said: {said}")
    return done.stdout


def _require_forum_dump(dump: Path, shown: Path) -> None:
    listing = subprocess.run([find_tool("pg_restore"), "--list", str(dump)],
                             capture_output=True, text=True, check=False)
    if listing.returncode != 0:
        said = listing.stderr.strip()[-TOOL_OUTPUT_CHARS:]
        raise BackupError(f"{shown} is damaged or not a dump pg_restore can read "
                          f"(pg_restore said: {said}); nothing was restored.")
    if not re.search(rf"\bTABLE \S+ {FORUM_TABLE}\b", listing.stdout):
        raise BackupError(f"{shown} is a PostgreSQL dump, but not of a Hearth forum (it has "
                          f"no {FORUM_TABLE} table); nothing was restored.")


# Files.

def _require_forum_tables(conn: sqlite3.Connection, path: Path) -> None:
    found = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                         (FORUM_TABLE,)).fetchone()
    if found is None:
        raise BackupError(f"{path} is a SQLite database, but not a Hearth forum's (it has no "
                          f"{FORUM_TABLE} table); nothing was done.")


def _quick_check(conn: sqlite3.Connection, path: Path) -> None:
    result = [row[0] for row in conn.execute("PRAGMA quick_check")]
    if result != ["ok"]:
        raise BackupError(f"{path} is damaged (SQLite's check says: {'; '.join(result[:3])}).")


def _new_private_file(path: Path) -> Path:
    """An empty new file only its owner can read (a backup holds every account's data)."""
    path.unlink(missing_ok=True)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    return path


def _fsync(path: Path) -> None:
    with path.open("rb+") as file:
        os.fsync(file.fileno())


def _human(size: int) -> str:
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / (1024 * 1024):.1f} MB"
