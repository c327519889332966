"""Summarise a py-spy "raw" (collapsed stacks) profile: where did the worker spend its time?

    .venv/bin/python bench/hotspots.py PROFILE.txt [--top 25]

Waiting threads are left out. Prints the share of busy samples by area (the library of
the innermost frame of interest), then the top functions by inclusive time and by self
time. Each line of the input is ``frame;frame;...;frame COUNT`` with frames like
``name (path/to/file.py:123)``.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

FRAME = re.compile(r"^(?P<name>.*?) \((?P<file>[^()]*?)(?::(?P<line>\d+))?\)$")

# Leaves that mean "this thread is waiting": aiosqlite's worker blocked on its queue,
# uvicorn's health-check pipe, plain waits. Left out of the percentages.
IDLE_LEAVES = {
    "_connection_worker_thread", "Connection._recv", "Connection._recv_bytes",
    "Connection.poll", "Condition.wait", "Event.wait", "Thread.join", "select", "poll",
}
EVENT_LOOP_LEAVES = {"Runner.run", "BaseEventLoop.run_forever", "run_until_complete"}

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


# Frames every busy sample passes through (process start-up, the event loop, the middleware
# chain): left out of the inclusive list, which would otherwise start with them.
PLUMBING = (
    "<string>", "multiprocessing/", "threading.py", "uvicorn/", "asyncio/runners.py",
    "starlette/applications.py", "starlette/middleware/", "starlette/_exception_handler.py",
    "starlette/routing.py", "forum/security.py", "forum/sessions.py",
)


def area_of(stack: list[tuple[str, str]]) -> str:
    """The area of the innermost frame that falls in a known area."""
    if stack[-1][0] in EVENT_LOOP_LEAVES:
        return "event loop in C (uvloop: socket I/O, scheduling, any idle wait)"
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
    for marker in ("site-packages/", f"{REPO}/", "lib/python3"):
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
    idle = sum(c for frames, c in stacks if frames[-1][0] in IDLE_LEAVES)
    stacks = [(frames, c) for frames, c in stacks if frames[-1][0] not in IDLE_LEAVES]
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

    print(f"{args.profile}: {total} busy samples ({idle} idle-thread samples left out)")
    print("\nBy area (innermost known frame):")
    for area, n in areas.most_common():
        print(f"  {pct(n)}  {area}")
    print(f"\nTop {args.top} by inclusive time:")
    shown = [(k, n) for k, n in inclusive.most_common()
             if not any(p in k for p in PLUMBING) and not k.startswith("thread (")]
    for key, n in shown[: args.top]:
        print(f"  {pct(n)}  {key}")
    print(f"\nTop {args.top} by self time:")
    for key, n in self_time.most_common(args.top):
        print(f"  {pct(n)}  {key}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
