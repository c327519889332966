"""Reading accounts."""

from __future__ import annotations

from datetime import UTC, datetime

from forum import sealing
from forum.models.accounts import User
from forum.models.community import ReleasedUsername
from forum.queries.lookup import could_match
from forum.usernames import SKELETON_MAX, display_skeleton, skeleton, username_key


async def find_user_by_username(username: str) -> User | None:
    """The account with this name; None also for names no account could have (too long
    once folded, 'ß' -> 'ss', or holding NUL), so sign-in answers them like any other."""
    key = username_key(username)
    if not could_match(key, User, "username_key"):
        return None
    return await User.get_or_none(username_key=key)


async def username_taken(username: str) -> bool:
    """True when the name, or a look-alike of it, belongs to someone already (as a username
    or a display name) — or belonged to a deleted account whose cool-down has not ended."""
    if await User.filter(username_key=username_key(username)).exists():
        return True
    if await name_used_by_another(username):
        return True
    return skeleton(username) in await released_skeletons()


async def name_used_by_another(name: str, me: int | None = None) -> bool:
    """True when this name looks just like another member's username or display name (the
    same confusable skeleton), or a released username still cooling down. `me` is left out,
    so a member may show their own username as their display name."""
    others = User.exclude(id=me) if me is not None else User.all()
    shape = skeleton(name)
    if len(shape) <= SKELETON_MAX and (
            await others.filter(skeleton=shape).exists()
            or shape in await released_skeletons()):
        return True
    shown = display_skeleton(name)
    return bool(shown) and await others.filter(display_skeleton=shown).exists()


RELEASED_NAME_PURPOSE = "released-name"


def seal_released_skeleton(shape: str) -> str:
    return sealing.seal(shape, RELEASED_NAME_PURPOSE)


async def released_skeletons() -> set[str]:
    """The look-alike skeletons of deleted accounts' names still cooling down (one name has
    one skeleton, so this covers the name itself too). Sealed rows, opened here: there are
    only the deletions of the last few weeks."""
    rows = await ReleasedUsername.filter(available_at__gt=datetime.now(UTC)).values_list(
        "sealed_skeleton", flat=True)
    opened = (sealing.unseal(str(token), RELEASED_NAME_PURPOSE) for token in rows)
    return {shape for shape in opened if shape}


async def find_user_by_id(user_id: int) -> User | None:
    return await User.get_or_none(id=user_id)


async def verified_accounts_at(address: str) -> list[User]:
    """Accounts whose verified address this is (case aside); none for an address no
    account could hold."""
    if not could_match(address, User, "email"):
        return []
    return await User.filter(email__iexact=address, email_verified_at__isnull=False)
