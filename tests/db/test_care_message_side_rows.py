"""A care message says nothing in the database about where its recipient lives.

The adversary holds a copy of the database (without the key) and knows the crisis resource
directory: a care message sent through an anonymous post must not write any region's
helpline into any row, or the row would say which region the anonymous author is in. The
member still sees their own region's helplines with the message, looked up as they read it.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from tortoise import Tortoise, connections

from forum.actions.notify import send
from forum.models.content import Post
from forum.models.safety import CrisisResource
from forum.safety.resources import SHIPPED

WORDS = "We're thinking of you tonight, and we're glad you wrote."
# What a copy's reader could look for: every entry's name and every way to reach it, and
# every country's name. A hit must stand alone (not inside a sealed value's characters).
_SEALED_CHARACTERS = "A-Za-z0-9+/=_-"


async def needles() -> set[str]:
    found: set[str] = {name for code, name in SHIPPED.countries.items() if code != "INTL"}
    for r in await CrisisResource.all():
        found |= {v for v in (r.name, r.phone, r.phone_display, r.text_number, r.website,
                              r.chat_url) if v}
    return found


def stands_alone(needle: str, text: str) -> bool:
    return re.search(f"(?<![{_SEALED_CHARACTERS}]){re.escape(needle)}"
                     f"(?![{_SEALED_CHARACTERS}])", text) is not None


def _text(value: Any) -> str:
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).decode("utf-8", "replace")
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


async def every_row() -> set[tuple[str, tuple[str, ...]]]:
    """Every row of every table the models know, each as (table, its values as text)."""
    conn = connections.get("default")
    tables = sorted({m._meta.db_table for app in Tortoise.apps.values() for m in app.values()})
    rows: set[tuple[str, tuple[str, ...]]] = set()
    for table in tables:
        for row in await conn.execute_query_dict(f"SELECT * FROM {table}"):
            rows.add((table, tuple(f"{k}={_text(v)}" for k, v in sorted(row.items()))))
    return rows


async def anonymous_story(client) -> Post:
    response = await client.post_form("/stories/new", {
        "category": "depression-anxiety", "title": "Tonight", "anonymous": "1",
        "body": "I don't know who to tell. Everything feels heavy lately.",
        "submission_id": "care-side-rows-0001"})
    assert response.status_code == 303, response.text[:500]
    story = await Post.filter(is_story=True).order_by("-id").first()
    assert story.is_anonymous
    return story


async def test_a_care_message_writes_no_helpline_of_any_region_yet_the_member_sees_theirs(
        member, moderator, client_factory):
    assert (await member.post_form("/account", {"country": "GB"})).status_code == 303
    story = await anonymous_story(member)
    before = await every_row()
    sent = await moderator.post_form(f"/mod/posts/{story.id}/care", {"message": WORDS})
    assert sent.status_code == 303
    written = await every_row() - before
    assert {table for table, _ in written} >= {"sealed_notifications"}
    looked_for = await needles()
    assert "Samaritans" in looked_for and "116 123" in looked_for and "988" in looked_for
    leaks = [(table, needle) for table, values in written for needle in looked_for
             if any(stands_alone(needle, value) for value in values)]
    assert leaks == []

    page = (await member.get("/notifications")).text.replace("&#39;", "'")
    assert WORDS in page
    assert "Samaritans" in page and "116 123" in page  # their region's, with the message
    assert "Find A Helpline" in page  # and help anywhere
    assert "988 Suicide" not in page
    account = (await member.get("/account")).text.replace("&#39;", "'")
    assert WORDS in account and "Samaritans" in account
    api = await client_factory(member.user, api_token=True)
    notes = (await api.api("GET", "/api/v1/me/notifications")).json()["notifications"]
    care = [n["message"] for n in notes if n["message"].startswith(WORDS)]
    assert len(care) == 1 and "Samaritans: 116 123" in care[0]

    # The region is the member's at the moment they read: they moved, and so does the help.
    assert (await member.post_form("/account", {"country": "US"})).status_code == 303
    moved = (await member.get("/notifications")).text
    assert "988 Suicide" in moved and "Samaritans" not in moved


async def test_a_care_message_stored_with_its_helplines_before_still_reads_as_it_was(
        member):
    """Notes of the older kind carry the helplines in their text: shown as they are, once."""
    older = f"{WORDS} — Samaritans: 116 123 · Find A Helpline: https://findahelpline.com"
    await send(member.user.id, "care", older, "/help", sealed=True)
    page = (await member.get("/notifications")).text.replace("&#39;", "'")
    assert older in page
    assert page.count("Samaritans") == 1 and 'class="resources care-help"' not in page
