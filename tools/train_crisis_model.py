"""Fit the crisis model (forum/safety/crisis_model.py) on the corpus's train split, choose its
thresholds on the dev split, and write forum/data/crisis_model.bin.

    .venv/bin/python tools/train_crisis_model.py      (what `make train-crisis` runs)

Needs scikit-learn (the `train` dependency group: `make train-crisis` installs it); the forum
itself reads the file in pure Python. The test split is never read here.

Two stages, both fitted on train:

1. **The reading model**, a logistic regression over hashed n-grams, fitted the way it is
   used — on passages, not only whole posts (multiple-instance style): every post whole with
   its label; each window of a long `none` post as `none`; for a long `concern` or `urgent`
   post, the window a first fit finds riskiest carries the post's label and its other
   windows count as calm (at half weight). One urgent sentence in a calm story is then
   learned as what it is, and the calm story around it as calm.
2. **The second stage**, a small logistic regression over what the rules found (score,
   level, direct statements counted in full, why phrases were weighed down) and the reading
   model's figures (crisis_model.EVIDENCE). Its inputs on train come from reading models
   fitted on the other folds (out of fold), so it learns how far to trust a reading on posts
   the reading model has not seen.

Thresholds, chosen on dev: the second stage's urgent and concern thresholds and its vetoes
(below which probability of urgent a rules urgent becomes a concern) that find the most
urgent posts (urgent, then urgent or concern) while at most ``MAX_FALSE_URGENT`` of dev's
`none` posts end urgent and at least ``MIN_NONE_LEFT_ALONE`` end `none`.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))

from crisis_eval import Item, load  # noqa: E402

from forum.safety import crisis  # noqa: E402
from forum.safety.crisis_model import (  # noqa: E402
    BUCKETS,
    EVIDENCE,
    LEVELS,
    MODEL_FILE,
    Model,
    Reading,
    dump,
    features,
    windows,
)

# At most this share of dev's `none` posts urgent: the model may add at most two points of
# false urgents to the rules' own (tests/unit/test_crisis_model.py holds it), and the rules alone
# call 2 % of dev's ordinary posts urgent.
MAX_FALSE_URGENT = 0.04
MIN_NONE_LEFT_ALONE = 0.75
STRENGTH = 3.0  # the reading model's C
OTHER_WINDOW_WEIGHT = 1.0  # a calm window's weight (half that for a risky post's other windows)
STAGE_TWO_STRENGTH = 1.0
FOLDS = 5
URGENT_AT = [t / 100 for t in range(10, 100, 2)]
CONCERN_AT = [t / 100 for t in range(20, 80, 5)]
VETO_AT = (0.0, 0.1, 0.2, 0.3)
VETO_OUTRIGHT_AT = (0.0,)  # a direct statement counted in full is never lowered


def matrix(texts: list[str]):  # type: ignore[no-untyped-def]
    from scipy.sparse import csr_matrix

    rows, cols, values = [], [], []
    for row, text in enumerate(texts):
        for bucket, value in features(text).items():
            rows.append(row)
            cols.append(bucket)
            values.append(value)
    return csr_matrix((values, (rows, cols)), shape=(len(texts), BUCKETS))


def _classifier(texts: list[str], labels: list[int], weights: list[float]):  # type: ignore[no-untyped-def]
    from sklearn.linear_model import LogisticRegression

    classifier = LogisticRegression(C=STRENGTH, max_iter=3000)
    classifier.fit(matrix(texts), labels, sample_weight=weights)
    return classifier


def _as_model(classifier, texts: list[str], about: dict[str, object]) -> Model:  # type: ignore[no-untyped-def]
    order = list(classifier.classes_)
    coef = classifier.coef_
    used = sorted({int(b) for b in matrix(texts).nonzero()[1]})
    weights = {b: (float(coef[order.index(0), b]), float(coef[order.index(1), b]),
                   float(coef[order.index(2), b])) for b in used}
    intercepts = (float(classifier.intercept_[order.index(0)]),
                  float(classifier.intercept_[order.index(1)]),
                  float(classifier.intercept_[order.index(2)]))
    return Model(weights, intercepts, 1.0, 1.0, about)


def fit_reading(items: list[Item], folded: dict[str, str]) -> Model:
    """The reading model, fitted on posts and their windows (see the module docstring)."""
    texts = [folded[i.id] for i in items]
    labels = [LEVELS.index(i.level) for i in items]
    first = _as_model(_classifier(texts, labels, [1.0] * len(texts)), texts, {})
    weights = [1.0] * len(texts)
    for item in items:
        parts = list(windows(folded[item.id]))[1:]
        if not parts:
            continue
        risky = -1
        if item.level != "none":
            read = [first.probabilities(features(part)) for part in parts]
            risky = max(range(len(parts)), key=lambda n: read[n][2] if item.level == "urgent"
                        else read[n][1] + read[n][2])
        for number, part in enumerate(parts):
            texts.append(part)
            labels.append(LEVELS.index(item.level) if number == risky else 0)
            weights.append(1.0 if number == risky else OTHER_WINDOW_WEIGHT * (
                1.0 if item.level == "none" else 0.5))
    return _as_model(_classifier(texts, labels, weights), texts,
                     {"trained_on": f"{len(items)} train items and their windows",
                      "strength": STRENGTH})


def _fold(item: Item) -> int:
    return int(hashlib.sha256(item.id.encode()).hexdigest()[:8], 16) % FOLDS


def main() -> int:
    from sklearn.linear_model import LogisticRegression

    items = load()
    train = [i for i in items if i.split == "train"]
    dev = [i for i in items if i.split == "dev"]
    folded = {i.id: crisis.fold_text(i.text) for i in train + dev}
    findings = {i.id: crisis.find(folded[i.id]) for i in train + dev}
    empty = Reading(0.0, 0.0, 0.0, 0.0, 0.0)

    readings: dict[str, Reading | None] = {}
    for fold in range(FOLDS):
        model = fit_reading([i for i in train if _fold(i) != fold], folded)
        readings.update({i.id: model.read(folded[i.id]) for i in train if _fold(i) == fold})
        print(f"fold {fold + 1} of {FOLDS} read", flush=True)
    reading_model = fit_reading(train, folded)
    readings.update({i.id: reading_model.read(folded[i.id]) for i in dev})

    judged = [i for i in train if readings[i.id] is not None]
    stage = LogisticRegression(C=STAGE_TWO_STRENGTH, max_iter=5000)
    stage.fit([findings[i.id].evidence(readings[i.id] or empty) for i in judged],
              [LEVELS.index(i.level) for i in judged])
    order = list(stage.classes_)
    rows = tuple(tuple(float(w) for w in stage.coef_[order.index(level)]) for level in range(3))
    two = (float(stage.intercept_[order.index(0)]), float(stage.intercept_[order.index(1)]),
           float(stage.intercept_[order.index(2)]))
    model = Model(reading_model.weights, reading_model.intercepts, 1.0, 1.0,
                  reading_model.about, rows, two, 0.0, 0.0)

    # dev: what the rules found and what the second stage says, once
    cases = []
    for item in dev:
        found, reading = findings[item.id], readings[item.id]
        decided = model.decide(found.evidence(reading)) if reading is not None else None
        only_idiom = bool(found.matched) and all(name.endswith(
            ("(idiom)", "(accident)", "(negated)")) for name in found.matched)
        cases.append((item.level, found.level.value, found.outright, decided, only_idiom))

    def outcome(urgent_at: float, concern_at: float, veto_at: float,
                veto_outright_at: float) -> list[tuple[str, str]]:
        result = []
        for want, rules_level, outright, decided, only_idiom in cases:
            level = rules_level
            if decided is not None:
                _, concern, urgent = decided
                by_model = "urgent" if urgent >= urgent_at else (
                    "concern" if concern + urgent >= concern_at else "none")
                if by_model == "urgent" and only_idiom:
                    by_model = "concern"
                if level == "urgent" and urgent < (veto_outright_at if outright else veto_at):
                    level = "concern"
                level = max(level, by_model, key=LEVELS.index)
            result.append((want, level))
        return result

    def figures(result: list[tuple[str, str]]) -> tuple[float, float, float, float]:
        urgent = [got for want, got in result if want == "urgent"]
        none = [got for want, got in result if want == "none"]
        return (urgent.count("urgent") / len(urgent),
                sum(got != "none" for got in urgent) / len(urgent),
                none.count("urgent") / len(none), none.count("none") / len(none))

    best: tuple[tuple[float, float], tuple[float, float, float, float],
                tuple[float, float, float, float]] | None = None
    for urgent_at in URGENT_AT:
        for concern_at in CONCERN_AT:
            for veto_at in VETO_AT:
                for veto_outright_at in VETO_OUTRIGHT_AT:
                    chosen = (urgent_at, concern_at, veto_at, veto_outright_at)
                    got = figures(outcome(*chosen))
                    if got[2] > MAX_FALSE_URGENT or got[3] < MIN_NONE_LEFT_ALONE:
                        continue
                    rank = (got[0] + got[1], -sum(chosen[2:]))  # fewer vetoes on a tie
                    if best is None or rank > best[0]:
                        best = (rank, chosen, got)
    if best is None:
        print("no thresholds meet the limits on dev", file=sys.stderr)
        return 1
    _, (urgent_at, concern_at, veto_at, veto_outright_at), got = best
    model = Model(model.weights, model.intercepts, urgent_at, concern_at,
                  {**model.about, "stage_two_on": f"{len(judged)} train items, out of fold"},
                  rows, two, veto_at, veto_outright_at)
    target = ROOT / "forum" / "data" / MODEL_FILE
    target.write_bytes(dump(model))
    print(f"wrote {target.relative_to(ROOT)} ({target.stat().st_size // 1024} KB, "
          f"{len(model.weights)} weights); thresholds urgent {urgent_at}, concern {concern_at}, "
          f"veto {veto_at}, veto of a direct statement {veto_outright_at}; on dev: urgent "
          f"recall {got[0]:.1%}, urgent seen {got[1]:.1%}, false urgent {got[2]:.1%}, none "
          f"left alone {got[3]:.1%}")
    print("second stage (none, concern, urgent) per input:")
    for name, weights in zip(EVIDENCE, zip(*rows, strict=True), strict=True):
        print(f"  {name:<20} " + " ".join(f"{w:6.2f}" for w in weights))
    return 0


if __name__ == "__main__":
    sys.exit(main())
