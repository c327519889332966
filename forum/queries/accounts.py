"""Reading accounts."""

from __future__ import annotations

from forum.models.accounts import User
from forum.usernames import skeleton, username_key


async def find_user_by_username(username: str) -> User | None:
    return await User.get_or_none(username_key=username_key(username))


async def username_taken(username: str) -> bool:
    """True when the name, or a look-alike of it, belongs to someone already."""
    return await User.filter(skeleton=skeleton(username)).exists() or await User.filter(
        username_key=username_key(username)
    ).exists()


async def find_user_by_id(user_id: int) -> User | None:
    return await User.get_or_none(id=user_id)
