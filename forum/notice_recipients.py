"""Who a sealed note is for, and whether it is the member's own receipt.

The sealed value has one length for every member (the id is zero-padded), so the length of
``sealed_recipient`` tells nothing about whose it is. A receipt is the row a member gets for
an event they caused themselves (their own anonymous reply): written like everyone else's so
the rows of an event single nobody out, never shown to them as news.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from forum import sealing
from forum.anonymity import NOTICE_PURPOSE

ID_DIGITS = 12
EPOCH = date(1970, 1, 1)
_HEX = re.compile(r"[0-9a-f]{16,64}")
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
    return _recipient(opened) if opened is not None else None


def _recipient(opened: str) -> Recipient | None:
    if len(opened) == ID_DIGITS + 1 and opened[-1] in (OWN_MARK, OTHER_MARK):
        return Recipient(int(opened[:-1]), opened[-1] == OWN_MARK)
    return Recipient(int(opened), False) if opened.isdecimal() else None


def open_recipient_text(opened: str) -> int | None:
    """The member an opened recipient value names (for `forum rekey`, which opens it)."""
    recipient = _recipient(opened)
    return recipient.user_id if recipient is not None else None


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


# Where a member's sealed notes are found: the n-th note a member got on a given day (UTC)
# sits in the slot tag(member, day, n). Readers compute their own slots and look them up by
# index, so the cost of finding a member's notes is bounded by their own notes, never by the
# forum's; without the key two slots of one member look as unrelated as two members'.
SLOT_PURPOSE = "note-slot"
SLOTS_PER_PROBE = 8  # a member's slots of one day looked up at a time
# Sealed notes are kept this many whole days, read or not, then deleted a day at a time, so
# no kept day's slots ever have a gap (a gap would hide the notes after it).
SEALED_NOTES_KEPT_DAYS = 365


def day_number(moment: datetime) -> int:
    return (moment.astimezone(UTC).date() - EPOCH).days


def note_slot(user_id: int, day: int, n: int, sealer: sealing.Sealer | None = None) -> str:
    chosen = sealer or sealing.current()
    if n < SLOTS_PER_PROBE:  # the bell looks these up on every page: computed once a day
        return _first_slots(chosen, user_id, day)[n]
    return chosen.tag(SLOT_PURPOSE, user_id, day, n)


@functools.lru_cache(maxsize=8_192)  # about 800 bytes each
def _first_slots(sealer: sealing.Sealer, user_id: int, day: int) -> tuple[str, ...]:
    return tuple(sealer.tag(SLOT_PURPOSE, user_id, day, n) for n in range(SLOTS_PER_PROBE))


@dataclass(frozen=True)
class RecentSlots:
    """A member's first slots of each of their last days: where each is, and the SQL list."""

    index: dict[str, tuple[int, int]]  # slot -> (day, n)
    literals: str


def recent_slots(user_id: int, today: int, days: int) -> RecentSlots:
    """For the bell on every page: computed once per member and day, then reused."""
    return _recent_slots(sealing.current(), user_id, today, days)


@functools.lru_cache(maxsize=512)  # about 60 KB each
def _recent_slots(sealer: sealing.Sealer, user_id: int, today: int, days: int) -> RecentSlots:
    index = {note_slot(user_id, day, n, sealer): (day, n)
             for day in range(today, today - days, -1) for n in range(SLOTS_PER_PROBE)}
    return RecentSlots(index, slot_literals(index))


def slot_literals(slots: Iterable[str]) -> str:
    """Slots as SQL literals, each checked to be a keyed hash (lowercase hex) first."""
    checked = list(slots)
    if not all(_HEX.fullmatch(slot) for slot in checked):
        raise ValueError("not a slot")
    return ",".join(f"'{slot}'" for slot in checked)
