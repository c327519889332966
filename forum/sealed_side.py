"""What only the key ties to a member: their anonymous posts, and the limits moderators set
through one of those posts.

Nothing of it is written on the member's own row. Each anonymous post carries an
``owner_slot``, and each limit set through an anonymous post is a ``sealed_limits`` row with
a ``slot``: the keyed hash of (member, n) for the member's n-th post or limit. The running
app computes a member's slots from their id and finds their rows by index; a copy of the
database without the key sees values that name nobody, and two rows of one member look as
unrelated as two rows of two members. So writing an anonymous post, or a sanction through
one, touches no row that names the author — no shared transaction, no row version, no
growing field.

A member's side is read once per request (one query for both kinds) and kept on the
``User`` object; writers read it afresh while the account is held (forum.actions.account_lock).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, fields, replace
from datetime import datetime
from typing import Any

from tortoise import connections

from forum import sealing
from forum.models.accounts import User

SLOT_BATCH = 32  # slots of each kind looked up per query
LIMIT_PLAINTEXT = 160  # every sealed limit is padded to this length before sealing
_HEX = re.compile(r"[0-9a-f]{40}")
_CACHE = "_sealed_side"


@dataclass(frozen=True)
class Restrictions:
    silenced_until: datetime | None = None
    suspended_until: datetime | None = None
    banned: bool = False


NO_RESTRICTIONS = Restrictions()


@dataclass(frozen=True)
class SealedSide:
    anonymous_post_ids: tuple[int, ...] = ()
    restrictions: Restrictions = NO_RESTRICTIONS
    next_post_slot: int = 0
    next_limit_slot: int = 0


def owner_slot(user_id: int, n: int) -> str:
    return sealing.tag("post-owner-slot", user_id, n)


def limit_slot(user_id: int, n: int) -> str:
    return sealing.tag("limit-slot", user_id, n)


def _limit_purpose(user_id: int) -> str:
    return f"limit:{user_id}"


def seal_limit(user_id: int, change: dict[str, Any] | None) -> str:
    """One sealed limit row's content: the fields it sets, or None to lift every limit set
    through anonymous posts before it. Padded, so every row has the same length."""
    def plain(value: object) -> object:
        return value.isoformat() if isinstance(value, datetime) else value

    text = json.dumps({"lift": True} if change is None else
                      {"set": {k: plain(v) for k, v in change.items()}})
    return sealing.seal(text.ljust(LIMIT_PLAINTEXT), _limit_purpose(user_id))


def _apply(current: Restrictions, opened: str) -> Restrictions:
    raw = json.loads(opened)
    if raw.get("lift"):
        return NO_RESTRICTIONS
    names = {f.name for f in fields(Restrictions)}
    changes: dict[str, Any] = {}
    for name, value in dict(raw.get("set", {})).items():
        if name not in names:
            continue
        changes[name] = bool(value) if name == "banned" else (
            datetime.fromisoformat(value) if value else None)
    return replace(current, **changes)


def _literals(slots: list[str]) -> str:
    if not all(_HEX.fullmatch(slot) for slot in slots):  # keyed hashes are lowercase hex
        raise ValueError("not a slot")
    return ",".join(f"'{slot}'" for slot in slots)


async def _find(user_id: int, posts_from: int | None, limits_from: int | None) -> list[
        dict[str, Any]]:
    """One query: the member's posts in one batch of post slots and their limits in one
    batch of limit slots (``None``: that kind is not looked up)."""
    parts = []
    if posts_from is not None:
        slots = [owner_slot(user_id, n) for n in range(posts_from, posts_from + SLOT_BATCH)]
        parts.append("SELECT 0 AS kind, id, owner_slot AS slot, '' AS sealed FROM posts "  # noqa: S608
                     f"WHERE owner_slot IN ({_literals(slots)})")
    if limits_from is not None:
        slots = [limit_slot(user_id, n) for n in range(limits_from, limits_from + SLOT_BATCH)]
        parts.append("SELECT 1 AS kind, id, slot, sealed FROM sealed_limits "  # noqa: S608
                     f"WHERE slot IN ({_literals(slots)})")
    rows: list[dict[str, Any]] = await connections.get("default").execute_query_dict(
        " UNION ALL ".join(parts))
    return rows


async def read_sealed_side(user: User) -> SealedSide:
    """The member's side as it is now (writers call this while holding the account)."""
    post_index = {owner_slot(user.id, n): n for n in range(SLOT_BATCH)}
    limit_index = {limit_slot(user.id, n): n for n in range(SLOT_BATCH)}
    posts: dict[int, int] = {}  # slot number -> post id
    limits: dict[int, str] = {}  # slot number -> sealed
    posts_from: int | None = 0
    limits_from: int | None = 0
    while posts_from is not None or limits_from is not None:
        rows = await _find(user.id, posts_from, limits_from)
        found_posts = found_limits = 0
        for row in rows:
            if int(row["kind"]) == 0:
                posts[post_index[row["slot"]]] = int(row["id"])
                found_posts += 1
            else:
                limits[limit_index[row["slot"]]] = str(row["sealed"])
                found_limits += 1
        posts_from = _next_batch(posts_from, found_posts, post_index, owner_slot, user.id)
        limits_from = _next_batch(limits_from, found_limits, limit_index, limit_slot, user.id)
    restrictions = NO_RESTRICTIONS
    for n in sorted(limits):
        if (opened := sealing.unseal(limits[n], _limit_purpose(user.id))) is not None:
            restrictions = _apply(restrictions, opened)
    return SealedSide(
        anonymous_post_ids=tuple(posts[n] for n in sorted(posts)),
        restrictions=restrictions,
        next_post_slot=max(posts, default=-1) + 1,
        next_limit_slot=max(limits, default=-1) + 1)


def _next_batch(start: int | None, found: int, index: dict[str, int], slot: Any,
                user_id: int) -> int | None:
    """Where to look next: the following batch when this one was full, else nowhere."""
    if start is None or found < SLOT_BATCH:
        return None
    following = start + SLOT_BATCH
    index.update({slot(user_id, n): n for n in range(following, following + SLOT_BATCH)})
    return following


async def sealed_side(user: User) -> SealedSide:
    """The member's side for this request: read once, then kept on the object."""
    cached: SealedSide | None = getattr(user, _CACHE, None)
    if cached is None:
        cached = await read_sealed_side(user)
        setattr(user, _CACHE, cached)
    return cached


def known_sealed_side(user: User) -> SealedSide:
    """The side already read for this request (``sealed_side`` first): for the pure
    permission checks, which do not reach the database."""
    cached: SealedSide | None = getattr(user, _CACHE, None)
    if cached is None:
        raise RuntimeError("the member's sealed side was not read for this request")
    return cached


def remember(user: User, side: SealedSide) -> None:
    setattr(user, _CACHE, side)


def forget(user: User) -> None:
    """After a write changed it: the next look reads it again."""
    if hasattr(user, _CACHE):
        delattr(user, _CACHE)
