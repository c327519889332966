"""A new anonymity key carries every member's drafts over: `forum rekey` re-seals them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from forum import sealing
from forum.actions.rekey import rekey
from forum.models.content import Draft
from forum.sealing import sealer_for

NEW_KEY = "the-new-anonymity-key-for-drafts-0123456789-abcdefghij"


@pytest.fixture
def old_key(settings: Any) -> Iterator[str]:
    yield settings.anonymity_secret
    sealing.configure(settings.anonymity_secret)


async def test_a_rekey_reseals_drafts_and_they_open_under_the_new_key(member, old_key):
    saved = await member.post_form("/stories/new/draft", {
        "category": "small-wins", "title": "Still writing", "body": "The words so far"})
    assert saved.status_code == 303
    before = (await Draft.get(user_id=member.user.id)).sealed
    old, new = sealer_for(old_key), sealer_for(NEW_KEY)

    report = await rekey(old, new)

    assert report.resealed.get("drafts.sealed") == 1
    after = (await Draft.get(user_id=member.user.id)).sealed
    assert after != before and old.unseal(after, "draft") is None
    sealing.configure(NEW_KEY)
    page = await member.get("/drafts")
    assert "Still writing" in page.text
    assert (await rekey(old, new)).resealed.get("drafts.sealed") is None  # done once
