"""SQLite engine for Tortoise whose transactions start with ``BEGIN IMMEDIATE``.

The stock client opens transactions with a deferred ``BEGIN``: two worker processes that
each read and then write inside a transaction deadlock, and SQLite answers one of them
"database is locked" at once, whatever the busy timeout. Taking the write lock at the start
lets the busy timeout queue writers instead. The module name contains "sqlite" so that
Tortoise's migration executor picks its SQLite schema editor for this client.
"""

from __future__ import annotations

import sqlite3

from tortoise.backends.base.client import TransactionContext
from tortoise.backends.sqlite.client import (
    SqliteClient,
    SqliteTransactionContext,
    SqliteTransactionWrapper,
)
from tortoise.exceptions import TransactionManagementError


class ImmediateTransactionWrapper(SqliteTransactionWrapper):
    async def begin(self) -> None:
        try:
            await self._connection.commit()
            await self._connection.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise TransactionManagementError(exc) from exc


class ImmediateSqliteClient(SqliteClient):
    def _in_transaction(self) -> TransactionContext:
        return SqliteTransactionContext(ImmediateTransactionWrapper(self), self._lock)


client_class = ImmediateSqliteClient
