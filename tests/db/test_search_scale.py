"""A word found in more posts than search ranks: the newest ``MAX_RESULTS`` are ranked and
counted, the older ones are left out — on SQLite (FTS5) and PostgreSQL (tsvector)."""

from __future__ import annotations

from forum.queries import search
from forum.queries.search import parse_query, search_posts

from ..factories import make_reply, make_story, make_user


async def test_search_ranks_only_the_newest_matches_and_counts_up_to_them(db, monkeypatch):
    author = await make_user("heron_writer")
    story = await make_story(author, title="Evenings", body="Nothing to find here.")
    replies = [await make_reply(author, story, f"The lantern helped, night {n}.")
               for n in range(5)]
    monkeypatch.setattr(search, "MAX_RESULTS", 3)
    found = await search_posts(parse_query("lantern"))
    assert found.total == 3
    assert {hit.post.id for hit in found.hits} == {r.id for r in replies[-3:]}
    monkeypatch.setattr(search, "MAX_RESULTS", 500)
    assert (await search_posts(parse_query("lantern"))).total == 5
