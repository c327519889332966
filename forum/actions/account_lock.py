"""The member's own row, locked first: writes about one member queue behind each other.

Deleting an account and an anonymous post by it both lock the member's row before any
thread or post, so they cannot deadlock, and whichever comes second sees what the first
did: a post written first is removed with the rest; a post after the deletion is refused.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException

from forum.models.accounts import User

ACCOUNT_GONE = "Your account is no longer here, so this could not be saved."


def account_gone() -> HTTPException:
    """Answered like a signed-out request: the account this session belonged to is deleted."""
    return HTTPException(401, ACCOUNT_GONE)


async def lock_account(user: User) -> User:
    """The member's row as it is now, locked until the transaction ends (PostgreSQL; SQLite's
    write transaction is already exclusive). Call inside a transaction."""
    fresh = await User.filter(id=user.id).select_for_update().first()
    if fresh is None:
        raise account_gone()
    return fresh
