"""One member's writes, one after another, without touching the member's row.

Deleting an account, an anonymous post by it and a sanction through such a post all *hold
the account* first: on PostgreSQL a transaction-scoped advisory lock on the account (SQLite's
write transaction is exclusive already). Whichever comes second sees what the first did: a
post written first is removed with the rest; a post after the deletion is refused.

An advisory lock leaves no trace in any row. A row lock (``SELECT … FOR UPDATE``) would
write the transaction's id into the member's row (PostgreSQL ``xmax``), and that id is the
anonymous post's ``xmin``: a copy of the database would name the author.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from tortoise import connections

from forum.models.accounts import User
from forum.sealed_side import SealedSide, forget, read_sealed_side

ACCOUNT_GONE = "Your account is no longer here, so this could not be saved."
ACCOUNT_LOCKS = 0x41434354  # the advisory lock space of accounts ("ACCT")


def account_gone() -> HTTPException:
    """Answered like a signed-out request: the account this session belonged to is deleted."""
    return HTTPException(401, ACCOUNT_GONE)


async def hold_account(user: User) -> User:
    """The member's row as it is now, the account held until the transaction ends. Call
    inside a transaction; the row itself is only read."""
    conn = connections.get("default")
    if conn.capabilities.dialect == "postgres":
        await conn.execute_query("SELECT pg_advisory_xact_lock($1, $2)",
                                 [ACCOUNT_LOCKS, int(user.id)])
    fresh = await User.get_or_none(id=user.id)
    if fresh is None:
        raise account_gone()
    return fresh


async def held_sealed_side(user: User) -> SealedSide:
    """Hold the account, then read its sealed side afresh (forum.sealed_side): for a write
    that takes the member's next post or limit slot. The request's cached copy is dropped,
    so what it reads next includes this write."""
    await hold_account(user)
    forget(user)
    return await read_sealed_side(user)
