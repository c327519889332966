"""How fast is crisis detection? Time per 20 KB text for ``forum.safety.crisis.detect``.

    .venv/bin/python bench/crisis.py [--runs 50] [--seed 7]

Texts of about 20 KB: English-like prose with no crisis language (ASCII, and with curly
apostrophes and accents so that it takes the folding table), prose dense with hits (urgent,
concern, negated and idiomatic phrases), and hostile texts: long runs of one letter, thousands
of zero-width characters, spaced-out letters, repeated near-misses that make the phrase regex
go deep before failing, and phrases repeated in contexts that weigh them down. Prints the
median of ``--runs`` calls per text. Target: under 30 ms each.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from forum.safety.crisis import detect

TEXT_CHARS = 20_000
PROSE = ["i", "you", "we", "they", "it", "the", "a", "and", "but", "so", "because", "when",
         "today", "night", "morning", "feel", "felt", "tired", "sad", "better", "worse", "okay",
         "really", "very", "little", "friend", "family", "work", "school", "sleep", "slept",
         "walked", "help", "thanks", "for", "with", "about", "after", "again", "still", "just",
         "not", "don't", "can't", "hope", "hard", "day", "week", "time", "people", "someone",
         "think", "know", "want", "need", "try", "trying", "home", "doctor", "therapist",
         "appointment", "medication", "group", "baby", "kids", "school", "grief", "mum", "rain"]
HITS = ["I want to kill myself.", "I can't go on.", "What's the point.", "I feel so numb.",
        "I'm not suicidal, just sad.", "This commute is killing me.", "I relapsed again.",
        "Everyone would be better off without me.", "I'm dying to know.", "I hate myself.",
        "If you're thinking about suicide, please call 988.", "I'm so tired of everything."]


def prose(rng: random.Random, hits: int = 0) -> str:
    words: list[str] = []
    while sum(map(len, words)) + len(words) < TEXT_CHARS:
        words.append(rng.choice(PROSE) + rng.choice(["", "", "", "", ",", ".", ".\n\n"]))
    for position in rng.sample(range(len(words)), hits):
        words[position] = rng.choice(HITS)
    return " ".join(words)[:TEXT_CHARS]


def texts(rng: random.Random) -> dict[str, str]:
    english = prose(rng)
    return {
        "prose, no hits": english,
        "prose, curly ’ and accents": english.replace("'", "’").replace("sad", "désolée"),
        "prose, 10 hits": prose(rng, hits=10),
        "prose, 600 hits": prose(rng, hits=600),
        "'I want to kill myself. ' repeated": ("I want to kill myself. " * 900)[:TEXT_CHARS],
        "'I'm not going to kill myself, ' rep.": ("I'm not going to kill myself, " * 700)[
            :TEXT_CHARS],
        "'a' * 20,000": "a" * TEXT_CHARS,
        "19,999 spaces + 'a'": " " * (TEXT_CHARS - 1) + "a",
        "k + 19,990 zero-width + ill myself": "k" + "\u200b" * 19_990 + "ill myself",
        "'s u i c i d ' (spaced letters)": ("s u i c i d " * 1_700)[:TEXT_CHARS],
        "'want to want to die ' repeated": ("want to want to die " * 1_000)[:TEXT_CHARS],
        "'don't see the point of the ' rep.": ("don't see the point of the " * 750)[
            :TEXT_CHARS],
        "'i'm ' repeated": ("i'm " * 5_000)[:TEXT_CHARS],
        "'k1ll ' repeated (leetspeak)": ("k1ll " * 4_000)[:TEXT_CHARS],
        "weighed-down phrase, one sentence": ("if you want to die please call 988 " * 600)[
            :TEXT_CHARS],
        "weighed-down phrase, many sentences": ("My commute is killing me lol. " * 700)[
            :TEXT_CHARS],
        "past mentions, one long sentence": ("years ago i wanted to die and i tried to kill "
                                             "myself, " * 250)[:TEXT_CHARS],
        "censored and misspelt, repeated": ("k*ll mysef sucidal s*icide " * 800)[:TEXT_CHARS],
        "threat-shaped, 'my wife says if you '": ("my wife says if you " * 1_000)[
            :TEXT_CHARS],
        "threat-shaped, 'he's waving a '": ("he's waving a " * 1_500)[:TEXT_CHARS],
    }


def median_ms(text: str, runs: int) -> float:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        detect(text)
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    print(f"Python {sys.version.split()[0]}, median of {args.runs} calls of detect()")
    print(f"{'text (20 KB)':<40} {'ms':>7}  level    matched")
    for name, text in texts(random.Random(args.seed)).items():
        detection = detect(text)
        print(f"{name:<40} {median_ms(text, args.runs):7.2f}  {detection.level:<8} "
              f"{len(detection.matched)}")


if __name__ == "__main__":
    main()
