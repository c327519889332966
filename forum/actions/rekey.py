"""Re-sealing everything sealed under the anonymity key with a new key (`forum rekey`).

What the key protects, and how each is carried over:

- ``posts.sealed_author`` (who wrote an anonymous post),
- ``sealed_limits.sealed`` (sanctions set through an anonymous post),
- ``sealed_notifications.sealed_recipient`` (news about an anonymous post),
- ``released_usernames.sealed_skeleton`` (a deleted account's name, cooling down),
- ``drafts.sealed`` (everything about a member's draft),
- ``read_positions.sealed_reader`` (whose read position it is):
  each is opened with the new key or else the old one, and sealed again with the new key.
- ``read_positions.reader_tag``, the keyed hash of (member, thread) a member's read
  position is found by: recomputed from the opened reader. A position neither key opens is
  deleted (under the old key it could still be matched to its member).
- ``sealed_notifications.slot``, the keyed hash of (member, day, n) where a member finds a
  note (forum.notice_recipients): recomputed for every note from its opened recipient.
- ``posts.owner_slot`` and ``sealed_limits.slot``, keyed hashes of (member, n) that find a
  member's anonymous posts and limits (forum.sealed_side): recomputed for every account,
  slot by slot, each moved only once.
- ``thread_pseudonyms.author_tag``, keyed hashes of (thread, author[, generation]) that find
  an author's pseudonym when they post again, and keep the pseudonyms they retired (by
  showing their name) reserved: recomputed under the new key, with forum.anonymity's own
  functions, for every (thread, author) an anonymous post names or a named post in a thread
  with pseudonyms has — so the pseudonym stored beside each tag never changes. Tags nobody
  can be matched to any more (guest posts, erased accounts) become random: under the old
  key they could still be matched to an account.

Every value is read with either key and written with the new one, one transaction per batch
of rows, so an interrupted run loses nothing and running again finishes the work; a finished
run changes nothing the second time. The forum must be stopped while it runs and started
with the new key afterwards: until then it cannot open what was already re-sealed.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, cast

from tortoise.transactions import in_transaction

from forum import sealing
from forum.anonymity import (
    AUTHOR_PURPOSE,
    NOTICE_PURPOSE,
    retired_author_tag,
    thread_author_tag,
)
from forum.models.accounts import User
from forum.models.community import ReleasedUsername
from forum.models.content import Draft, Post, ThreadPseudonym
from forum.models.moderation import SealedLimit
from forum.models.notifications import SealedNotification
from forum.models.reading import ReadPosition
from forum.notice_recipients import day_number, note_slot, open_recipient_text
from forum.numbers import ID_MAX, whole_number
from forum.queries.accounts import RELEASED_NAME_PURPOSE
from forum.queries.drafts import DRAFT_PURPOSE
from forum.queries.reading import READ_PURPOSE
from forum.sealed_side import limit_slot, owner_slot
from forum.sealing import Sealer

BATCH_ROWS = 500
LIMIT_PURPOSE = "limit"  # the purpose prefix of forum.sealed_side


@dataclass
class RekeyReport:
    resealed: dict[str, int] = field(default_factory=dict)  # column -> values re-sealed
    already_new: int = 0
    unreadable: dict[str, int] = field(default_factory=dict)  # column -> opened by neither
    tags_moved: int = 0
    tags_scrubbed: int = 0

    @property
    def resealed_total(self) -> int:
        return sum(self.resealed.values())

    @property
    def unreadable_total(self) -> int:
        return sum(self.unreadable.values())


@dataclass(frozen=True)
class _Keys:
    old: Sealer
    new: Sealer

    def open(self, token: str | None, purpose: str) -> tuple[str | None, bool]:
        """The value and whether it is already sealed under the new key."""
        if (value := self.new.unseal(token, purpose)) is not None:
            return value, True
        return self.old.unseal(token, purpose), False


class _Resealer:
    def __init__(self, keys: _Keys, report: RekeyReport) -> None:
        self.keys = keys
        self.report = report

    def reseal(self, column: str, token: str | None, purpose: str) -> str | None:
        """The token sealed under the new key; None when it needs no change (or can't be
        opened, which is counted)."""
        if not token:
            return None
        value, is_new = self.keys.open(token, purpose)
        if is_new:
            self.report.already_new += 1
            return None
        if value is None:
            self.report.unreadable[column] = self.report.unreadable.get(column, 0) + 1
            return None
        self.report.resealed[column] = self.report.resealed.get(column, 0) + 1
        return self.keys.new.seal(value, purpose)


async def rekey(old: Sealer, new: Sealer, batch_rows: int = BATCH_ROWS) -> RekeyReport:
    """Re-seal every sealed value and recompute every keyed tag under ``new``."""
    report = RekeyReport()
    work = _Resealer(_Keys(old, new), report)
    authors = await _posts(work, batch_rows) | await _named_authors_in_pseudonym_threads()
    current_tags = await _tags(work, sorted(authors), batch_rows)
    await _users(work, batch_rows)
    await _reseal_column(work, SealedNotification, "sealed_recipient", NOTICE_PURPOSE,
                         batch_rows)
    await _reslot_notes(work, batch_rows)
    await _reseal_column(work, ReleasedUsername, "sealed_skeleton", RELEASED_NAME_PURPOSE,
                         batch_rows)
    await _reseal_column(work, Draft, "sealed", DRAFT_PURPOSE, batch_rows)
    await _read_positions(work, batch_rows)
    # Form ids are keyed hashes of (member, id) kept against a form sent twice: the old key
    # could test guesses against them, and a replay after the switch is long past.
    await Post.filter(submission_key__isnull=False).update(submission_key=None)
    await _scrub_unnamed_tags(current_tags, new, report, batch_rows)
    return report


async def _batches(ids: list[Any], batch_rows: int,
                   each: Callable[[list[Any]], Awaitable[None]]) -> None:
    for start in range(0, len(ids), batch_rows):
        async with in_transaction():
            await each(ids[start:start + batch_rows])


async def _posts(work: _Resealer, batch_rows: int) -> set[tuple[int, int]]:
    """Re-seal anonymous posts' authors; returns every (thread, author) they name."""
    authors: set[tuple[int, int]] = set()
    ids = cast(list[int], await Post.filter(sealed_author__isnull=False).order_by(
        "id").values_list("id", flat=True))

    async def batch(chunk: list[int]) -> None:
        for post in await Post.filter(id__in=chunk).order_by("id"):
            token = post.sealed_author
            if resealed := work.reseal("posts.sealed_author", token, AUTHOR_PURPOSE):
                await Post.filter(id=post.id).update(sealed_author=resealed)
            author_id = whole_number(work.keys.open(token, AUTHOR_PURPOSE)[0], low=1,
                                     high=ID_MAX)
            if author_id is not None:
                authors.add((post.thread_id, author_id))

    await _batches(ids, batch_rows, batch)
    return authors


async def _named_authors_in_pseudonym_threads() -> set[tuple[int, int]]:
    """Named authors of threads with pseudonyms: a post shown under its author's name
    keeps its retired pseudonym reserved under a tag of (thread, author)."""
    rows = cast(list[tuple[int, int]], await Post.filter(
        author_id__isnull=False, thread__pseudonyms__id__isnull=False).distinct().values_list(
        "thread_id", "author_id"))
    return {(int(thread_id), int(author_id)) for thread_id, author_id in rows}


def _tag_under(sealer: Sealer, make: Callable[..., str], *parts: int) -> str:
    """The tag forum.anonymity computes, under the given key."""
    with sealing.using(sealer):
        return make(*parts)


async def _tags(work: _Resealer, authors: list[tuple[int, int]],
                batch_rows: int) -> set[tuple[int, str]]:
    """Move each (thread, author)'s tags — the retired ones and the current one — to the new
    key; returns every (thread, tag) now under the new key."""
    moved: set[tuple[int, str]] = set()

    async def batch(chunk: list[tuple[int, int]]) -> None:
        for thread_id, author_id in chunk:
            moved.update((thread_id, tag) for tag in await _move_tags(work, thread_id,
                                                                      author_id))

    await _batches(authors, batch_rows, batch)
    return moved


async def _move_tags(work: _Resealer, thread_id: int, author_id: int) -> list[str]:
    keys, found, generation = work.keys, [], 0
    while True:  # retired pseudonyms are numbered 0, 1, … with no gap
        old, new = (_tag_under(k, retired_author_tag, thread_id, author_id, generation)
                    for k in (keys.old, keys.new))
        if not await _move_tag(work, thread_id, old, new):
            break
        found.append(new)
        generation += 1
    old, new = (_tag_under(k, thread_author_tag, thread_id, author_id, generation)
                for k in (keys.old, keys.new))
    if await _move_tag(work, thread_id, old, new):
        found.append(new)
    return found


async def _move_tag(work: _Resealer, thread_id: int, old_tag: str, new_tag: str) -> bool:
    """Whether this thread has a row under ``new_tag`` once moved (already, or now)."""
    if old_tag != new_tag and not await ThreadPseudonym.exists(thread_id=thread_id,
                                                               author_tag=new_tag):
        work.report.tags_moved += await ThreadPseudonym.filter(
            thread_id=thread_id, author_tag=old_tag).update(author_tag=new_tag)
    return await ThreadPseudonym.exists(thread_id=thread_id, author_tag=new_tag)


async def _users(work: _Resealer, batch_rows: int) -> None:
    """Every account's post slots and limit slots, moved to the new key in order (n = 0,
    1, … with no gap), and each limit re-sealed."""
    ids = cast(list[int], await User.all().order_by("id").values_list("id", flat=True))
    matched: dict[str, set[int]] = {"posts.owner_slot": set(), "sealed_limits.slot": set()}

    async def batch(chunk: list[int]) -> None:
        for user_id in chunk:
            matched["posts.owner_slot"].update(
                await _move_slots(work, Post, "owner_slot", owner_slot, user_id))
            for row_id in await _move_slots(work, SealedLimit, "slot", limit_slot, user_id):
                matched["sealed_limits.slot"].add(row_id)
                row = await SealedLimit.get(id=row_id)
                if resealed := work.reseal("sealed_limits.sealed", row.sealed,
                                           f"{LIMIT_PURPOSE}:{user_id}"):
                    await SealedLimit.filter(id=row_id).update(sealed=resealed)

    await _batches(ids, batch_rows, batch)
    # A slot no account's id gives under either key: the old key is not the one in use.
    stored = {"posts.owner_slot": await Post.filter(owner_slot__isnull=False).values_list(
        "id", flat=True), "sealed_limits.slot": await SealedLimit.all().values_list(
        "id", flat=True)}
    for column, row_ids in stored.items():
        if lost := len({int(cast(int, n)) for n in row_ids} - matched[column]):
            work.report.unreadable[column] = work.report.unreadable.get(column, 0) + lost


async def _move_slots(work: _Resealer, model: type[Post] | type[SealedLimit], column: str,
                      make: Callable[[int, int], str], user_id: int) -> list[int]:
    """Move one member's slots of one kind; returns the ids of their rows."""
    rows: list[int] = []
    n = 0
    while True:
        old, new = (_tag_under(k, make, user_id, n) for k in (work.keys.old, work.keys.new))
        found = await model.filter(**{column: new}).first()
        if found is None and (found := await model.filter(**{column: old}).first()):
            await model.filter(id=found.id).update(**{column: new})
            work.report.tags_moved += 1
        if found is None:
            return rows
        rows.append(found.id)
        n += 1


async def _reslot_notes(work: _Resealer, batch_rows: int) -> None:
    """Each sealed note's slot under the new key: its recipient's n-th note of its day (by
    id), the same on every run. A note neither key opens gets a slot nobody can find."""
    rows = await SealedNotification.all().order_by("id").values_list(
        "id", "sealed_recipient", "created_at", "slot")
    seen: dict[tuple[int, int], int] = {}
    wanted: list[tuple[int, str]] = []
    for row_id, sealed, created_at, slot in rows:
        value, _is_new = work.keys.open(str(sealed), NOTICE_PURPOSE)
        recipient = open_recipient_text(value) if value is not None else None
        if recipient is None:
            new_slot = work.keys.new.tag("unfindable-note", row_id)
        else:
            day = day_number(created_at)
            n = seen.get((recipient, day), 0)
            seen[(recipient, day)] = n + 1
            new_slot = note_slot(recipient, day, n, work.keys.new)
        if new_slot != slot:
            wanted.append((int(row_id), new_slot))

    async def batch(chunk: list[tuple[int, str]]) -> None:
        for row_id, new_slot in chunk:
            await SealedNotification.filter(id=row_id).update(slot=new_slot)
        work.report.tags_moved += len(chunk)

    await _batches(wanted, batch_rows, batch)


async def _reseal_column(work: _Resealer, model: type[SealedNotification] | type[
        ReleasedUsername] | type[Draft], column: str, purpose: str, batch_rows: int) -> None:
    """Re-seal one sealed column of every row of a table whose purpose is fixed."""
    ids = cast(list[int], await model.all().order_by("id").values_list("id", flat=True))
    name = f"{model._meta.db_table}.{column}"

    async def batch(chunk: list[int]) -> None:
        for row in await model.filter(id__in=chunk).order_by("id"):
            if resealed := work.reseal(name, getattr(row, column), purpose):
                await model.filter(id=row.id).update(**{column: resealed})

    await _batches(ids, batch_rows, batch)


async def _read_positions(work: _Resealer, batch_rows: int) -> None:
    """Each read position sealed and tagged under the new key, from the member it names."""
    ids = cast(list[int], await ReadPosition.all().order_by("id").values_list("id", flat=True))

    async def batch(chunk: list[int]) -> None:
        for row in await ReadPosition.filter(id__in=chunk).order_by("id"):
            opened, _is_new = work.keys.open(row.sealed_reader, READ_PURPOSE)
            reader = whole_number(opened, low=1, high=ID_MAX) if opened else None
            if reader is None:
                await ReadPosition.filter(id=row.id).delete()
                work.report.unreadable["read_positions.sealed_reader"] = (
                    work.report.unreadable.get("read_positions.sealed_reader", 0) + 1)
                continue
            changes: dict[str, str] = {}
            if resealed := work.reseal("read_positions.sealed_reader", row.sealed_reader,
                                       READ_PURPOSE):
                changes["sealed_reader"] = resealed
            if (tag := work.keys.new.tag(READ_PURPOSE, reader, row.thread_id)) != row.reader_tag:
                changes["reader_tag"] = tag
                work.report.tags_moved += 1
            if changes:
                await ReadPosition.filter(id=row.id).update(**changes)

    await _batches(ids, batch_rows, batch)


async def _scrub_unnamed_tags(named: set[tuple[int, str]], new: Sealer, report: RekeyReport,
                              batch_rows: int) -> None:
    rows = await ThreadPseudonym.all().order_by("id").values_list("id", "thread_id",
                                                                  "author_tag")
    unnamed = [int(row_id) for row_id, thread_id, tag in rows
               if (int(thread_id), str(tag)) not in named]

    async def batch(chunk: list[int]) -> None:
        for row_id in chunk:
            await ThreadPseudonym.filter(id=row_id).update(
                author_tag=new.tag("unnamed", secrets.token_hex(16)))
        report.tags_scrubbed += len(chunk)

    await _batches(unnamed, batch_rows, batch)
