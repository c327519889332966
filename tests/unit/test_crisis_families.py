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


# Wordings added since (sentences written here): threats in their many forms, a weapon held,
# means within reach, urges about a baby, plain finality, an act followed by how the body is
# now, a habit said with a direct statement, a year gone by

def rules(text: str) -> CrisisLevel:
    return detect(text, use_model=False).level


@pytest.mark.parametrize("text", [
    "my ex keeps saying he'll snap my arm, no, he said he'll break my neck if i go to the police",
    "he told me if i ever tell my sister he'll put me in the ground",
    "he texted 'i'll slit your throat' at 2am and he knows where i park",
    "my girlfriend's brother has been threatening to stab her since friday",
    "she's been sending me death threats from new accounts all week",
    "he's standing in the hall waving a kitchen knife",
    "he pointed his rifle at me and the baby and laughed",
    "my stepdad had my mum by the throat against the fridge",
    "she is threatening to take the kids and he says she means it",
])
def test_a_threat_or_a_weapon_from_another_person_is_urgent(text):
    assert rules(text) is URGENT


@pytest.mark.parametrize("text", [
    "he said he'd take me to the match on saturday",
    "she said she'll take it back to the shop tomorrow",
    "the coach said he's going to end the season with a barbecue",
    "my grandad said he'll fix the fence when it stops raining",
])
def test_a_plan_someone_tells_is_no_threat(text):
    assert rules(text) is NONE


@pytest.mark.parametrize("text", [
    "the blade is on my lap and i keep looking at it",
    "i've got the tablets in my hand and the water next to me",
    "the rope is already up in the loft",
    "my dad's car running in the garage and i'm sitting in it",
])
def test_means_within_reach_are_urgent(text):
    assert rules(text) is URGENT


@pytest.mark.parametrize("text", [
    "i swallowed the whole box of my nan's sleeping tablets and my chest feels tight",
    "took 40 of my co codamol. i can't feel my hands",
])
def test_an_act_told_with_how_the_body_is_now_is_urgent(text):
    assert rules(text) is URGENT


def test_an_act_told_as_long_ago_stays_a_story():
    assert rules("i swallowed the whole box of my nan's sleeping tablets once, in 2014. "
                 "i'm a pharmacist now") is not URGENT


@pytest.mark.parametrize("text", [
    "i keep getting pictures in my head of dropping my daughter down the stairs, i'd never",
    "terrified i might smother him when he won't stop crying",
])
def test_frightening_images_of_harming_a_baby_are_a_concern(text):
    assert rules(text) is CONCERN


def test_not_trusting_oneself_with_the_baby_is_urgent():
    assert rules("i don't trust myself with her tonight, please someone come") is URGENT


@pytest.mark.parametrize("text", [
    "one last swim in the sea and then i'm done",
    "bought a single to the coast, i won't need a return",
    "if you don't hear from me after tonight, it's not your fault",
    "i'll be gone by then, the spare key is under the pot",
])
def test_plain_finality_is_seen(text):
    assert rules(text) in (CONCERN, URGENT)


def test_a_direct_statement_said_of_a_habit_stays_a_concern():
    assert rules("i want to throw myself off a bridge every time my boss emails") is CONCERN


@pytest.mark.parametrize("text", [
    "i'm sat on the railway bridge with my flask, counting freight wagons",
    "running to catch the bus in five minutes, talk later",
    "a year on, the strangling stopped when he was arrested. i'm safe in my own flat",
])
def test_a_hobby_a_family_acronym_and_a_year_on_are_not_urgent(text):
    assert rules(text) is not URGENT
