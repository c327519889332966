"""A new anonymity key carries every member's read positions over: `forum rekey` seals and
tags them again, so "new since your last visit" still works under the new key."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from forum import sealing
from forum.actions.rekey import rekey
from forum.models.reading import ReadPosition
from forum.sealing import sealer_for

from ..factories import make_reply, make_story

NEW_KEY = "the-new-anonymity-key-for-reading-0123456789-abcdefghij"


@pytest.fixture
def old_key(settings: Any) -> Iterator[str]:
    yield settings.anonymity_secret
    sealing.configure(settings.anonymity_secret)


async def test_a_rekey_moves_read_positions_to_the_new_key(member, other_member, old_key):
    story = await make_story(other_member.user, title="Still reading")
    seen = await make_reply(other_member.user, story, "Seen before")
    marked = await member.post_form(f"/stories/{story.thread_id}/read", {"post_id": seen.id})
    assert marked.status_code == 303
    await make_reply(other_member.user, story, "New since")
    before = await ReadPosition.get(thread_id=story.thread_id)
    old, new = sealer_for(old_key), sealer_for(NEW_KEY)
    await ReadPosition.create(thread_id=story.thread_id, last_read_post_id=seen.id,
                              reader_tag="f" * 40, sealed_reader="v1:not-a-sealed-value")

    report = await rekey(old, new)

    after = await ReadPosition.get(thread_id=story.thread_id)  # the unopenable one is gone
    assert after.reader_tag != before.reader_tag and after.sealed_reader != before.sealed_reader
    assert old.unseal(after.sealed_reader, "read-position") is None
    assert report.unreadable.get("read_positions.sealed_reader") == 1
    sealing.configure(NEW_KEY)
    page = (await member.get(f"/stories/{story.thread_id}")).text
    assert "New since your last visit" in page and "(1 new)" in page
    again = await rekey(old, new)  # done once
    assert again.resealed.get("read_positions.sealed_reader") is None
    assert (await ReadPosition.get(thread_id=story.thread_id)).reader_tag == after.reader_tag
