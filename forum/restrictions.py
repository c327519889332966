"""Limits on an account that are in force: the plain ones moderators set on a member, and
the sealed ones set on "the author of this post" for an anonymous post.

A sanction through an anonymous post must not let anyone — a moderator reading member
pages, or someone holding a copy of the database — match the post to the member. So its
end dates live sealed on the member's row (`users.sealed_restrictions`, AES-GCM under the
anonymity key): only the running app can read them, to enforce them. Every account carries
such a blob from sign-up on, so its presence says nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from forum import sealing
from forum.models.accounts import User


@dataclass(frozen=True)
class Restrictions:
    silenced_until: datetime | None = None
    suspended_until: datetime | None = None
    banned: bool = False

    def as_json(self) -> str:
        def when(moment: datetime | None) -> str | None:
            return moment.isoformat() if moment else None

        return json.dumps({"silenced_until": when(self.silenced_until),
                           "suspended_until": when(self.suspended_until),
                           "banned": self.banned})


NONE = Restrictions()


def _purpose(user_id: int) -> str:
    return f"restrictions:{user_id}"


def seal_restrictions(user_id: int, restrictions: Restrictions) -> str:
    return sealing.seal(restrictions.as_json(), _purpose(user_id))


def sealed_restrictions(user: User) -> Restrictions:
    opened = sealing.unseal(user.sealed_restrictions, _purpose(user.id))
    if not opened:
        return NONE
    raw = json.loads(opened)

    def when(value: str | None) -> datetime | None:
        return datetime.fromisoformat(value) if value else None

    return Restrictions(when(raw.get("silenced_until")), when(raw.get("suspended_until")),
                        bool(raw.get("banned")))


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
