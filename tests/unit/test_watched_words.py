"""Watched words: what a pattern finds, where, and which action wins. Pure: no DB, no HTTP."""

import random
import string

import pytest

from forum.safety.words import (
    ACTION_STRENGTH,
    EMPTY_MATCHER,
    MAX_PATTERN_LENGTH,
    WatchedPattern,
    WordAction,
    WordMatch,
    WordMatcher,
    normalize_pattern,
)

BLOCK, APPROVAL = WordAction.BLOCK, WordAction.REQUIRE_APPROVAL
FLAG, CENSOR = WordAction.FLAG, WordAction.CENSOR


def matcher(*patterns: str | tuple[str, WordAction]) -> WordMatcher:
    """Patterns numbered from 1; a bare string is a FLAG."""
    return WordMatcher(
        WatchedPattern(number, *((p, FLAG) if isinstance(p, str) else p))
        for number, p in enumerate(patterns, 1))


def found(words: WordMatcher, text: str) -> list[str]:
    return [match.matched for match in words.find(text)]


# Whole words and phrases

@pytest.mark.parametrize("text", ["class", "assess", "bass", "ass_hat", "ass9", "passé"])
def test_a_word_inside_a_longer_word_is_not_a_match(text):
    assert found(matcher("ass"), text) == []


@pytest.mark.parametrize("text", ["ass", "you ass!", "(ass)", "ass-hat", "the ass's", "ass\n"])
def test_a_word_between_non_letters_is_a_match(text):
    assert found(matcher("ass"), text) == ["ass"]


def test_letters_with_accents_and_other_scripts_are_part_of_the_word():
    assert found(matcher("caf"), "un café") == []
    assert found(matcher("café"), "un café, svp") == ["café"]
    assert found(matcher("дурак"), "ты дурак.") == ["дурак"]
    assert found(matcher("дура"), "ты дурак.") == []


def test_a_phrase_matches_across_any_run_of_whitespace_including_newlines():
    words = matcher("kill yourself")
    assert found(words, "go kill\n   yourself") == ["kill\n   yourself"]
    assert found(words, "kill\t\r\nyourself") == ["kill\t\r\nyourself"]
    assert found(words, "killyourself, kill your self, kill-yourself") == []


def test_a_phrase_needs_boundaries_at_both_ends():
    assert found(matcher("kill you"), "skill you; kill yours; kill you.") == ["kill you"]


# Wildcards

def test_a_trailing_star_matches_the_word_and_longer_words():
    words = matcher("kill*")
    assert found(words, "kill, killer, killing; skill") == ["kill", "killer", "killing"]


def test_a_leading_star_matches_the_word_and_words_ending_with_it():
    words = matcher("*bet")
    assert found(words, "bet alphabet bets alphabets") == ["bet", "alphabet"]


def test_a_star_never_crosses_a_space_or_a_hyphen():
    assert found(matcher("kill*"), "kill me") == ["kill"]
    assert found(matcher("kill*me"), "kill me, kill-me, killme, killforme") == [
        "killme", "killforme"]


def test_stars_inside_and_around_a_word():
    assert found(matcher("*ate*"), "hate hated late slate at") == ["hate", "hated", "late",
                                                                   "slate"]
    assert found(matcher("a*b*c"), "abc axxbyyc acb abcx xabc") == ["abc", "axxbyyc"]
    assert found(matcher("*a*b"), "ab xab aab ba abx") == ["ab", "xab", "aab"]


def test_a_star_standing_alone_is_exactly_one_word():
    words = matcher("kill * now")
    assert found(words, "kill them now") == ["kill them now"]
    assert found(words, "kill now") == []
    assert found(words, "kill them all now") == []
    assert found(matcher("kill *"), "kill . kill it.") == ["kill it"]
    assert found(matcher("*'s"), "'s john's") == ["john's"]


def test_several_stars_in_a_phrase():
    assert found(matcher("*self harm*"), "myself harming; self harm; self-harm") == [
        "myself harming", "self harm"]


# Apostrophes, case, width, Unicode folding

@pytest.mark.parametrize("pattern", ["don't", "don’t", "DON‘T"])
@pytest.mark.parametrize("text", ["I don't", "I don’t", "I DONʼT"])
def test_straight_and_curly_apostrophes_are_the_same(pattern, text):
    assert found(matcher(pattern), text) == [text[2:]]


@pytest.mark.parametrize("text", ["KILL", "Kill", "kIlL", "ｋｉｌｌ", "ＫＩＬＬ"])
def test_case_and_full_width_letters_do_not_matter(text):
    assert found(matcher("kill"), f"I {text} it") == [text]


def test_full_width_patterns_match_ordinary_text():
    assert found(matcher("ＫＩＬＬ"), "kill") == ["kill"]


def test_sharp_s_matches_ss_both_ways_with_original_offsets():
    assert found(matcher("straße"), "STRASSE, Straße, strasse") == ["STRASSE", "Straße",
                                                                     "strasse"]
    assert found(matcher("strasse"), "die Straße") == ["Straße"]


def test_separate_combining_accents_are_composed_before_matching():
    text = "un cafe\u0301 noir"
    [match] = matcher("café").find(text)
    assert (match.start, match.end, match.matched) == (3, 8, "cafe\u0301")


def test_a_unicode_hyphen_matches_a_typed_hyphen():
    assert found(matcher("self-harm"), "self\u2010harm and self\u2011harm") == [
        "self\u2010harm", "self\u2011harm"]


# Offsets

def test_offsets_point_into_the_original_text_after_characters_that_fold_longer():
    text = "ﬁne Straße ß İ — ＫＩＬＬ kill\n"
    matches = matcher("kill").find(text)
    assert [(m.start, m.end) for m in matches] == [(17, 21), (22, 26)]
    assert all(text[m.start:m.end] == m.matched for m in matches)


def test_a_match_says_which_pattern_and_action_found_it():
    words = WordMatcher([WatchedPattern(7, "Kill*", BLOCK)])
    assert words.find("so killing.") == [WordMatch(7, "Kill*", BLOCK, 3, 10, "killing")]


# Actions and overlaps

def test_action_strength_orders_block_approval_flag_censor():
    assert sorted(WordAction, key=ACTION_STRENGTH.__getitem__, reverse=True) == [
        BLOCK, APPROVAL, FLAG, CENSOR]


def test_strongest_is_the_strongest_action_among_the_matches():
    words = matcher(("darn", CENSOR), ("idiot", FLAG), ("kill you", BLOCK), ("meet me", APPROVAL))
    assert words.strongest("darn, idiot") == FLAG
    assert words.strongest("meet me, darn it, I'll kill you") == BLOCK
    assert words.strongest("darn") == CENSOR
    assert words.strongest("nothing here") is None


def test_overlapping_matches_go_to_the_stronger_action():
    words = matcher(("kill yourself", FLAG), ("yourself", BLOCK))
    assert [(m.matched, m.action) for m in words.find("kill yourself")] == [("yourself", BLOCK)]


def test_matches_at_the_same_start_go_to_the_stronger_action():
    words = matcher(("kill yourself", FLAG), ("kill", BLOCK))
    assert [(m.matched, m.action) for m in words.find("kill yourself")] == [("kill", BLOCK)]


def test_overlapping_matches_of_equal_strength_go_to_the_longer():
    words = matcher("kill", "yourself", "kill yourself", "go kill")
    assert found(words, "kill yourself") == ["kill yourself"]
    assert found(words, "go kill yourself") == ["kill yourself"]


def test_a_shorter_match_still_counts_where_a_longer_one_lost_to_an_overlap():
    words = matcher(("kill yourself", APPROVAL), ("kill", FLAG), ("yourself", BLOCK))
    assert [(m.matched, m.action) for m in words.find("kill yourself")] == [
        ("kill", FLAG), ("yourself", BLOCK)]
    words = matcher(("it all go", FLAG), ("darn it", FLAG), ("darn", CENSOR))
    assert words.censor("darn it all go") == "•••• it all go"


def test_each_star_pattern_is_told_apart_from_the_others_of_its_action():
    shapes = ["kill*", "*bet", "a*b*c", "*ate*", "kill * now", "*ing*s", "don't*", "kil*l"]
    words = matcher(*shapes)
    text = "killer; alphabet; axbyc; slated; kill them now; kingss; don'tcha; kilol"
    assert [(m.pattern_id, m.matched) for m in words.find(text)] == [
        (1, "killer"), (2, "alphabet"), (3, "axbyc"), (4, "slated"), (5, "kill them now"),
        (6, "kingss"), (7, "don'tcha"), (8, "kilol")]


def test_matches_that_do_not_overlap_are_all_kept_in_text_order():
    words = matcher(("b", CENSOR), ("a", BLOCK), ("c", FLAG))
    assert [(m.matched, m.action) for m in words.find("c, b, a")] == [
        ("c", FLAG), ("b", CENSOR), ("a", BLOCK)]


def test_censor_masks_only_censor_matches_one_dot_per_original_character():
    words = matcher(("darn", CENSOR), ("straße", CENSOR), ("idiot", FLAG), ("kill", BLOCK))
    assert words.censor("Darn, idiot: STRASSE\nStraße kill") == (
        "••••, idiot: •••••••\n•••••• kill")


def test_censor_leaves_a_censor_word_alone_when_a_stronger_match_covers_it():
    words = matcher(("darn it", FLAG), ("darn", CENSOR))
    assert words.censor("oh darn it, darn") == "oh darn it, ••••"


# normalize_pattern

@pytest.mark.parametrize(("raw", "normalised"), [
    ("  Kill   Yourself\n", "kill yourself"),
    ("ＫＩＬＬ", "kill"),
    ("Don’t", "don't"),
    ("kill**", "kill*"),
    ("Straße", "strasse"),
    ("Self-Harm", "self-harm"),
    ("café", "café"),
    ("x" * MAX_PATTERN_LENGTH, "x" * MAX_PATTERN_LENGTH),
])
def test_normalize_pattern_folds_case_width_spaces_and_apostrophes(raw, normalised):
    assert normalize_pattern(raw) == normalised


@pytest.mark.parametrize(("raw", "fragment"), [
    ("", "can't be empty"),
    ("   \n ", "can't be empty"),
    ("*", "at least one letter or digit"),
    ("** *", "at least one letter or digit"),
    ("'-'", "at least one letter or digit"),
    ("x" * (MAX_PATTERN_LENGTH + 1), "at most 100 characters"),
    ("kill!", "letters, digits, apostrophes, hyphens, spaces and *"),
    ("kill_me", "letters, digits"),
    ("k.i.l.l", "letters, digits"),
    ("a|b", "letters, digits"),
    ("(kill)", "letters, digits"),
])
def test_normalize_pattern_explains_what_is_wrong(raw, fragment):
    with pytest.raises(ValueError, match="A watched word") as error:
        normalize_pattern(raw)
    assert fragment in str(error.value)


def test_a_matcher_refuses_an_invalid_stored_pattern_and_names_it():
    with pytest.raises(ValueError, match="#12"):
        WordMatcher([WatchedPattern(12, "kill!", BLOCK)])


# Empty and size

def test_the_empty_matcher_finds_nothing_and_changes_nothing():
    assert len(EMPTY_MATCHER) == 0
    assert EMPTY_MATCHER.find("kill ass") == []
    assert EMPTY_MATCHER.strongest("kill ass") is None
    assert EMPTY_MATCHER.censor("kill ass") == "kill ass"


def test_len_counts_the_patterns():
    assert len(matcher("a", "b", ("a", BLOCK), "c*")) == 4


def test_two_thousand_patterns_find_exactly_the_ones_in_the_text():
    rng = random.Random(2024)
    pool = iter(sorted({"".join(rng.choices(string.ascii_lowercase, k=8)) for _ in range(4000)}))
    words = [next(pool) for _ in range(1900)]
    stems = [next(pool)[:6] for _ in range(60)]
    phrases = [f"{next(pool)} {next(pool)}" for _ in range(40)]
    patterns = [WatchedPattern(i, text, rng.choice(list(WordAction)))
                for i, text in enumerate([*words, *(f"{s}*" for s in stems), *phrases])]
    expected = {patterns[i].id: words[i].upper() if i % 2 else words[i]
                for i in rng.sample(range(1900), 50)}
    expected |= {1900 + i: stems[i] + "ing" for i in rng.sample(range(60), 10)}
    expected |= {1960 + i: phrases[i].replace(" ", "\n ") for i in rng.sample(range(40), 10)}
    filler = ["".join(rng.choices(string.ascii_lowercase, k=4)) for _ in range(3000)]
    pieces = [*filler, *expected.values()]
    rng.shuffle(pieces)
    text = " ".join(pieces)

    matches = WordMatcher(patterns).find(text)

    assert {m.pattern_id: m.matched for m in matches} == expected
    assert all(text[m.start:m.end] == m.matched for m in matches)
    assert len(matches) == len(expected)


# Hostile input: would hang with nested backtracking (no timing assertions here)

def test_long_runs_of_letters_with_many_stars_finish_and_match_correctly():
    words = matcher("a*a*a*b", "*a*a*z", "a*b*c", "ab*ab*ab*c", "*aa", "a a a a b")
    assert found(words, "a" * 20_000) == ["a" * 20_000]  # "*aa"
    assert found(words, "a" * 20_000 + "z") == ["a" * 20_000 + "z"]  # "*a*a*z"
    assert found(words, "ab" * 10_000 + "a") == []
    assert found(words, "ab" * 10_000) == ["ab" * 10_000]  # "a*a*a*b"
    assert found(words, "ab" * 10_000 + "c") == ["ab" * 10_000 + "c"]  # "a*b*c", "ab*ab*ab*c"
    assert found(words, "a " * 10_000) == []


def test_a_long_repetition_of_a_phrase_start_is_matched_word_by_word():
    words = matcher(("kill kill kill x", BLOCK), ("kill", FLAG))
    text = "kill " * 4_000
    assert len(words.find(text)) == 4_000
    assert words.find(text + "x")[-1].matched == "kill kill kill x"
