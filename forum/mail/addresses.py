"""Which address a member may be mailed at: only one they have verified.

Verification itself (the single-use link) belongs to the accounts code; until an address is
marked verified it is never used. The marker read here is ``User.email_verified_at`` (a
datetime, set when the member followed their link and cleared when the address changes):
read defensively (getattr, None by default), so an account without the field, or with it
unset, counts as unverified.
"""

from __future__ import annotations

from forum.models.accounts import User

VERIFIED_MARKER = "email_verified_at"


def verified_email(user: User) -> str | None:
    """The member's address if it is verified, else None (never mailed)."""
    address = (user.email or "").strip()
    if not address or getattr(user, VERIFIED_MARKER, None) is None:
        return None
    return address
