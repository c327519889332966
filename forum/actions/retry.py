"""Running a transaction again when the database gave up on it because of another one.

PostgreSQL breaks a deadlock by failing one of the transactions in it (SQLSTATE 40P01), and
may refuse one it cannot serialise (40001). Nothing was written, and the same work usually
goes through a moment later; `retry_on_conflict` runs it again a bounded number of times.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")

CONFLICT_ATTEMPTS = 5
FIRST_PAUSE_SECONDS = 0.01  # doubled after each failed attempt, with jitter
RETRYABLE_SQLSTATES = frozenset({"40P01", "40001"})  # deadlock, serialization failure


def is_transaction_conflict(exc: BaseException) -> bool:
    """Whether the database failed this transaction only because of a concurrent one
    (however the driver's error was wrapped)."""
    seen: set[int] = set()
    todo: list[BaseException] = [exc]
    while todo:
        error = todo.pop()
        if id(error) in seen:
            continue
        seen.add(id(error))
        if getattr(error, "sqlstate", None) in RETRYABLE_SQLSTATES:
            return True
        todo += [e for e in (error.__cause__, error.__context__, *error.args)
                 if isinstance(e, BaseException)]
    return False


async def retry_on_conflict(work: Callable[[], Awaitable[T]]) -> T:
    """`work` (one whole transaction), again after a deadlock or serialization failure."""
    pause = FIRST_PAUSE_SECONDS
    for _ in range(CONFLICT_ATTEMPTS - 1):
        try:
            return await work()
        except Exception as exc:
            if not is_transaction_conflict(exc):
                raise
        await asyncio.sleep(pause * (1 + random.random()))
        pause *= 2
    return await work()
