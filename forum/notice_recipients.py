"""Who a sealed note is for, and whether it is the member's own receipt.

The sealed value has one length for every member (the id is zero-padded), so the length of
``sealed_recipient`` tells nothing about whose it is. A receipt is the row a member gets for
an event they caused themselves (their own anonymous reply): written like everyone else's so
the rows of an event single nobody out, never shown to them as news.
"""

from __future__ import annotations

from dataclasses import dataclass

from forum import sealing
from forum.anonymity import NOTICE_PURPOSE

ID_DIGITS = 12
OWN_MARK = "s"
OTHER_MARK = "o"


@dataclass(frozen=True)
class Recipient:
    user_id: int
    own: bool


def seal_recipient(user_id: int, *, own: bool = False) -> str:
    mark = OWN_MARK if own else OTHER_MARK
    return sealing.seal(f"{user_id:0{ID_DIGITS}d}{mark}", NOTICE_PURPOSE)


def open_recipient(token: str) -> Recipient | None:
    """The recipient, or None if this key cannot open it. Older notes sealed the bare id."""
    opened = sealing.unseal(token, NOTICE_PURPOSE)
    if opened is None:
        return None
    if len(opened) == ID_DIGITS + 1 and opened[-1] in (OWN_MARK, OTHER_MARK):
        return Recipient(int(opened[:-1]), opened[-1] == OWN_MARK)
    return Recipient(int(opened), False) if opened.isdigit() else None


FOR_ADMINS = "for_admins"  # the kind of those notes
ADMIN_NOTE_PURPOSE = "admin-note"
ADMIN_NOTE_LENGTH = 240  # every note to the admins about an author request has this length


def seal_admin_note(text: str) -> str:
    """A note to an admin about a request on "the author of this post": sealed and padded,
    so neither its words nor its length say whether the request could apply."""
    return sealing.seal(text.ljust(ADMIN_NOTE_LENGTH), ADMIN_NOTE_PURPOSE)


def open_admin_note(message: str) -> str:
    """An admin's note as they read it (sealed ones opened; older plain ones as they are)."""
    if not message.startswith(f"{sealing.VERSION}:"):
        return message
    opened = sealing.unseal(message, ADMIN_NOTE_PURPOSE)
    return opened.rstrip() if opened is not None else "(This note can't be read with the key.)"
