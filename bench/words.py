"""How fast are watched words? Build time and time per post for 2,000 patterns.

    .venv/bin/python bench/words.py [--patterns 2000] [--runs 50] [--seed 7]

Generates moderator-like patterns (words, phrases, some with ``*``) and texts of about 20 KB:
ordinary English-like prose with a few hits, the same with curly apostrophes and "ß" (the
paths that fold non-ASCII text), and hostile texts meant to make a regex backtrack. Prints
the median of 5 builds, and per text the median of ``--runs`` calls of ``find`` and of
``strongest``. Target: under 50 ms per 20 KB text.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from forum.safety.words import WatchedPattern, WordAction, WordMatcher

TEXT_CHARS = 20_000
SYLLABLES = ["ka", "ri", "mo", "ur", "sta", "ven", "lo", "qui", "dra", "bel", "tor", "mis", "fen",
             "ash", "ol", "grim", "sul", "par", "nek", "zo", "hu", "lin", "cre", "vo"]
PROSE = ["i", "you", "we", "they", "it", "the", "a", "an", "and", "but", "so", "because", "when",
         "then", "today", "yesterday", "night", "morning", "feel", "felt", "feeling", "tired",
         "sad", "better", "worse", "okay", "really", "very", "little", "bit", "talked", "friend",
         "family", "work", "school", "sleep", "slept", "eat", "ate", "walk", "walked", "help",
         "helped", "thanks", "thank", "for", "with", "about", "after", "before", "again", "still",
         "just", "not", "don't", "can't", "hope", "hoping", "hard", "day", "week", "month", "time",
         "people", "person", "someone", "anyone", "everyone", "think", "thought", "know", "knew",
         "want", "wanted", "need", "needed", "try", "trying", "tried", "home", "room", "doctor",
         "therapist", "appointment", "medication", "group", "reading", "writing", "music", "rain",
         "sun"]
HITS = ["kill myself", "worthless", "self-harm", "idiot", "stupid", "hate you"]
HOSTILE_PATTERNS = ["a*b*c", "*a*a*z", "a*a*a*a*b", "kill*", "kill kill kill x", "a a a a b",
                    "ab*ab*ab*c"]


def make_patterns(count: int, rng: random.Random) -> list[WatchedPattern]:
    """Pseudo-words, 15 % phrases, 15 % with `*` (mostly "word*"), real hits, backtracking bait."""
    def word(shortest: int = 1) -> str:
        return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(shortest, 4)))

    texts = dict.fromkeys([*HITS, *HOSTILE_PATTERNS])  # an ordered set
    while len(texts) < count:
        roll = rng.random()
        if roll < 0.15:
            texts[" ".join(word() for _ in range(rng.randint(2, 4)))] = None
        elif roll < 0.30:
            shape = rng.choices(["{}*", "*{}", "*{}*", "{}*{}", "{}*{}*{}"], [60, 20, 12, 6, 2])[0]
            texts[shape.format(*(word(2) for _ in range(shape.count("{}"))))] = None
        else:
            texts[word()] = None
    actions = list(WordAction)
    return [WatchedPattern(i, text, rng.choice(actions)) for i, text in enumerate(texts, 1)]


def prose(rng: random.Random, hits: int = 6) -> str:
    words: list[str] = []
    while sum(map(len, words)) + len(words) < TEXT_CHARS:
        words.append(rng.choice(PROSE) + rng.choice(["", "", "", "", ",", ".", ".\n\n"]))
    for position in rng.sample(range(len(words)), hits):
        words[position] = rng.choice(HITS)
    return " ".join(words)[:TEXT_CHARS]


def texts(rng: random.Random) -> dict[str, str]:
    english = prose(rng)
    return {
        "prose, 6 hits": english,
        "prose, curly ’ (translate path)": english.replace("'", "’"),
        "prose, with ß (mapped path)": english.replace("week", "straße"),
        "'a' * 20,000": "a" * TEXT_CHARS,
        "'kill ' * 4,000": "kill " * (TEXT_CHARS // 5),
        "'a ' * 10,000": "a " * (TEXT_CHARS // 2),
        "'ab' * 10,000": "ab" * (TEXT_CHARS // 2),
        "spaces + 'a'": " " * (TEXT_CHARS - 1) + "a",
    }


def median_ms(call: Callable[[], object], runs: int) -> float:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patterns", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    patterns = make_patterns(args.patterns, rng)

    build = median_ms(lambda: WordMatcher(patterns), 5)
    matcher = WordMatcher(patterns)
    print(f"Python {sys.version.split()[0]}, {len(matcher)} patterns, "
          f"build (median of 5): {build:.1f} ms")
    print(f"{'text (20 KB)':<34} {'find ms':>8} {'strongest ms':>13} {'matches':>8}")
    for name, text in texts(rng).items():
        find = median_ms(partial(matcher.find, text), args.runs)
        strongest = median_ms(partial(matcher.strongest, text), args.runs)
        print(f"{name:<34} {find:8.2f} {strongest:13.2f} {len(matcher.find(text)):8}")


if __name__ == "__main__":
    main()
