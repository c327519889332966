"""Crisis detection's rules (the learned model left out: tests/unit/test_crisis_model.py): the
project's own sentences, each folding rule, negations, idioms. Pure: no DB."""

import re
from collections import Counter
from pathlib import Path

import pytest

from forum.safety import crisis
from forum.safety.crisis import (
    CONCERN_THRESHOLD,
    PHRASES,
    URGENT_THRESHOLD,
    WEIGHTS,
    CrisisLevel,
    Detection,
    fold_text,
)

NONE, CONCERN, URGENT = CrisisLevel.NONE, CrisisLevel.CONCERN, CrisisLevel.URGENT
CORPUS = Path(__file__).with_name("crisis_corpus.tsv")
MIN_URGENT_RECALL = 0.95
MAX_FALSE_URGENT = 0.05  # share of `none` lines detected as urgent


def detect(text: str) -> Detection:
    return crisis.detect(text, use_model=False)


def rules_many(*texts: str) -> Detection:
    return crisis.detect_many(*texts, use_model=False)


def level(text: str) -> CrisisLevel:
    return detect(text).level


def ids(text: str) -> set[str]:
    """The phrase ids matched, without the reasons in brackets."""
    return {name.split(" ")[0] for name in detect(text).matched}


def load_corpus() -> list[tuple[CrisisLevel, str]]:
    rows = []
    for number, line in enumerate(CORPUS.read_text(encoding="utf-8").splitlines(), 1):
        label, tab, sentence = line.partition("\t")
        assert tab and sentence.strip(), f"line {number} is not label<TAB>sentence"
        rows.append((CrisisLevel(label), sentence))
    return rows


# The corpus

def test_the_corpus_is_large_enough_and_covers_every_label():
    counts = Counter(label for label, _ in load_corpus())
    assert sum(counts.values()) >= 170
    assert min(counts[NONE], counts[CONCERN], counts[URGENT]) >= 40


def test_the_corpus_meets_urgent_recall_and_false_positive_targets():
    matrix: Counter[tuple[CrisisLevel, CrisisLevel]] = Counter()
    misses = []
    for expected, sentence in load_corpus():
        found = level(sentence)
        matrix[expected, found] += 1
        if found is not expected:
            misses.append(f"  {expected:>7} → {found:<7} {sentence!r}")
    levels = [NONE, CONCERN, URGENT]
    print("\nCrisis corpus: rows = label, columns = detected")
    print(f"{'':>9}" + "".join(f"{found:>9}" for found in levels))
    for expected in levels:
        print(f"{expected:>9}" + "".join(f"{matrix[expected, found]:>9}" for found in levels))
    print("Disagreements:", *misses or ["  none"], sep="\n")

    urgent_total = sum(matrix[URGENT, found] for found in levels)
    none_total = sum(matrix[NONE, found] for found in levels)
    recall = matrix[URGENT, URGENT] / urgent_total
    false_urgent = matrix[NONE, URGENT] / none_total
    print(f"urgent recall {recall:.1%}, none detected as urgent {false_urgent:.1%}")
    assert recall >= MIN_URGENT_RECALL
    assert false_urgent <= MAX_FALSE_URGENT


# The phrase list

def test_phrase_ids_are_unique_names_and_weights_sit_between_zero_and_one():
    assert len({phrase_id for phrase_id, _, _ in PHRASES}) == len(PHRASES) == len(WEIGHTS)
    for phrase_id, weight, _ in PHRASES:
        assert re.fullmatch(r"[a-z_]+", phrase_id)
        assert 0 < weight <= URGENT_THRESHOLD
    assert 0 < CONCERN_THRESHOLD < URGENT_THRESHOLD


# Folding: each normalisation on its own

@pytest.mark.parametrize(("raw", "folded"), [
    ("I WANT To Die", "i want to die"),  # case
    ("suícide, SUÏCIDE, süicide", "suicide, suicide, suicide"),  # accents
    ("ｓｕｉｃｉｄｅ", "suicide"),  # full width
    ("𝐤𝐢𝐥𝐥 𝐦𝐲𝐬𝐞𝐥𝐟", "kill myself"),  # mathematical bold
    ("kіll mysеlf", "kill myself"),  # Cyrillic і and е
    ("κill myself, dіe, suicidаl", "kill myself, die, suicidal"),  # Greek κ, Cyrillic і, а
    ("k\u200bi\u200cl\u200dl my\u2060se\ufefflf", "kill myself"),  # zero-width characters
    ("sui\u00adcide", "suicide"),  # soft hyphen
    ("I’m", "i'm"),  # curly apostrophe
    ("k1ll mys3lf, d13, $u1c1d@l", "kill myself, die, suicidal"),  # letter-for-digit swaps
    ("call 988 or text 741741", "call 988 or text 741741"),  # numbers stay numbers
    ("s u i c i d e", "suicide"),  # letters spaced out
    ("k.i.l.l myself, s-u-i-c-i-d-e, k i l l", "kill myself, suicide, kill"),
    ("s u 1 c 1 d e", "suicide"),  # spaced out and swapped
])
def test_folding_undoes_each_disguise(raw, folded):
    assert fold_text(raw) == folded


def test_folding_leaves_ordinary_words_and_pairs_of_letters_alone():
    assert fold_text("a b and the therapist") == "a b and the therapist"
    assert fold_text("Plan A, B or C") == "plan a, b or c"


def test_thousands_of_zero_width_characters_inside_a_word_vanish():
    assert level("k" + "\u200b" * 5000 + "ill myself") is URGENT


@pytest.mark.parametrize("text", [
    "I WANT TO KILL MYSELF", "i want to kіll myself", "I want to k1ll myself",
    "i want to k\u200bi\u200bl\u200bl myself", "i want to k i l l  m y s e l f",
    "I'm thinking about suícide", "ｉ ｗａｎｔ ｔｏ ｄｉｅ", "#killmyself", "kms", "unalive myself",
])
def test_disguised_intent_is_urgent(text):
    assert level(text) is URGENT


# Word boundaries

@pytest.mark.parametrize("text", [
    "I skill myself up every weekend", "the therapist", "the rapist", "kill myselfie",
    "diet", "overkill myself-help books", "the pills we take", "I ran 10 kms",
])
def test_a_phrase_inside_a_longer_word_is_not_a_match(text):
    assert level(text) is NONE
    assert "kill_myself" not in ids(text)


def test_therapist_matches_nothing():
    assert detect("My therapist, the therapist's office, therapists.").matched == ()


# Negations

@pytest.mark.parametrize(("text", "phrase"), [
    ("I'm not suicidal, just sad.", "suicidal"),
    ("I would never hurt myself.", "self_harm_act"),
    ("I don't want to die, I want things to change.", "want_to_die"),
    ("I no longer want to die.", "want_to_die"),
    ("I wouldn't kill myself, my kids need me.", "kill_myself"),
    ("I'm not going to kill myself, I promise.", "kill_myself"),
])
def test_a_negation_just_before_a_phrase_weighs_it_down(text, phrase):
    detection = detect(text)
    assert detection.level is NONE
    assert f"{phrase} (negated)" in detection.matched


@pytest.mark.parametrize("text", [
    "I'm not okay and I want to die.",  # the negation is in another clause
    "I'm not going to lie, I want to die.",
    "I'm not sure why I want to die.",  # "not sure" is not a negation
    "I don't know if anyone cares, I want to kill myself.",
    "I don't want to live anymore.",  # the negation is part of the phrase
    "I don't see any reason to live.",
])
def test_a_negation_elsewhere_does_not_hide_a_cry(text):
    assert level(text) is URGENT


# Idioms, reports, recovery, support, news

@pytest.mark.parametrize("text", [
    "This commute is killing me.", "I'd kill for a coffee.", "I'm dying to know the ending.",
    "My feet are killing me.", "That joke killed me.", "I could murder a pizza.",
    "I'm killing it at work.", "I'm dying to try that bakery.", "Kill me now, this meeting.",
    "This traffic makes me want to die.", "I cut myself while cooking.",
])
def test_idioms_are_not_a_crisis(text):
    assert level(text) is NONE


@pytest.mark.parametrize(("text", "reason"), [
    ("My friend said she wanted to die, how do I help her?", "report"),
    ("Two years ago I attempted suicide, today I'm celebrating.", "recovery"),
    ("I used to want to die every day.", "recovery"),
    ("If you're thinking about suicide, please call 988.", "supportive"),
    ("Suicide prevention week is coming up.", "supportive"),
    ("Suicide rates fell last year, the study says.", "news"),
    ("My feet are killing me.", "idiom"),
    ("I'm dying to know.", "idiom"),
])
def test_a_weighed_down_match_says_why(text, reason):
    detection = detect(text)
    assert detection.level is NONE
    assert any(name.endswith(f"({reason})") for name in detection.matched), detection.matched


# Scores, levels and explanations

def test_the_result_lists_the_phrases_that_counted_strongest_first():
    detection = detect("I relapsed again and I don't see the point anymore.")
    assert detection == Detection(URGENT, 1.1, ("dont_see_the_point", "relapse_now"))


def test_concern_phrases_add_up_and_a_repeated_phrase_counts_once():
    assert level("I'm so tired of everything.") is CONCERN
    assert level("What's the point. What's the point. What's the point.") is CONCERN
    assert level("I feel like a burden, nothing matters, I'm so tired of everything.") is URGENT


def test_a_phrase_inside_a_phrase_as_strong_adds_nothing():
    detection = detect("Last night I tried to kill myself.")
    assert detection.matched == ("tried_to_die",)
    assert detection.score == 1.0


def test_weak_signals_alone_are_not_a_concern():
    assert detect("I relapsed.").level is NONE
    assert detect("The guilt is killing me.").level is NONE


def test_detection_is_deterministic():
    text = "I hate myself, what's the point, I feel numb and I want to disappear. " * 20
    assert len({detect(text) for _ in range(5)}) == 1
    assert detect(text).matched == ("disappear", "numb", "self_hatred", "what_is_the_point")


def test_detect_many_takes_the_highest_level_and_combines_the_matches():
    combined = rules_many("Suicide prevention? What's the point", "I want to kill myself.")
    assert combined.level is URGENT
    assert combined.score == 1.0
    assert combined.matched == ("kill_myself", "what_is_the_point", "suicide (supportive)")
    assert rules_many("What's the point", "A good day.").level is CONCERN
    assert rules_many("Title", "Body") == Detection(NONE, 0.0, ())
    assert rules_many() == Detection(NONE, 0.0, ())


def test_empty_and_blank_texts_are_none():
    assert detect("") == Detection(NONE, 0.0, ())
    assert detect(" \n\t ") == Detection(NONE, 0.0, ())


# Hostile input: 20 KB of near misses returns, and right (time is measured in bench/crisis.py)

@pytest.mark.parametrize(("text", "expected"), [
    ("a" * 20_000, NONE),
    ("k" * 20_000, NONE),
    ("a " * 10_000, NONE),
    (" " * 19_999 + "a", NONE),
    ("\u200b" * 20_000, NONE),
    ("k" + "\u200b" * 19_990 + "ill myself", URGENT),
    ("kilt myself kill mysel " * 900, NONE),
    ("want to want to die " * 1_000, URGENT),
    ("I'm not going to kill myself, " * 700, NONE),
    ("my my my " * 2_200 + "self", NONE),
    ("k.i.l" * 4_000, NONE),
    ("1" * 20_000, NONE),
    ("a1" * 10_000, NONE),
    ("don't see the point of the " * 750, NONE),
    ("i'm " * 5_000, NONE),
    ("s u i c i d " * 1_600, NONE),
])
def test_hostile_20_kb_texts_come_back_with_the_right_level(text, expected):
    assert len(text) >= 19_000
    assert level(text) is expected
