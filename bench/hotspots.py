"""Summarise a py-spy "raw" (collapsed stacks) profile: where did the worker spend its time?

    .venv/bin/python bench/hotspots.py PROFILE.txt [--top 25]

Prints the share of samples by area (which library the innermost frame of interest is
in), then the top functions by inclusive time and by self time. Each line of the input is
``frame;frame;...;frame COUNT`` with frames like ``name (path/to/file.py:123)``; with
``py-spy record --threads`` the first frame names the thread.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

FRAME = re.compile(r"^(?P<name>.*?) \((?P<file>[^()]*?)(?::(?P<line>\d+))?\)$")

# Most specific first: the first pattern found in the file path names the area.
AREAS = [
    ("sqlite3 / aiosqlite (query execution, incl. its thread)", ("aiosqlite", "sqlite3")),
    ("tortoise: building model objects from rows", ("tortoise/models.py", "tortoise/fields")),
    ("tortoise: query building & execution (Python)", ("tortoise/", "pypika")),
    ("jinja2 rendering (templates + filters)", ("jinja2", "/templates/", "markupsafe")),
    ("forum code", ("/forum/",)),
    ("starlette", ("starlette",)),
    ("uvicorn / httptools / uvloop", ("uvicorn", "httptools", "uvloop")),
    ("asyncio", ("asyncio",)),
]


def area_of(stack: list[tuple[str, str]]) -> str:
    """The area of the innermost frame that falls in a known area."""
    for _name, file in reversed(stack):
        for area, needles in AREAS:
            if any(n in file for n in needles):
                return area
    return "other (interpreter, idle, unknown)"


def parse(path: Path) -> list[tuple[list[tuple[str, str]], int]]:
    stacks = []
    for raw in path.read_text().splitlines():
        line, _, count = raw.rpartition(" ")
        if not line or not count.isdigit():
            continue
        frames = []
        for part in line.split(";"):
            m = FRAME.match(part.strip())
            frames.append((m["name"], m["file"]) if m else (part.strip(), ""))
        stacks.append((frames, int(count)))
    return stacks


def short(name: str, file: str) -> str:
    for marker in ("site-packages/", "/work/main/", "lib/python3"):
        if marker in file:
            file = file.split(marker, 1)[1]
            break
    return f"{name} ({file})" if file else name


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("profile", type=Path)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    stacks = parse(args.profile)
    total = sum(c for _, c in stacks)
    if not total:
        print("no samples", file=sys.stderr)
        return 1
    areas: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    self_time: Counter[str] = Counter()
    for frames, count in stacks:
        areas[area_of(frames)] += count
        seen = set()
        for name, file in frames:
            key = short(name, file)
            if key not in seen:
                seen.add(key)
                inclusive[key] += count
        self_time[short(*frames[-1])] += count

    def pct(n: int) -> str:
        return f"{100 * n / total:5.1f}%"

    print(f"{total} samples from {args.profile}")
    print("\nBy area (innermost known frame):")
    for area, n in areas.most_common():
        print(f"  {pct(n)}  {area}")
    print(f"\nTop {args.top} by inclusive time:")
    for key, n in inclusive.most_common(args.top):
        print(f"  {pct(n)}  {key}")
    print(f"\nTop {args.top} by self time:")
    for key, n in self_time.most_common(args.top):
        print(f"  {pct(n)}  {key}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
