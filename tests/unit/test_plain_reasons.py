"""Every phrase the crisis detector can name reaches moderators in plain words."""

from __future__ import annotations

import re

from forum.safety.crisis import WEIGHTS, CrisisLevel, Detection, noticed
from forum.safety.plain_reasons import PLAIN, plain_note


def test_every_phrase_the_detector_knows_has_plain_words():
    assert set(WEIGHTS) <= set(PLAIN), sorted(set(WEIGHTS) - set(PLAIN))


def test_no_plain_wording_reads_like_an_id():
    for words in PLAIN.values():
        assert "_" not in words and words == words.strip() and len(words) > 8, words


def test_a_system_notes_ids_become_words_and_a_members_note_is_left_alone():
    note = noticed(Detection(CrisisLevel.URGENT, 1.0,
                             ("dont_want_to_live", "plan", "some_new_phrase")))
    shown = plain_note(note)
    assert "says they don't want to live" in shown and "says they have a plan" in shown
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", shown), shown  # even an id not listed yet
    assert plain_note("I saw dont_want_to_live in a meme") == "I saw dont_want_to_live in a meme"
