"""PostgreSQL engine for Tortoise: the stock asyncpg client, with transactions that give their
connection back to the pool when ``BEGIN`` fails.

The stock context acquires a pool connection and then begins; if the database went away in
between (a connection that died without the pool noticing yet), the connection is never
released, and once the pool's connections have all leaked that way every request waits
forever — the forum would need a restart after the database came back. The module name
contains "asyncpg" so that Tortoise's migration executor picks its PostgreSQL schema editor.
"""

from __future__ import annotations

from typing import Any

from tortoise.backends.asyncpg.client import AsyncpgDBClient, TransactionWrapper
from tortoise.backends.base.client import (
    TransactionalDBClient,
    TransactionContext,
    TransactionContextPooled,
)
from tortoise.connection import get_connections


class ReleasingTransactionContext(TransactionContextPooled):
    async def __aenter__(self) -> TransactionalDBClient:
        await self.ensure_connection()
        pool: Any = self.client._parent._pool
        self.client._connection = await pool.acquire()
        try:
            self.token = get_connections().set(self.connection_name, self.client)
            try:
                await self.client.begin()
            except BaseException:
                get_connections().reset(self.token)
                raise
        except BaseException:
            await pool.release(self.client._connection)
            raise
        return self.client


class ReleasingAsyncpgClient(AsyncpgDBClient):
    def _in_transaction(self) -> TransactionContext:
        return ReleasingTransactionContext(TransactionWrapper(self), self._pool_init_lock)


client_class = ReleasingAsyncpgClient
