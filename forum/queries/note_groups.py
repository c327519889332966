"""The notifications page, grouped: news of replies in one thread becomes one line ("3 new
replies to your story “Title”"), and every other note (an outcome, a warning, a care
message) stays a line of its own.

Only the notes already read are put together — nothing is looked up again, so sealed notes
still come only from the member's own slots (forum.queries.community) — and a group never
mixes plain and sealed notes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

# The kinds that are news of replies, as each reads for several at once.
GROUPED = {
    "reply_to_story": ("reply to your story", "replies to your story"),
    "reply_to_post": ("answer to your post in", "answers to your posts in"),
    "followed_thread": ("reply in", "replies in"),
    "mention": ("mention of you in", "mentions of you in"),
}
_TITLE = re.compile(r"“(.*)”")


class _Note(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def kind(self) -> str: ...
    @property
    def message(self) -> str: ...
    @property
    def link(self) -> str: ...
    @property
    def created_at(self) -> datetime: ...
    @property
    def read_at(self) -> datetime | None: ...


@dataclass
class NoteGroup:
    notes: list[_Note]  # newest first; notes[0] is shown when there is one

    @property
    def first(self) -> _Note:
        return self.notes[0]

    @property
    def unread(self) -> int:
        return sum(1 for note in self.notes if note.read_at is None)

    @property
    def summary(self) -> str:
        """One line for the group ("" for a single note: its own words are shown)."""
        if len(self.notes) == 1:
            return ""
        many = GROUPED[self.first.kind][1]
        title = _title(self.first.message) or ""
        count = len(self.notes)
        if self.unread == count:
            return f"{count} new {many} “{title}”"
        return f"{count} {many} “{title}”" + (f" ({self.unread} new)" if self.unread else "")


def _title(message: str) -> str | None:
    found = _TITLE.search(message)
    return found.group(1) if found else None


def group_notes(notes: Sequence[_Note]) -> list[NoteGroup]:
    """Newest first, as given; news of replies in the same thread (same kind, same title,
    same table) joins the group of its newest note."""
    groups: list[NoteGroup] = []
    by_key: dict[tuple[str, str, str], NoteGroup] = {}
    for note in notes:
        title = _title(note.message) if note.kind in GROUPED else None
        if title is None:
            groups.append(NoteGroup([note]))
            continue
        key = (type(note).__name__, note.kind, title)
        if key in by_key:
            by_key[key].notes.append(note)
        else:
            by_key[key] = NoteGroup([note])
            groups.append(by_key[key])
    return groups
