"""Limits on an account that are in force: the plain ones moderators set on a member, and
the sealed ones set on "the author of this post" for an anonymous post.

A sanction through an anonymous post must not let anyone — a moderator reading member
pages, or someone holding a copy of the database — match the post to the member. So it is
not written on the member's row at all: it is a sealed row found only with the key
(forum.sealed_side), read once per request with the member's other sealed rows.
"""

from __future__ import annotations

from datetime import UTC, datetime

from forum.models.accounts import User
from forum.sealed_side import NO_RESTRICTIONS, Restrictions, known_sealed_side

NONE = NO_RESTRICTIONS

__all__ = ["NONE", "Restrictions", "in_force", "now", "sealed_restrictions"]


def sealed_restrictions(user: User) -> Restrictions:
    """The limits set through the member's anonymous posts (their sealed side read first)."""
    return known_sealed_side(user).restrictions


def _later(a: datetime | None, b: datetime | None) -> datetime | None:
    return max((m for m in (a, b) if m is not None), default=None)


def in_force(user: User) -> Restrictions:
    """Plain and sealed limits together: what enforcement reads."""
    sealed = sealed_restrictions(user)
    return Restrictions(_later(user.silenced_until, sealed.silenced_until),
                        _later(user.suspended_until, sealed.suspended_until),
                        user.banned_at is not None or sealed.banned)


def now() -> datetime:
    return datetime.now(UTC)
