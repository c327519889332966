"""Fit the crisis model (forum/safety/crisis_model.py) on the corpus's train split, choose its
strength and thresholds on the dev split, and write forum/data/crisis_model.bin.

    .venv/bin/python tools/train_crisis_model.py      (what `make train-crisis` runs)

Needs scikit-learn (the `train` dependency group: `make train-crisis` installs it); the forum
itself reads the file in pure Python. The test split is never read here.

Thresholds: the lowest urgent threshold at which the model alone calls at most
``MAX_FALSE_URGENT`` of dev's `none` items urgent, and the lowest concern threshold at which
it calls at most ``MAX_FALSE_CONCERN`` of them a concern or urgent.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))

from crisis_eval import Item, load  # noqa: E402

from forum.safety import crisis  # noqa: E402
from forum.safety.crisis_model import (  # noqa: E402
    BUCKETS,
    LEVELS,
    MODEL_FILE,
    Model,
    dump,
    features,
    windows,
)

MAX_FALSE_URGENT = 0.02
MAX_FALSE_CONCERN = 0.10
STRENGTHS = (3.0,)


def matrix(items: list[Item]):  # type: ignore[no-untyped-def]
    from scipy.sparse import csr_matrix

    rows, cols, values = [], [], []
    for row, item in enumerate(items):
        for bucket, value in features(crisis.fold_text(item.text)).items():
            rows.append(row)
            cols.append(bucket)
            values.append(value)
    return csr_matrix((values, (rows, cols)), shape=(len(items), BUCKETS))


def fit(items: list[Item], strength: float) -> Model:
    from sklearn.linear_model import LogisticRegression

    classifier = LogisticRegression(C=strength, max_iter=2000, class_weight="balanced")
    classifier.fit(matrix(items), [LEVELS.index(i.level) for i in items])
    order = list(classifier.classes_)
    coef = classifier.coef_
    used = sorted({int(b) for b in matrix(items).nonzero()[1]})
    weights = {b: tuple(float(coef[order.index(level), b]) for level in range(3))
               for b in used}
    intercepts = tuple(float(classifier.intercept_[order.index(level)]) for level in range(3))
    return Model(weights, intercepts, 1.0, 1.0,  # type: ignore[arg-type]
                 {"trained_on": f"{len(items)} train items", "strength": strength})


def window_probabilities(model: Model, item: Item) -> tuple[float, float]:
    urgent, worry = 0.0, 0.0
    for part in windows(crisis.fold_text(item.text)):
        _none, concern, urgent_here = model.probabilities(features(part))
        urgent, worry = max(urgent, urgent_here), max(worry, concern + urgent_here)
    return urgent, worry


def choose(model: Model, dev: list[Item]) -> tuple[Model, dict[str, float]]:
    rules = [crisis.detect(i.text, use_model=False).level.value for i in dev]
    probs = [window_probabilities(model, i) for i in dev]
    none = [n for n, i in enumerate(dev) if i.level == "none"]
    urgent_items = [n for n, i in enumerate(dev) if i.level == "urgent"]

    def level(n: int, urgent_at: float, concern_at: float) -> str:
        by_model = "urgent" if probs[n][0] >= urgent_at else (
            "concern" if probs[n][1] >= concern_at else "none")
        return max(rules[n], by_model, key=LEVELS.index)

    urgent_at = next((t / 100 for t in range(5, 100)
                      if sum(probs[n][0] >= t / 100 for n in none)
                      <= MAX_FALSE_URGENT * len(none)), 1.0)
    concern_at = next((t / 100 for t in range(5, 101)
                       if sum(probs[n][1] >= t / 100 for n in none)
                       <= MAX_FALSE_CONCERN * len(none)), 1.0)
    chosen = Model(model.weights, model.intercepts, urgent_at, concern_at, model.about)
    recall = sum(level(n, urgent_at, concern_at) == "urgent" for n in urgent_items)
    return chosen, {"urgent_at": urgent_at, "concern_at": concern_at,
                    "dev urgent recall": recall / max(1, len(urgent_items))}


def main() -> int:
    items = load()
    train = [i for i in items if i.split == "train"]
    dev = [i for i in items if i.split == "dev"]
    best: tuple[float, Model, dict[str, float]] | None = None
    for strength in STRENGTHS:
        model, figures = choose(fit(train, strength), dev)
        print(f"C={strength}: {figures}")
        if best is None or figures["dev urgent recall"] > best[0]:
            best = (figures["dev urgent recall"], model, figures)
    assert best is not None
    _, model, figures = best
    target = ROOT / "forum" / "data" / MODEL_FILE
    target.write_bytes(dump(model))
    print(f"wrote {target.relative_to(ROOT)} ({target.stat().st_size // 1024} KB, "
          f"{len(model.weights)} weights): {figures}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
