"""The learned half of crisis detection: a linear model over hashed words, word pairs and
letter groups, beside the rules in forum.safety.crisis.

Why this kind of model: the rules know phrases; people write their danger in words no list
holds ("booked the hotel for friday, paid cash"). A linear model over hashed n-grams learns
from the labelled corpus (tests/data/crisis/, docs/crisis-labelling.md) which words and
letter groups go with each level, runs in pure Python in well under a millisecond per
kilobyte, needs no download and no numpy at run time, and its weights are a small file that
ships in the package (forum/data/crisis_model.bin, made by `make train-crisis` from the train
split only; the dev split chose its strength and thresholds; the test split never).

A text is read as a whole and, when long, also window by window (a few sentences at a time),
so one urgent passage in a long calm story is seen; the highest window counts. The reading
model was fitted on windows too (tools/train_crisis_model.py): a risky post's riskiest window
carries its label, the calm windows of long posts are calm.

A second stage then reads what the rules found (forum.safety.crisis.find) beside the model's
reading (EVIDENCE: the rules' score, level, direct statements counted in full, why phrases
were weighed down; the model's probabilities whole and per window) with a small linear
model fitted on train out of fold, and gives the probabilities of none, concern and urgent
that forum.safety.crisis.detect compares with the thresholds dev chose.

The file: a header line (JSON: format, buckets, thresholds, the second stage's weights, what
it was trained on), then for each bucket with a weight, the bucket (uint32) and three float32
weights (none, concern, urgent); then the three intercepts.
"""

from __future__ import annotations

import functools
import itertools
import json
import math
import re
import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

BUCKETS = 1 << 20
LEVELS = ("none", "concern", "urgent")
MODEL_FILE = "crisis_model.bin"
WINDOW_SENTENCES = 3
MAX_WINDOWS = 20  # windows read in one text (spread over it): bounds the time per text
MAX_TOKENS = 400  # tokens of one window or text that are read
MIN_WORDS = 4
_WORD = re.compile(r"[a-z0-9']+")
_TOKEN = re.compile(r"[a-z0-9']+|[^\sa-z0-9'.,;:!?()\"-]")
_SENTENCE = re.compile(r"[^.!?\n]+[.!?\n]*")


def _bucket(feature: str) -> int:
    return zlib.crc32(feature.encode()) % BUCKETS


@functools.lru_cache(maxsize=1 << 16)
def _word_buckets(token: str) -> tuple[int, ...]:
    """The buckets of one token: the word, and its letter groups (3 to 5 letters, with its
    edges) when it is a word rather than a run of letters. Remembered: words repeat."""
    found = [f"w:{token}"]
    if token.isalpha() and 2 < len(token) <= 30:
        edged = f"<{token}>"
        for size in (3, 4, 5):
            found.extend(f"c:{edged[i:i + size]}" for i in range(len(edged) - size + 1))
    return tuple(_bucket(feature) for feature in found)


def features(folded: str) -> dict[int, float]:
    """Hashed features of folded text: words, word pairs, and the letter groups of each word
    (3 to 5 letters, with its edges), each bucket counted once, scaled to unit length."""
    tokens = _TOKEN.findall(folded)[:MAX_TOKENS]
    found: set[int] = set()
    previous = "<s>"
    for token in tokens:
        found.update(_word_buckets(token))
        found.add(_bucket(f"b:{previous} {token}"))
        previous = token
    if not found:
        return {}
    return dict.fromkeys(found, 1.0 / math.sqrt(len(found)))


def windows(folded: str) -> Iterator[str]:
    """The whole text, then (when it has more sentences than a window) its windows of a few
    sentences, at most MAX_WINDOWS of them spread evenly through it."""
    yield folded
    sentences = _SENTENCE.findall(folded)
    if len(sentences) <= WINDOW_SENTENCES:
        return
    starts = range(len(sentences) - WINDOW_SENTENCES + 1)
    step = max(1, math.ceil(len(starts) / MAX_WINDOWS))
    for start in starts[::step]:
        yield " ".join(sentences[start:start + WINDOW_SENTENCES])


# What the second stage reads: the rules' findings and the model's readings of a text.
EVIDENCE = ("rules score", "rules urgent", "rules concern", "rules outright", "phrases in full",
            "model urgent", "model worry", "model calm", "model urgent whole",
            "model calm least", "negated", "idiom", "recovery", "report", "supportive", "news",
            "accident")
WEIGHING = EVIDENCE[10:]  # why the rules weighed a phrase down, one flag each


@dataclass(frozen=True)
class Reading:
    """The model's reading of one text: its highest probability of urgent and of concern or
    urgent over the text and its windows; the text's probability of no crisis, read whole,
    and of urgent, read whole; the least probability of no crisis of any window."""

    urgent: float
    worry: float
    calm: float
    urgent_whole: float
    calm_least: float


def _odds(probability: float) -> float:
    probability = min(max(probability, 1e-4), 1 - 1e-4)
    return math.log(probability / (1 - probability))


def evidence(score: float, level: str, outright: bool, in_full: int,
             weighed: frozenset[str], reading: Reading) -> list[float]:
    """The second stage's inputs (EVIDENCE, in order) from what the rules found — their score,
    level, whether a direct statement counted in full, how many phrases counted in full, why
    any were weighed down — and the model's reading."""
    return [min(score, 2.0), float(level == "urgent"), float(level == "concern"),
            float(outright), float(min(in_full, 5)), _odds(reading.urgent),
            _odds(reading.worry), _odds(reading.calm), _odds(reading.urgent_whole),
            _odds(reading.calm_least), *(float(reason in weighed) for reason in WEIGHING)]


def _softmax(scores: list[float]) -> tuple[float, float, float]:
    top = max(scores)
    exps = [math.exp(s - top) for s in scores]
    total = sum(exps)
    return exps[0] / total, exps[1] / total, exps[2] / total


@dataclass(frozen=True)
class Model:
    weights: dict[int, tuple[float, float, float]]
    intercepts: tuple[float, float, float]
    urgent_at: float  # second-stage probability of urgent at or above which a text is urgent
    concern_at: float  # of concern or urgent, at or above which it is at least a concern
    about: dict[str, Any]
    # The second stage: a linear model over EVIDENCE (three rows of weights, three intercepts)
    stage_two: tuple[tuple[float, ...], ...] = ()
    stage_two_intercepts: tuple[float, float, float] = (0.0, 0.0, 0.0)
    veto_at: float = 0.0  # below this probability of urgent a rules urgent becomes a concern
    veto_outright_at: float = 0.0  # … when a direct statement counted in full (0: never)

    @functools.cached_property
    def _by_level(self) -> tuple[dict[int, float], dict[int, float], dict[int, float]]:
        """The weights as one mapping per level, so that a text's sums run in C (map)."""
        return ({b: w[0] for b, w in self.weights.items()},
                {b: w[1] for b, w in self.weights.items()},
                {b: w[2] for b, w in self.weights.items()})

    def probabilities(self, vector: dict[int, float]) -> tuple[float, float, float]:
        """The model's probabilities of none, concern and urgent for a feature vector."""
        if not vector:
            return _softmax(list(self.intercepts))
        value = next(iter(vector.values()))  # every bucket has the same value (features())
        return _softmax([self.intercepts[level] + value * sum(
            map(weights.get, vector, itertools.repeat(0.0)))
            for level, weights in enumerate(self._by_level)])

    def read(self, folded: str) -> Reading | None:
        """The model's reading of a (folded) text, whole and window by window; None for a text
        of fewer than MIN_WORDS words (a title, "tonight"): too little to judge."""
        if len(_WORD.findall(folded, 0, 400)) < MIN_WORDS:
            return None
        urgent, worry, calm, urgent_whole, calm_least = 0.0, 0.0, 0.0, 0.0, 1.0
        for number, part in enumerate(windows(folded)):
            none, concern, urgent_here = self.probabilities(features(part))
            if number == 0:
                calm, urgent_whole = none, urgent_here
            urgent = max(urgent, urgent_here)
            worry = max(worry, concern + urgent_here)
            calm_least = min(calm_least, none)
        return Reading(urgent, worry, calm, urgent_whole, calm_least)

    def decide(self, inputs: list[float]) -> tuple[float, float, float]:
        """The second stage's probabilities of none, concern and urgent for EVIDENCE."""
        return _softmax([self.stage_two_intercepts[level] + sum(
            w * x for w, x in zip(self.stage_two[level], inputs, strict=True))
            for level in range(3)])


def dump(model: Model) -> bytes:
    header = json.dumps({"format": 2, "buckets": BUCKETS, "urgent_at": model.urgent_at,
                         "concern_at": model.concern_at, "veto_at": model.veto_at,
                         "veto_outright_at": model.veto_outright_at,
                         "evidence": list(EVIDENCE),
                         "stage_two": [list(row) for row in model.stage_two],
                         "stage_two_intercepts": list(model.stage_two_intercepts),
                         **model.about}).encode()
    body = b"".join(struct.pack("<Ifff", bucket, *weight)
                    for bucket, weight in sorted(model.weights.items()))
    return zlib.compress(header + b"\n" + struct.pack("<I", len(model.weights)) + body
                         + struct.pack("<fff", *model.intercepts), 9)


_HEADER_KEYS = ("format", "buckets", "urgent_at", "concern_at", "veto_at", "veto_outright_at",
                "evidence", "stage_two", "stage_two_intercepts")


def load_bytes(raw: bytes) -> Model:
    data = zlib.decompress(raw)
    header_end = data.index(b"\n")
    header = json.loads(data[:header_end])
    if header.get("format") != 2 or header.get("buckets") != BUCKETS or tuple(
            header.get("evidence", ())) != EVIDENCE:
        raise ValueError("not a crisis model this version can read")
    (count,) = struct.unpack_from("<I", data, header_end + 1)
    offset = header_end + 5
    weights: dict[int, tuple[float, float, float]] = {}
    for bucket, none, concern, urgent in struct.iter_unpack("<Ifff", data[
            offset:offset + 16 * count]):
        weights[bucket] = (none, concern, urgent)
    intercepts = struct.unpack_from("<fff", data, offset + 16 * count)
    stage_two = tuple(tuple(float(w) for w in row) for row in header["stage_two"])
    if len(stage_two) != 3 or any(len(row) != len(EVIDENCE) for row in stage_two):
        raise ValueError("the crisis model's second stage does not fit its evidence")
    two = header["stage_two_intercepts"]
    return Model(weights, (intercepts[0], intercepts[1], intercepts[2]),
                 float(header["urgent_at"]), float(header["concern_at"]),
                 {k: v for k, v in header.items() if k not in _HEADER_KEYS},
                 stage_two, (float(two[0]), float(two[1]), float(two[2])),
                 float(header["veto_at"]), float(header["veto_outright_at"]))


@cache
def shipped() -> Model | None:
    """The model that ships with the package; None if there is none (rules alone then)."""
    path = resources.files("forum.data").joinpath(MODEL_FILE)
    if not path.is_file():
        return None
    return load_bytes(path.read_bytes())


def detector_in_use() -> str:
    """What `forum check` says about crisis detection."""
    model = shipped()
    if model is None:
        return "rules only (no learned model file in this installation)"
    return (f"rules and the learned model ({len(model.weights)} weights, "
            f"{model.about.get('trained_on', 'trained on the corpus')})")
