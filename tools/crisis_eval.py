"""The crisis corpus (tests/data/crisis/*.jsonl, labelled by docs/crisis-labelling.md): its
splits, and how the detector does on them.

    .venv/bin/python tools/crisis_eval.py            (what `make eval-crisis` runs: dev and test)
    .venv/bin/python tools/crisis_eval.py --split train --misses   (tuning: misses on train)

The split of an item is fixed by a hash of its id: 70 % train, 15 % dev, 15 % test — unless
the item says ``"split": "train"`` (items written for training only, such as
e-varied-voices.jsonl), which puts it in train whatever its hash. No other value is allowed, so
an item can never be moved into dev or test, and the frozen test split and dev stay exactly the
items they were (``FROZEN`` below holds their sizes and a digest of their ids; ``load`` checks
them). The test split is only ever scored here, never printed item by item (``--misses``
refuses it), so no rule or model is fitted to it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "data" / "crisis"
LEVELS = ("none", "concern", "urgent")
TARGETS = {"urgent recall": 0.95, "urgent seen (urgent or concern)": 0.98,
           "false urgent among none": 0.03}
# The dev and frozen test splits as they were fixed (size, digest of sorted ids): adding items
# for training only must never move one of them.
FROZEN = {"dev": (478, "e02e7353420e498e"), "test": (458, "832f4a3b718b5f18")}


@dataclass(frozen=True)
class Item:
    id: str
    text: str
    level: str
    families: tuple[str, ...]
    fixed_split: str | None = None  # "train" for items written for training only

    @property
    def split(self) -> str:
        return self.fixed_split or split_of(self.id)


def split_of(item_id: str) -> str:
    """The split an item's id hashes to (an item marked ``"split": "train"`` is train instead)."""
    bucket = int(hashlib.sha256(item_id.encode()).hexdigest()[:8], 16) % 100
    return "train" if bucket < 70 else "dev" if bucket < 85 else "test"


def split_digest(items: Iterable[Item], split: str) -> tuple[int, str]:
    """How many items a split holds and a digest of their sorted ids (to prove it unchanged)."""
    ids = sorted(i.id for i in items if i.split == split)
    return len(ids), hashlib.sha256("\n".join(ids).encode()).hexdigest()[:16]


def load(folder: Path = CORPUS) -> list[Item]:
    items: list[Item] = []
    seen: set[str] = set()
    for path in sorted(folder.glob("*.jsonl")):
        for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            raw = json.loads(line)
            if raw["id"] in seen or raw["level"] not in LEVELS:
                raise ValueError(f"{path.name}:{number}: duplicate id or unknown level")
            if raw.get("split", "train") != "train":
                raise ValueError(f"{path.name}:{number}: only \"split\": \"train\" may be set")
            seen.add(raw["id"])
            items.append(Item(raw["id"], raw["text"], raw["level"],
                              tuple(raw.get("families", ())), raw.get("split")))
    if folder == CORPUS:
        for split, expected in FROZEN.items():
            if split_digest(items, split) != expected:
                raise ValueError(f"the {split} split has changed: it must stay {expected}")
    return items


@dataclass
class Score:
    confusion: Counter[tuple[str, str]]  # (labelled, detected) -> count

    def count(self, labelled: str, detected: Iterable[str] | None = None) -> int:
        chosen = set(detected) if detected is not None else set(LEVELS)
        return sum(n for (want, got), n in self.confusion.items()
                   if want == labelled and got in chosen)

    def rate(self, labelled: str, detected: Iterable[str]) -> float:
        total = self.count(labelled)
        return self.count(labelled, detected) / total if total else float("nan")

    def figures(self) -> dict[str, float]:
        return {"urgent recall": self.rate("urgent", ["urgent"]),
                "urgent seen (urgent or concern)": self.rate("urgent", ["urgent", "concern"]),
                "false urgent among none": self.rate("none", ["urgent"]),
                "concern seen (concern or urgent)": self.rate("concern", ["concern", "urgent"]),
                "none left alone": self.rate("none", ["none"])}


def detect_level(text: str) -> str:
    from forum.safety.crisis import detect

    return detect(text).level.value


def score(items: list[Item]) -> tuple[Score, dict[str, Score], list[tuple[Item, str]]]:
    overall = Score(Counter())
    by_family: dict[str, Score] = defaultdict(lambda: Score(Counter()))
    misses: list[tuple[Item, str]] = []
    for item in items:
        got = detect_level(item.text)
        overall.confusion[(item.level, got)] += 1
        for family in item.families:
            by_family[family].confusion[(item.level, got)] += 1
        if got != item.level:
            misses.append((item, got))
    return overall, dict(by_family), misses


def report(name: str, items: list[Item]) -> list[str]:
    overall, by_family, _ = score(items)
    lines = [f"== {name}: {len(items)} items "
             f"({', '.join(f'{lv} {overall.count(lv)}' for lv in LEVELS)})",
             "labelled \\ detected   " + "".join(f"{lv:>9}" for lv in LEVELS)]
    lines += [f"{want:<21}" + "".join(f"{overall.confusion[(want, got)]:>9}" for got in LEVELS)
              for want in LEVELS]
    for label, value in overall.figures().items():
        target = TARGETS.get(label)
        mark = "" if target is None else (
            "  (target {}{:.0%}: {})".format("≤ " if "false" in label else "≥ ", target,
                                            "met" if (value <= target if "false" in label
                                                      else value >= target) else "NOT met"))
        lines.append(f"  {label:<34} {value:6.1%}{mark}")
    lines.append("  per family: urgent recall · urgent seen · false urgent · items")
    for family in sorted(by_family):
        figures = by_family[family].figures()
        lines.append(f"    {family:<16} " + " · ".join(
            "   -  " if figures[k] != figures[k] else f"{figures[k]:6.1%}"
            for k in ("urgent recall", "urgent seen (urgent or concern)",
                      "false urgent among none"))
            + f" · {sum(by_family[family].confusion.values())}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("train", "dev", "test", "all-but-test"),
                        action="append")
    parser.add_argument("--misses", action="store_true",
                        help="print the items the detector got wrong (never for test)")
    args = parser.parse_args(argv)
    items = load()
    if not items:
        print(f"no corpus under {CORPUS}", file=sys.stderr)
        return 1
    splits = args.split or ["dev", "test"]
    if args.misses and "test" in splits:
        print("the test split is frozen: its items are not shown", file=sys.stderr)
        return 2
    for split in splits:
        chosen = [i for i in items if (i.split != "test" if split == "all-but-test"
                                       else i.split == split)]
        print("\n".join(report(split, chosen)))
        if args.misses:
            for item, got in score(chosen)[2]:
                print(f"--- {item.id} labelled {item.level}, detected {got} "
                      f"{list(item.families)}\n{item.text[:600]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
