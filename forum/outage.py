"""When the database can't be reached: recognising it, and what a request had saved by then.

Every layer asks `database_unavailable(exc)`; nothing else decides whether an error means
"the database is gone" (refused, dropped, shutting down, too busy) rather than a mistake in
the code. The answer to a person is then a 503 with `Retry-After`, never a 500, and it says
exactly what happened: nothing was saved, or — when a use-case had already committed —
what was saved and where it is (`note_saved`), so nobody sends the same post twice.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Awaitable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from types import TracebackType
from typing import TypeVar

import asyncpg  # type: ignore[import-untyped]  # ships no type information
from starlette.exceptions import HTTPException
from tortoise.exceptions import DBConnectionError, OperationalError, TransactionManagementError

log = logging.getLogger("forum.outage")

# Seconds a client is asked to wait. A PostgreSQL restart here was serving again 0.05–0.2 s
# after it came back and restarts or fail-overs take seconds; SQLite's busy timeout is 5 s.
# Sooner, a client that retries only adds load to a database coming back; later, a person
# waits longer than the usual blink lasts.
RETRY_AFTER_SECONDS = 15

# asyncpg errors that say the server is gone, going, or refusing new work — never a bug.
_POSTGRES_GONE: tuple[type[BaseException], ...] = (
    asyncpg.PostgresConnectionError,  # 08xxx: the connection does not exist, failed, …
    asyncpg.CannotConnectNowError,  # 57P03: starting up or shutting down
    asyncpg.AdminShutdownError,  # 57P01: terminated by a (fast) shutdown
    asyncpg.CrashShutdownError,  # 57P02
    asyncpg.TooManyConnectionsError,  # 53300
    asyncpg.ReadOnlySQLTransactionError,  # 25006: a standby, or a primary being demoted
)
# asyncpg's own (client-side) errors that mean the connection is gone; others of its kind
# ("another operation is in progress") are mistakes in the code.
_CLOSED_MARKERS = ("closed", "closing", "not connected")
# SQLite messages that mean the file can't be used now (a lock held past the busy timeout,
# a file that can't be opened or read) rather than a wrong statement.
_SQLITE_UNUSABLE = ("database is locked", "database table is locked", "unable to open",
                    "disk i/o error", "file is not a database", "readonly database")
# Modules whose frames mark an OSError as the database's (not, say, a template file's).
_DRIVER_MODULES = ("asyncpg", "aiosqlite", "tortoise.backends", "sqlite3")


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """The error and everything it was raised from or while handling, each once."""
    seen: set[int] = set()
    todo: list[BaseException] = [exc]
    while todo:
        current = todo.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        todo += [c for c in (current.__cause__, current.__context__) if c is not None]
        todo += [a for a in current.args if isinstance(a, BaseException)]


def _raised_in_driver(tb: TracebackType | None) -> bool:
    while tb is not None:
        module = str(tb.tb_frame.f_globals.get("__name__", ""))
        if module.startswith(_DRIVER_MODULES):
            return True
        tb = tb.tb_next
    return False


def _means_gone(exc: BaseException) -> bool:
    if isinstance(exc, HTTPException):
        return False
    if isinstance(exc, (*_POSTGRES_GONE, DBConnectionError)):
        return True
    if isinstance(exc, asyncpg.InterfaceError):
        return any(marker in str(exc).lower() for marker in _CLOSED_MARKERS)
    if isinstance(exc, (sqlite3.OperationalError, OperationalError,
                        TransactionManagementError)):
        return any(marker in str(exc).lower() for marker in _SQLITE_UNUSABLE)
    if isinstance(exc, OSError):  # refused, reset, unreachable, timed out connecting
        return _raised_in_driver(exc.__traceback__)
    return False


def database_unavailable(exc: BaseException) -> bool:
    """Whether this error means the database can't be reached or used right now."""
    return any(_means_gone(e) for e in _chain(exc))


# The exception classes an app registers a handler for; the handler asks
# `database_unavailable` and lets anything else through as the error it is.
HANDLED_ERRORS: tuple[type[Exception], ...] = (
    OSError, sqlite3.OperationalError, asyncpg.PostgresError, asyncpg.InterfaceError,
    DBConnectionError, OperationalError, TransactionManagementError)


@dataclass(frozen=True)
class Saved:
    """Something a request committed: what it was (for a sentence) and where it now is."""

    what: str  # "your story", "your reply"
    link: str | None  # where to find it; None: not shown yet (it waits for a moderator)
    earlier: bool = False  # it had arrived before (the same form or Idempotency-Key again)
    lost_with_the_page: str = ""  # what the unfinished answer would have shown, gone for good

    @property
    def sentence(self) -> str:
        """"your reply was saved (/posts/7)"."""
        done = "had already arrived" if self.earlier else "was saved"
        where = f"({self.link})" if self.link else "and waits for a moderator"
        lost = f", but {self.lost_with_the_page}" if self.lost_with_the_page else ""
        return f"{self.what} {done} {where}{lost}"


_saved: ContextVar[list[Saved] | None] = ContextVar("forum_saved", default=None)


@contextmanager
def request_ledger() -> Iterator[list[Saved]]:
    """Around one request: what its use-cases commit is noted for its error page. The list
    is yielded so the request can keep it for handlers that run after this block ended."""
    ledger: list[Saved] = []
    token = _saved.set(ledger)
    try:
        yield ledger
    finally:
        _saved.reset(token)


def note_saved(what: str, link: str | None, *, earlier: bool = False,
               lost_with_the_page: str = "") -> None:
    """Called right after a commit: from here on an error must not say nothing was saved."""
    ledger = _saved.get()
    if ledger is not None:
        ledger.append(Saved(what, link, earlier, lost_with_the_page))


def saved_so_far() -> list[Saved]:
    return list(_saved.get() or [])


T = TypeVar("T")


async def after_commit(step: str, action: Awaitable[T]) -> T | None:
    """A follow-up to a change already committed (a follow, notifications, re-reading the
    post for the answer). Its failure is logged and the request carries on with what was
    written: reporting the change as failed would make people send it again. An
    HTTPException (the post can no longer be seen, say) is an answer, not a failure."""
    try:
        return await action
    except HTTPException:
        raise
    except Exception:
        log.exception("after a committed change, %s failed (the change stands)", step)
        return None
