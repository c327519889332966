"""A member finds their sealed notes (news about anonymous posts) by their own keyed slots:
however many notes the rest of the forum gets, theirs are all there, found with a cost set by
their own notes; writers racing for one member's next slot each get a slot; notes written
before slots existed get one; a new key moves them; a year on, whole days are deleted."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from forum import sealing
from forum.actions.maintenance import give_old_notes_slots, prune
from forum.actions.notify import Note, send_sealed_event
from forum.models.notifications import SealedNotification
from forum.notice_recipients import SEALED_NOTES_KEPT_DAYS, seal_recipient
from forum.queries.community import notifications_for, unread_count

from ..conftest import count_queries
from ..factories import make_user

OTHERS = 2_100  # the old forum-wide window read only the newest 2,000 sealed notes


async def test_a_note_stays_findable_however_many_notes_others_get_after_it(db):
    author = await make_user("wren_author")
    others = [await make_user(f"reader_{n}") for n in range(3)]
    await send_sealed_event([Note(author.id, "reply_to_story", "Someone replied")], "/posts/1")
    for start in range(0, OTHERS, 300):
        await SealedNotification.bulk_create([SealedNotification(
            sealed_recipient=seal_recipient(others[n % 3].id), kind="followed_thread",
            message="news", link=f"/posts/{n + 2}", slot=f"{n:040x}")
            for n in range(start, min(start + 300, OTHERS))])
    assert await unread_count(author) == 1
    assert [n.message for n in await notifications_for(author)] == ["Someone replied"]


async def test_the_bell_costs_one_query_unless_a_day_brought_many_notes(db):
    member = await make_user()
    with count_queries() as few:
        assert await unread_count(member) == 0
    for n in range(5):
        await send_sealed_event([Note(member.id, "reply_to_story", f"reply {n}")], f"/p/{n}")
    with count_queries() as some:
        assert await unread_count(member) == 5
    for n in range(5, 20):
        await send_sealed_event([Note(member.id, "reply_to_story", f"reply {n}")], f"/p/{n}")
    with count_queries() as many:
        assert await unread_count(member) == 20
    assert (len(few.statements), len(some.statements)) == (1, 1)
    assert len(many.statements) == 3  # slots 0-7 with the rest of the month, then 8-15, then 16-23
    shown = await notifications_for(member)
    assert sorted(n.message for n in shown) == sorted(f"reply {n}" for n in range(20))


async def test_writers_racing_for_one_members_next_slots_each_get_one(db):
    member = await make_user()
    await asyncio.gather(*(
        send_sealed_event([Note(member.id, "followed_thread", f"event {n}")], f"/e/{n}")
        for n in range(12)))
    stored = await SealedNotification.all()
    assert len(stored) == 12 and len({n.slot for n in stored}) == 12
    assert await unread_count(member) == 12


async def test_notes_written_before_slots_get_one_and_are_found(db):
    member = await make_user()
    yesterday = datetime.now(UTC) - timedelta(days=1)
    for n in range(10):
        await SealedNotification.create(sealed_recipient=seal_recipient(member.id),
                                        kind="followed_thread", message=f"old {n}",
                                        link=f"/o/{n}", created_at=yesterday)
    await SealedNotification.create(sealed_recipient="v1:not-this-key", kind="x",
                                    message="unreadable", link="/x")
    assert await unread_count(member) == 0
    assert await give_old_notes_slots() == 11
    assert await give_old_notes_slots() == 0
    assert await unread_count(member) == 10
    assert len(await notifications_for(member)) == 10


async def test_sealed_notes_go_after_a_year_a_whole_day_at_a_time(db, settings):
    member = await make_user()
    now = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)
    last_kept_day = now - timedelta(days=SEALED_NOTES_KEPT_DAYS)
    for n, moment in enumerate([last_kept_day.replace(hour=0, minute=1),
                                last_kept_day.replace(hour=23),
                                last_kept_day - timedelta(days=1)]):
        await SealedNotification.create(sealed_recipient=seal_recipient(member.id), kind="x",
                                        message=f"note {n}", link="/l", created_at=moment,
                                        slot=f"{n:040x}")
    pruned = await prune(settings, moment=now)
    assert pruned.sealed_notifications == 1
    assert sorted(n.message for n in await SealedNotification.all()) == ["note 0", "note 1"]


async def test_a_new_key_moves_every_slot_and_the_notes_are_found_with_it(db):
    from forum.actions.rekey import rekey

    member = await make_user()
    for n in range(10):
        await send_sealed_event([Note(member.id, "followed_thread", f"n{n}")], f"/n/{n}")
    before = {n.id: n.slot for n in await SealedNotification.all()}
    old, new = sealing.current(), sealing.sealer_for("a brand new anonymity key for tests")
    report = await rekey(old, new)
    after = {n.id: n.slot for n in await SealedNotification.all()}
    assert all(after[i] != before[i] for i in before) and report.tags_moved >= 10
    with sealing.using(new):
        assert await unread_count(member) == 10
    again = await rekey(old, new)
    assert {n.id: n.slot for n in await SealedNotification.all()} == after
    assert again.resealed_total == 0
