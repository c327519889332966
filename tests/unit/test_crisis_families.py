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


# Wordings added since: numbers of tablets, lethality asked plainly, a day said for the end,
# threats in Spanish and Portuguese, acts in Spanish and Portuguese (sentences written here)

@pytest.mark.parametrize("text", [
    "just swallowed 45 of my dad's heart tablets, feeling dizzy",
    "which dose of propranolol would be fatal for me, honestly asking",
    "does drowning hurt, i'm at the lake",
    "i won't be here on friday so please don't save me a seat",
    "me tomé todas las pastillas de mi abuela hace un rato",
    "tomei uma cartela inteira agora há pouco, estou tonta",
    "mi novio dijo que me va a matar cuando vuelva a casa",
    "meu pai falou que vai me matar hoje, estou escondida",
])
def test_newer_wordings_of_acts_lethality_finality_and_threats_are_urgent(text):
    assert level(text) is URGENT


@pytest.mark.parametrize("text", [
    "I'm going to end my life when the exam results come out on thursday",
    "going to jump off the roof of the library after my last exam",
])
def test_an_exam_or_a_day_beside_a_plan_does_not_weigh_it_down(text):
    assert level(text) is URGENT


@pytest.mark.parametrize("text", [
    "this hay fever is going to kill me, third box of tissues",
    "esse calor vai me matar, quarenta graus hoje",
    "i'm going to jump off the diving board tomorrow for the first time, wish me luck",
])
def test_a_thing_that_will_kill_me_or_a_harmless_jump_is_not_urgent(text):
    assert level(text) is not URGENT


@pytest.mark.parametrize("text", [
    "the traffic on the m25 is going to finish me off",
    "i'm standing on the foot bridge with my binoculars for the kingfishers",
])
def test_the_rules_read_no_threat_in_traffic_and_no_danger_in_a_hobby_on_a_bridge(text):
    """The rules alone: a threat needs a person, and a place with what one does there is not
    a plan. (The learned model still reads some such sentences as urgent on its own — a known
    limit in docs/crisis-detection.md.)"""
    assert detect(text, use_model=False).level is NONE


@pytest.mark.parametrize("text", [
    "lol kms the printer jammed again",
    "haha i want to unalive myself, i sent the wrong slide to the whole class",
])
def test_a_joke_marked_as_one_is_not_urgent(text):
    assert level(text) is not URGENT


@pytest.mark.parametrize("text", [
    "planning my sewer slide for saturday lol not even joking",
    "vou me matar hoje kkkk não é brincadeira",
])
def test_a_joke_marker_beside_a_time_or_a_not_joking_stays_urgent(text):
    assert level(text) is URGENT


@pytest.mark.parametrize("text", [
    "i want my dad's last memory of me to be the two of us fishing on sunday",
    "ending everything on saturday, the flat is tidy and the cat has a new home",
    "the tablets are in my jacket pocket and i'm on the bus to the coast",
    "le di mi gato a mi hermana esta mañana, ella lo va a cuidar mejor que yo",
])
def test_finality_and_means_said_in_other_words_are_urgent(text):
    assert level(text) is URGENT


@pytest.mark.parametrize("text", [
    "logging off for good now, thanks for everything",
    "my last message is queued for midnight",
])
def test_a_quiet_farewell_is_at_least_a_concern(text):
    assert level(text) is not NONE


@pytest.mark.parametrize("text", [
    "does anyone else hate it when people say 'kms' about a bad haircut",
    "my niece told me 'ctb' stands for something awful online, is that true?",
])
def test_a_word_talked_about_is_not_urgent(text):
    assert level(text) is not URGENT
