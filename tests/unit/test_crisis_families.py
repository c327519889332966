"""Each failure family that independent testing found, with sentences written for these tests
(none is in the corpus's train split, or anywhere in the corpus), through the whole detector
(rules and model) as posting uses it."""

from __future__ import annotations

import pytest

from forum.safety.crisis import CrisisLevel, detect

NONE, CONCERN, URGENT = CrisisLevel.NONE, CrisisLevel.CONCERN, CrisisLevel.URGENT
pytestmark = pytest.mark.backend_independent

CALM_STORY = (
    "It has been a long road and I wanted to write it all down for the newer members. "
    "The first year after my son was born I could not get out of bed, and my mum came every "
    "morning to help. We moved twice, I changed jobs, and my partner learned to cook. "
    "Therapy helped, slowly, and so did the walking group on Saturdays by the canal. ") * 4


def level(text: str) -> CrisisLevel:
    return detect(text).level


# 1. Danger from another person, and reported speech that does not soften it

@pytest.mark.parametrize("text", [
    "my husband is banging on the bathroom door saying he'll finish me tonight",
    "he had his hands around my throat until everything went grey",
    "she said she would kill me and the kids if I try to leave again",
    "my boyfriend has a knife and he's outside the flat right now",
])
def test_danger_from_another_person_is_urgent(text):
    assert level(text) is URGENT


# 2. Bounded weighing down: an emoji or an ordinary word beside a direct statement

@pytest.mark.parametrize("text", [
    "going to kill myself after the football tonight 🙂",
    "I'm going to end my life on Sunday after lunch",
    "I want to die, pass the salt lol",
])
def test_an_ordinary_word_or_emoji_does_not_cancel_a_direct_statement(text):
    assert level(text) in (URGENT, CONCERN)
    assert level(text) is not NONE


# 3. Surface wording: acts, places, means, finality, lethality, spelling, slang, languages

@pytest.mark.parametrize("text", [
    "i've swallowed all of my mum's sleeping tablets",
    "I'm sitting on the edge of the bridge on the ring road",
    "the rope is in my bag and I know which tree",
    "my goodbye letters are written and on the kitchen table",
    "how many paracetamol would it take for someone my weight",
    "im so sucidal tonight",
    "gonna k*ll myself",
    "kms tonight fr",
    "quiero matarme esta noche",
    "vou me matar hoje",
])
def test_acts_places_means_finality_and_their_wordings_are_urgent(text):
    assert level(text) is URGENT


# 4. Long posts: one present sentence anywhere is seen; a healing story is not urgent

def test_one_present_sentence_in_a_long_calm_post_is_seen():
    text = CALM_STORY + "But tonight I have the pills lined up and I am going to take them. " \
        + CALM_STORY
    assert level(text) is URGENT


def test_a_long_healing_story_does_not_add_up_to_urgent():
    text = ("Ten years ago I tried to kill myself. Back then I wanted to die every single day. "
            "I cut myself for years as a teenager. ") + CALM_STORY + (
        "I'm safe now, and I wanted you to know it gets better.")
    assert level(text) is not URGENT


# 5. Context: supportive replies and dark jokes are not urgent

@pytest.mark.parametrize("text", [
    "If you are thinking about suicide tonight, please call or text 988, you matter.",
    "> I want to die\nI'm so glad you posted. Are you safe right now? Samaritans are on 116 123.",
    "Survived my attempt twelve years ago and now I'm training to be a counsellor.",
])
def test_support_and_survivors_are_not_urgent(text):
    assert level(text) is not URGENT


# 6. "I can't cope" and a present relapse reach concern

@pytest.mark.parametrize("text", [
    "I honestly can't cope anymore with any of it",
    "relapsed again last night after 90 days",
])
def test_cant_cope_and_a_present_relapse_are_a_concern(text):
    assert level(text) in (CONCERN, URGENT)


def test_ordinary_life_is_left_alone():
    for text in ("This commute is killing me.", "Made soup, the kids hated it, small win anyway.",
                 "Booked my first driving lesson!"):
        assert level(text) is NONE, text
