"""Print the lock: every package pyproject.toml asks for, and theirs, pinned as installed.

    .venv/bin/python tools/lock.py > constraints.txt     (what `make lock` runs)

Walks the requirements from the installed distributions' metadata, starting at the
dependencies, every extra, the dev group, the build backend and pip. Anything else the venv
happens to hold is left out, and a requirement that is not installed is an error.
"""

from __future__ import annotations

import sys
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

PROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"
HEADER = "# Pinned versions of everything the venv installs (regenerate with `make lock`)."


def roots(pyproject: dict[str, object]) -> list[Requirement]:
    project = pyproject["project"]
    assert isinstance(project, dict)
    wanted = list(project.get("dependencies", []))
    for extra in project.get("optional-dependencies", {}).values():
        wanted += extra
    groups = pyproject.get("dependency-groups", {})
    assert isinstance(groups, dict)
    wanted += [r for r in groups.get("dev", []) if isinstance(r, str)]
    build = pyproject.get("build-system", {})
    assert isinstance(build, dict)
    wanted += [*build.get("requires", []), "pip"]
    return [Requirement(r) for r in wanted]


def pinned(requirements: list[Requirement]) -> dict[str, str]:
    found: dict[str, str] = {}
    todo = [(r, frozenset(r.extras)) for r in requirements]
    expanded: set[tuple[str, frozenset[str]]] = set()
    while todo:
        req, extras = todo.pop()
        key = canonicalize_name(req.name)
        if (key, extras) in expanded:
            continue
        expanded.add((key, extras))
        try:
            dist = metadata.distribution(req.name)
        except metadata.PackageNotFoundError:
            sys.exit(f"{req.name} is required but not installed: run make first")
        found[key] = f"{dist.metadata['Name']}=={dist.version}"
        for raw in dist.requires or []:
            sub = Requirement(raw)
            needed = sub.marker is None or any(
                sub.marker.evaluate({"extra": extra}) for extra in (extras or {""}))
            if needed:
                todo.append((sub, frozenset(sub.extras)))
    found.pop(canonicalize_name(tomllib.loads(PROJECT.read_text())["project"]["name"]), None)
    return found


def main() -> int:
    pyproject = tomllib.loads(PROJECT.read_text())
    print(HEADER)
    for _, line in sorted(pinned(roots(pyproject)).items()):
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
