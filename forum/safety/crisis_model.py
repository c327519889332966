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
so one urgent passage in a long calm story is seen; the highest window counts.

The file: a header line (JSON: format, buckets, thresholds, what it was trained on), then for
each bucket with a weight, the bucket (uint32) and three float32 weights (none, concern,
urgent); then the three intercepts.
"""

from __future__ import annotations

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


def features(folded: str) -> dict[int, float]:
    """Hashed features of folded text: words, word pairs, and the letter groups of each word
    (3 to 5 letters, with its edges), each counted once, scaled to unit length."""
    tokens = _TOKEN.findall(folded)[:MAX_TOKENS]
    found: set[str] = set()
    previous = "<s>"
    for token in tokens:
        found.add(f"w:{token}")
        found.add(f"b:{previous} {token}")
        previous = token
        if token.isalpha() and 2 < len(token) <= 30:  # a word, not a run of letters
            edged = f"<{token}>"
            for size in (3, 4, 5):
                found.update(f"c:{edged[i:i + size]}" for i in range(len(edged) - size + 1))
    if not found:
        return {}
    weight = 1.0 / math.sqrt(len(found))
    vector: dict[int, float] = {}
    for feature in found:
        bucket = _bucket(feature)
        vector[bucket] = vector.get(bucket, 0.0) + weight
    return vector


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


@dataclass(frozen=True)
class Model:
    weights: dict[int, tuple[float, float, float]]
    intercepts: tuple[float, float, float]
    urgent_at: float  # probability of urgent at or above which a text is urgent
    concern_at: float  # probability of concern or urgent at or above which it is a concern
    about: dict[str, Any]

    def probabilities(self, vector: dict[int, float]) -> tuple[float, float, float]:
        scores = list(self.intercepts)
        for bucket, value in vector.items():
            if (weight := self.weights.get(bucket)) is not None:
                for level in range(3):
                    scores[level] += weight[level] * value
        top = max(scores)
        exps = [math.exp(s - top) for s in scores]
        total = sum(exps)
        return exps[0] / total, exps[1] / total, exps[2] / total

    def calm(self, folded: str) -> float:
        """The probability that this (folded) passage is no crisis (0 for a few words)."""
        if len(_WORD.findall(folded, 0, 400)) < MIN_WORDS:
            return 0.0
        return self.probabilities(features(folded))[0]

    def assess(self, folded: str) -> tuple[str, float, float]:
        """The level this model gives a (folded) text, its probability of urgent (the highest
        of any window), and its probability that the text as a whole is no crisis. A text of
        fewer than MIN_WORDS words (a title, "tonight") is too little to judge."""
        if len(_WORD.findall(folded, 0, 400)) < MIN_WORDS:
            return "none", 0.0, 0.0
        urgent, worry, calm = 0.0, 0.0, 0.0
        for number, part in enumerate(windows(folded)):
            none, concern, urgent_here = self.probabilities(features(part))
            if number == 0:
                calm = none
            urgent = max(urgent, urgent_here)
            worry = max(worry, concern + urgent_here)
        if urgent >= self.urgent_at:
            return "urgent", urgent, calm
        return ("concern" if worry >= self.concern_at else "none"), urgent, calm


def dump(model: Model) -> bytes:
    header = json.dumps({"format": 1, "buckets": BUCKETS, "urgent_at": model.urgent_at,
                         "concern_at": model.concern_at, **model.about}).encode()
    body = b"".join(struct.pack("<Ifff", bucket, *weight)
                    for bucket, weight in sorted(model.weights.items()))
    return zlib.compress(header + b"\n" + struct.pack("<I", len(model.weights)) + body
                         + struct.pack("<fff", *model.intercepts), 9)


def load_bytes(raw: bytes) -> Model:
    data = zlib.decompress(raw)
    header_end = data.index(b"\n")
    header = json.loads(data[:header_end])
    if header.get("format") != 1 or header.get("buckets") != BUCKETS:
        raise ValueError("not a crisis model this version can read")
    (count,) = struct.unpack_from("<I", data, header_end + 1)
    offset = header_end + 5
    weights: dict[int, tuple[float, float, float]] = {}
    for bucket, none, concern, urgent in struct.iter_unpack("<Ifff", data[
            offset:offset + 16 * count]):
        weights[bucket] = (none, concern, urgent)
    intercepts = struct.unpack_from("<fff", data, offset + 16 * count)
    about = {k: v for k, v in header.items()
             if k not in ("format", "buckets", "urgent_at", "concern_at")}
    return Model(weights, (intercepts[0], intercepts[1], intercepts[2]),
                 float(header["urgent_at"]), float(header["concern_at"]), about)


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
