"""SQLite engine for Tortoise whose transactions start with ``BEGIN IMMEDIATE``.

The stock client opens transactions with a deferred ``BEGIN``: two worker processes that
each read and then write inside a transaction deadlock, and SQLite answers one of them
"database is locked" at once, whatever the busy timeout. Taking the write lock at the start
lets the busy timeout queue writers instead. The module name contains "sqlite" so that
Tortoise's migration executor picks its SQLite schema editor for this client.

A ``BEGIN IMMEDIATE`` that fails (another process held the lock past the busy timeout) must
leave nothing taken: the stock context keeps its in-process transaction lock then, and
every later transaction of the process waits for it forever.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from tortoise.backends.base.client import TransactionalDBClient, TransactionContext
from tortoise.backends.sqlite.client import (
    SqliteClient,
    SqliteTransactionContext,
    SqliteTransactionWrapper,
)
from tortoise.connection import get_connections
from tortoise.exceptions import TransactionManagementError


class ImmediateTransactionWrapper(SqliteTransactionWrapper):
    async def begin(self) -> None:
        try:
            await self._connection.commit()
            await self._connection.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise TransactionManagementError(exc) from exc


class ReleasingTransactionContext(SqliteTransactionContext):
    """Gives back the transaction lock (and the task's connection) when BEGIN fails."""

    async def __aenter__(self) -> TransactionalDBClient:
        await self._trxlock.acquire()
        try:
            await self.ensure_connection()
            self.token = get_connections().set(self.connection_name, self.connection)
            try:
                await self.connection.begin()
            except BaseException:
                get_connections().reset(self.token)
                raise
        except BaseException:
            self._trxlock.release()
            raise
        connection: Any = self.connection
        return connection  # type: ignore[no-any-return]


class ImmediateSqliteClient(SqliteClient):
    def _in_transaction(self) -> TransactionContext:
        return ReleasingTransactionContext(ImmediateTransactionWrapper(self), self._lock)


client_class = ImmediateSqliteClient
