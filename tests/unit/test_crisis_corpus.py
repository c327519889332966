"""The crisis corpus's splits: items written for training only (``"split": "train"``) go to
train whatever their id hashes to, no item can be moved into dev or test, and the frozen test
split and dev stay exactly the items they were before any training-only file was added."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.backend_independent
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))

from crisis_eval import CORPUS, load, split_digest, split_of  # noqa: E402


def _write(folder: Path, *items: dict[str, object]) -> None:
    lines = [json.dumps({"text": "an ordinary day", "level": "none", "families": ["everyday"],
                         "source": "x", **item}) for item in items]
    (folder / "x.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _id_hashing_to(split: str, prefix: str) -> str:
    return next(f"{prefix}{n}" for n in range(10_000) if split_of(f"{prefix}{n}") == split)


def test_the_frozen_test_split_and_dev_are_the_same_items_as_before():
    """458 test and 478 dev items, the same ids (the digest of their sorted ids was taken
    before e-varied-voices.jsonl was added), and no training-only item among them."""
    items = load()
    assert split_digest(items, "test") == (458, "832f4a3b718b5f18")
    assert split_digest(items, "dev") == (478, "e02e7353420e498e")
    assert all(i.split == "train" for i in items if i.id.startswith(("e-", "f-")))


def test_an_item_marked_train_is_train_even_when_its_id_hashes_to_test(tmp_path: Path):
    to_test, to_dev = _id_hashing_to("test", "t-"), _id_hashing_to("dev", "d-")
    unmarked = _id_hashing_to("test", "u-")
    _write(tmp_path, {"id": to_test, "split": "train"}, {"id": to_dev, "split": "train"},
           {"id": unmarked})
    splits = {i.id: i.split for i in load(tmp_path)}
    assert splits == {to_test: "train", to_dev: "train", unmarked: "test"}


@pytest.mark.parametrize("value", ["test", "dev", "Train", ""])
def test_no_item_can_be_moved_into_dev_or_test(tmp_path: Path, value: str):
    _write(tmp_path, {"id": "x-1", "split": value})
    with pytest.raises(ValueError, match="split"):
        load(tmp_path)


@pytest.mark.parametrize(("name", "prefix", "minimum", "long_posts"),
                         [("e-varied-voices.jsonl", "e", 1000, 150),
                          ("f-other-voices.jsonl", "f", 1150, 110)])
def test_each_training_only_file_is_train_only_and_shaped_like_the_others(
        name: str, prefix: str, minimum: int, long_posts: int):
    """Every row of a training-only file carries the same fields, a numbered id of its own
    prefix, its source and ``"split": "train"``; the three levels are each over a fifth of it,
    and it holds long posts (300 words or more) for the model to learn the buried sentence."""
    lines = (CORPUS / name).read_text("utf-8").splitlines()
    rows = [json.loads(line) for line in lines if line.strip()]
    assert len(rows) >= minimum
    for number, row in enumerate(rows, start=1):
        assert set(row) == {"id", "text", "level", "families", "source", "split"}
        assert row["id"] == f"{prefix}-{number:04d}"
        assert re.fullmatch(rf"{prefix}-\d{{4}}", row["id"])
        assert row["source"] == prefix and row["split"] == "train" and row["families"]
    levels = [row["level"] for row in rows]
    assert {levels.count(lv) / len(rows) > 0.2 for lv in ("none", "concern", "urgent")} == {True}
    assert sum(len(row["text"].split()) >= 300 for row in rows) >= long_posts


def test_no_training_only_text_repeats_another_item():
    """A training-only item that repeated a dev or test item word for word would leak it."""
    items = load()
    judged = {i.text.strip().lower() for i in items if i.split in ("dev", "test")}
    repeated = [i.id for i in items
                if i.fixed_split == "train" and i.text.strip().lower() in judged]
    assert not repeated
