"""The learned crisis model beside the rules: it ships, loads without numpy, reads a text
whole and window by window, raises levels the rules miss (measured on the dev split) and
never lowers one; and the whole detector stays fast on hostile 20 KB texts."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from forum.safety import crisis
from forum.safety.crisis import CrisisLevel, detect
from forum.safety.crisis_model import (
    EVIDENCE,
    detector_in_use,
    dump,
    features,
    load_bytes,
    shipped,
)

pytestmark = pytest.mark.backend_independent
ROOT = Path(__file__).resolve().parents[2]


def test_the_model_ships_with_the_package_and_check_says_it_runs():
    model = shipped()
    assert model is not None and len(model.weights) > 10_000
    assert 0 < model.concern_at <= 1 and 0 < model.urgent_at <= 1
    assert detector_in_use().startswith("rules and the learned model")


def test_the_file_round_trips_and_a_wrong_file_is_refused():
    model = shipped()
    assert model is not None
    again = load_bytes(dump(model))
    assert again.weights == model.weights and again.urgent_at == model.urgent_at
    assert again.stage_two == model.stage_two and again.veto_at == model.veto_at
    assert len(model.stage_two) == 3 and all(len(row) == len(EVIDENCE) for row in model.stage_two)
    with pytest.raises(Exception):  # noqa: B017  (zlib or format: either refuses)
        load_bytes(b"not a model")


def test_features_are_deterministic_and_a_few_words_are_too_little_to_judge():
    once = features(crisis.fold_text("the rope is in the shed"))
    assert once == features(crisis.fold_text("the rope is in the shed"))
    model = shipped()
    assert model is not None
    assert model.read(crisis.fold_text("Tonight")) is None
    reading = model.read(crisis.fold_text("the rope is in the shed and i know which tree"))
    assert reading is not None and 0 <= reading.calm_least <= reading.calm <= 1


def test_on_the_dev_split_the_model_raises_recall_without_many_false_alarms():
    """Measured on the corpus's dev split (it chose the thresholds; the frozen test split is
    only scored by `make eval-crisis`): rules and model together find clearly more urgent
    posts than the rules alone, for few more false alarms."""
    sys.path.insert(0, str(ROOT / "tools"))
    from crisis_eval import load

    dev = [i for i in load() if i.split == "dev"]
    assert len(dev) > 300

    def rates(use_model: bool) -> tuple[float, float]:
        found = [(i.level, crisis.detect(i.text, use_model=use_model).level.value) for i in dev]
        urgent = [got for want, got in found if want == "urgent"]
        none = [got for want, got in found if want == "none"]
        return urgent.count("urgent") / len(urgent), none.count("urgent") / len(none)

    rules_recall, rules_false = rates(use_model=False)
    recall, false = rates(use_model=True)
    assert recall >= rules_recall + 0.15
    assert false <= rules_false + 0.02


def test_what_the_rules_call_urgent_never_ends_below_concern():
    sys.path.insert(0, str(ROOT / "tools"))
    from crisis_eval import load

    for item in [i for i in load() if i.split == "dev"]:
        if crisis.detect(item.text, use_model=False).level is CrisisLevel.URGENT:
            assert detect(item.text).level is not CrisisLevel.NONE, item.id


@pytest.mark.parametrize("text", [
    "I want to kill myself.", "I'm going to end it tonight.",
    "he said he'll kill me when he gets home",
    "I have the pills counted out on the desk and I'm doing it tonight",
    "my ex is outside with a knife and he says he's going to kill me",
])
def test_the_model_never_lowers_what_the_rules_found(text):
    assert detect(text).level is CrisisLevel.URGENT


def test_a_direct_statement_counted_in_full_is_never_lowered_below_concern():
    """Whatever the second stage reads, its veto is bounded: a rules urgent ends a concern at
    the least, on every dev item (checked above) and for a joke the rules counted in full."""
    model = shipped()
    assert model is not None and model.veto_outright_at == 0.0  # never lowered, by the file
    text = "I'm going to hang myself in the garage tonight lol"
    assert crisis.find(crisis.fold_text(text)).outright
    assert detect(text).level is not CrisisLevel.NONE


def test_the_second_stage_reads_the_rules_and_the_model_together():
    model = shipped()
    assert model is not None
    calm = crisis.fold_text("Made banana bread with the kids today, the kitchen is a mess.")
    risky = crisis.fold_text("the pills are counted out on my desk and the note is written")
    reading_calm, reading_risky = model.read(calm), model.read(risky)
    assert reading_calm is not None and reading_risky is not None
    calm_urgent = model.decide(crisis.find(calm).evidence(reading_calm))[2]
    risky_urgent = model.decide(crisis.find(risky).evidence(reading_risky))[2]
    assert risky_urgent > calm_urgent


@pytest.mark.parametrize("text", [
    "Made banana bread with the kids, the kitchen is a disaster but they're happy.",
    "Does anyone have tips for getting a toddler to sleep past 5am?",
    "Finally booked the dentist. Small wins!",
])
def test_ordinary_posts_stay_ordinary(text):
    assert detect(text).level is CrisisLevel.NONE


@pytest.mark.parametrize("text", [
    ("I want to kill myself. " * 900)[:20_000],
    ("My commute is killing me lol. " * 700)[:20_000],
    ("words and more words, " * 1_000)[:20_000],
    ("a" * 20_000),
    (" ".join(f"sentence {n} of a long calm story about the garden." for n in range(400)))[
        :20_000],
])
def test_a_hostile_20_kb_text_is_read_in_bounded_time(text):
    detect(text)  # warm the model
    started = time.perf_counter()
    detect(text)
    assert time.perf_counter() - started < 0.5  # generous: bench/crisis.py holds the 30 ms


@pytest.mark.parametrize("text", [
    ("my wife says if you " * 1_000)[:20_000],
    ("he said if i " * 1_600)[:20_000],
    ("he's waving a " * 1_500)[:20_000],
    ("thoughts of dropping him " * 800)[:20_000],
])
def test_threat_shaped_near_misses_cost_no_more_than_prose(text):
    """The words between who speaks and the threat ("he said if i call the police he'll…")
    are read a word at a time, never a letter at a time: 20 KB of them took 260 ms of CPU
    when a word could be split; prose takes about 15."""
    detect(text)
    started = time.process_time()
    detect(text)
    assert time.process_time() - started < 0.1


def test_the_urgent_tab_says_what_was_noticed_even_when_only_the_model_read_it():
    from forum.safety.crisis import Detection, noticed

    assert noticed(Detection(CrisisLevel.URGENT, 1.0, ("kill_myself", "numb (idiom)"))) == (
        "Crisis language noticed: kill_myself")
    assert "learned model" in noticed(Detection(CrisisLevel.URGENT, 1.0, ("model (0.91)",)))
