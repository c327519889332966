"""Pseudonyms: stable in a thread, unrelated across threads, unique in a thread, gentle."""

from __future__ import annotations

import pytest

from forum import sealing
from forum.anonymity import (
    PSEUDONYM_WORDS,
    choose_pseudonym,
    pseudonym_candidates,
    thread_author_tag,
)


@pytest.fixture(autouse=True)
def key(settings):
    sealing.configure("pseudonym-test-key")
    yield
    sealing.configure(settings.anonymity_secret)  # the key every other test uses


def name(thread_id: int, user_id: int, taken: frozenset[str] = frozenset()) -> str:
    return choose_pseudonym(thread_id, thread_author_tag(thread_id, user_id), set(taken),
                            "Anonymous")


def test_the_same_author_in_the_same_thread_always_gets_the_same_name():
    assert name(7, 42) == name(7, 42)
    assert name(7, 42).startswith("Anonymous ")


def test_names_across_threads_collide_only_as_often_as_the_word_list_implies():
    pairs = 10_000
    same = sum(name(2 * n, 99) == name(2 * n + 1, 99) for n in range(pairs))
    expected = pairs / len(PSEUDONYM_WORDS)  # ≈ 50 with 199 words
    assert expected / 3 < same < expected * 2.5, same


def test_a_taken_name_moves_the_next_author_on_and_stays_unique():
    first = name(5, 1)
    other_user = next(u for u in range(2, 5000)
                      if pseudonym_candidates(5, thread_author_tag(5, u), "Anonymous")[0]
                      == first)
    second = name(5, other_user, frozenset({first}))
    assert second != first and second.startswith("Anonymous ")


def test_a_crowded_thread_still_finds_a_free_name():
    taken: set[str] = set()
    for user_id in range(len(PSEUDONYM_WORDS) + 5):
        chosen = name(9, user_id, frozenset(taken))
        assert chosen not in taken
        taken.add(chosen)


def test_the_word_list_is_large_gentle_and_without_repeats():
    assert len(PSEUDONYM_WORDS) >= 150
    assert len(set(PSEUDONYM_WORDS)) == len(PSEUDONYM_WORDS)
    unkind = {"Rat", "Snake", "Leech", "Vulture", "Worm", "Crow", "Slug", "Hyena", "Skull",
              "Ghost", "Grave", "Knife", "Storm", "Shadow", "Poison"}
    assert not unkind & set(PSEUDONYM_WORDS)


def test_a_different_key_gives_different_tags():
    before = thread_author_tag(1, 1)
    sealing.configure("another-key")
    assert thread_author_tag(1, 1) != before
