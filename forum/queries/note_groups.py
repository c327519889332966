"""The notifications page, grouped: news of replies in one thread becomes one line ("3 new
replies to your story “Title”"), and every other note (an outcome, a warning, a care
message) stays a line of its own.

Only the notes already read are put together — so sealed notes still come only from the
member's own slots (forum.queries.community) — and a group never mixes plain and sealed
notes. Which thread each note's post is in is looked up in one statement
(``linked_threads``), so two threads of the same title stay apart.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from forum.models.content import Post
from forum.numbers import ID_MAX

# The kinds that are news of replies, as each reads for several at once.
GROUPED = {
    "reply_to_story": ("reply to your story", "replies to your story"),
    "reply_to_post": ("answer to your post in", "answers to your posts in"),
    "followed_thread": ("reply in", "replies in"),
    "mention": ("mention of you in", "mentions of you in"),
}
_TITLE = re.compile(r"“(.*)”")
_POST_LINK = re.compile(r"/posts/([0-9]{1,10})(?:[#?].*)?")


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


def _linked_post(note: _Note) -> int | None:
    found = _POST_LINK.fullmatch(note.link or "")
    return int(found.group(1)) if found else None


async def linked_threads(notes: Sequence[_Note]) -> dict[int, int]:
    """The thread of each post the news of replies links to, by post id (one statement;
    none when no note is news of replies)."""
    ids = {n for note in notes if note.kind in GROUPED
           if (n := _linked_post(note)) is not None and n <= ID_MAX}
    if not ids:
        return {}
    rows = await Post.filter(id__in=sorted(ids)).values_list("id", "thread_id")
    return {int(post_id): int(thread_id) for post_id, thread_id in rows}


def group_notes(notes: Sequence[_Note], threads: Mapping[int, int]) -> list[NoteGroup]:
    """Newest first, as given; news of replies in the same thread (same kind, same thread,
    same table; ``threads``: `linked_threads`) joins the group of its newest note."""
    groups: list[NoteGroup] = []
    by_key: dict[tuple[str, str, int], NoteGroup] = {}
    for note in notes:
        title = _title(note.message) if note.kind in GROUPED else None
        post_id = _linked_post(note)
        thread_id = threads.get(post_id) if post_id is not None else None
        if title is None or thread_id is None:
            groups.append(NoteGroup([note]))
            continue
        key = (type(note).__name__, note.kind, thread_id)
        if key in by_key:
            by_key[key].notes.append(note)
        else:
            by_key[key] = NoteGroup([note])
            groups.append(by_key[key])
    return groups
