"""The repository stands alone: no tracked file reaches outside it.

A fresh clone must build, test and run with nothing beside it (a test once read its corpus
from a folder next to the checkout, climbing up from its own file, which only worked on one
machine). Three ways out are looked for in every tracked file: a path climbing up from
``__file__`` past the repository's top, a relative path climbing out of it, and an absolute path
into a workspace or home folder (this machine's or anyone's). Symlinks must point inside too.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Absolute paths that always mean "somebody's machine" (and whatever folder holds this clone).
WORKSPACE_FOLDERS = ("work", "home", "Users", "root", "mnt")
ABSOLUTE_OUTSIDE = re.compile(
    r"(?<![\w.:/~-])/(?:" + "|".join(WORKSPACE_FOLDERS) + r")/[\w.-]+"
)
# `..` starting a relative path: `../x`, a quoted "..", `cd ..` (not /a/../b inside a URL,
# not an ellipsis, not Lua's `..` operator).
CLIMB = r"\.\.(?:/\.\.)*"
RELATIVE_CLIMB = re.compile(
    rf"(?<![\w./])(?P<a>{CLIMB})(?=/)|([\"'`])(?P<b>{CLIMB})\2|\bcd\s+(?P<c>{CLIMB})(?=[\s;&)]|$)",
    re.M)
PATH_CALLS = {"Path", "PurePath", "PosixPath", "abspath", "realpath", "normpath", "fspath"}
SAME_PLACE_METHODS = {"resolve", "absolute", "expanduser"}


def tracked_files() -> list[Path]:
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True,
                            check=True).stdout.decode()
    return [ROOT / name for name in listed.split("\0") if name and (ROOT / name).is_file()]


def levels_up(node: ast.AST) -> int | None:
    """How far above the file itself an expression built from ``__file__`` points.

    ``Path(__file__)`` is 0, ``.parent`` 1, ``.parents[N]`` N + 1, ``os.path.dirname`` one
    more, ``/ ".."`` one more; None when the expression is not built from ``__file__``.
    """
    if isinstance(node, ast.Name):
        return 0 if node.id == "__file__" else None
    if isinstance(node, ast.Call):
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if isinstance(func, ast.Attribute) and name in SAME_PLACE_METHODS:
            return levels_up(func.value)
        if name in PATH_CALLS | {"dirname"} and node.args:
            inner = levels_up(node.args[0])
            if inner is None:
                return None
            return inner + 1 if name == "dirname" else inner
        return None
    if isinstance(node, ast.Attribute) and node.attr == "parent":
        inner = levels_up(node.value)
        return None if inner is None else inner + 1
    if (isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute)
            and node.value.attr == "parents" and isinstance(node.slice, ast.Constant)
            and isinstance(node.slice.value, int)):
        inner = levels_up(node.value.value)
        return None if inner is None else inner + node.slice.value + 1
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
        inner = levels_up(node.left)
        if inner is None or not isinstance(node.right, ast.Constant):
            return inner
        level = inner
        for part in str(node.right.value).split("/"):
            level += 1 if part == ".." else (0 if part in ("", ".") else -1)
        return level
    return None


def climbs_out_of_the_repository(source: str, relative: Path) -> list[str]:
    """Expressions in Python source that climb from ``__file__`` above the repository."""
    limit = len(relative.parts)  # from tests/web/x.py, 3 levels up is the repository itself
    found = []
    for node in ast.walk(ast.parse(source)):
        level = levels_up(node)
        if level is not None and level > limit:
            found.append(f"{relative}:{getattr(node, 'lineno', '?')}: "
                         f"{ast.unparse(node)} climbs {level - limit} above the repository")
    return found


def reaches_outside(text: str, relative: Path, workspace: Path) -> list[str]:
    """Relative paths climbing out and absolute paths into workspaces, in any text file."""
    found = []
    # Markdown links resolve from the file's folder; commands and code run from the top.
    base_depth = len(relative.parts) - 1 if relative.suffix == ".md" else 0
    for match in RELATIVE_CLIMB.finditer(text):
        climb = match["a"] or match["b"] or match["c"]
        if climb.count("..") > base_depth:
            line = text.count("\n", 0, match.start()) + 1
            found.append(f"{relative}:{line}: {match.group()!r} climbs out of the repository")
    patterns = [ABSOLUTE_OUTSIDE]
    if workspace != Path("/"):
        patterns.append(re.compile(re.escape(f"{workspace}/") + r"[\w.-]+"))
    for pattern in patterns:
        for match in pattern.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            found.append(f"{relative}:{line}: absolute path {match.group()!r} outside it")
    return found


def problems_in(path: Path) -> list[str]:
    relative = path.relative_to(ROOT)
    if path.is_symlink():
        target = (path.parent / os.readlink(path)).resolve()
        return [] if target.is_relative_to(ROOT) else [f"{relative}: symlink to {target}"]
    raw = path.read_bytes()
    if b"\0" in raw:
        return []  # binary
    text = raw.decode("utf-8", errors="replace")
    found = reaches_outside(text, relative, ROOT.parent)
    if path.suffix == ".py":
        found += climbs_out_of_the_repository(text, relative)
    return found


def test_no_tracked_file_refers_to_a_path_outside_the_repository():
    files = tracked_files()
    assert len(files) > 50  # the listing really came from git
    # This file alone is left out: its examples below are written to be caught.
    problems = [problem for path in files if path != Path(__file__).resolve()
                for problem in problems_in(path)]
    assert problems == []


@pytest.mark.parametrize("line", [
    'CORPUS = Path(__file__).resolve().parents[3] / "beside" / "xss-corpus.txt"',
    'CORPUS = Path(__file__).parent.parent.parent.parent / "beside" / "xss-corpus.txt"',
    'CORPUS = Path(__file__).resolve().parents[2] / ".." / "beside" / "xss-corpus.txt"',
    'CORPUS = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname('
    'os.path.dirname(os.path.abspath(__file__))))), "beside")',
])
def test_the_check_catches_a_test_climbing_out_from_its_own_file(line):
    relative = Path("tests/web/test_xss_and_headers.py")
    assert climbs_out_of_the_repository(f"import os\n{line}\n", relative)


def test_the_check_lets_a_test_reach_the_top_of_the_repository():
    source = 'ROOT = Path(__file__).resolve().parents[2]\nDATA = ROOT / "tests" / "data"\n'
    assert climbs_out_of_the_repository(source, Path("tests/unit/test_x.py")) == []
    assert climbs_out_of_the_repository('p = Path(__file__).parent / ".." / "data"\n',
                                        Path("tests/web/test_x.py")) == []


@pytest.mark.parametrize(("text", "where"), [
    ('CORPUS = "../beside/xss-corpus.txt"', "tests/web/test_x.py"),
    ("\tcp ../beside/STYLE.md docs/", "Makefile"),
    ('BESIDE = Path("..") / "beside"', "tests/web/test_x.py"),
    ("cd .. && cat beside/SPEC.md", "tests/run-suites.sh"),
    ("See [the style](../../beside/STYLE.md).", "bench/README.md"),
    ('CORPUS = "/' + 'work/beside/xss-corpus.txt"', "tests/web/test_x.py"),
    ('open("/' + 'home/someone/corpus.txt")', "bench/x.py"),
])
def test_the_check_catches_relative_and_absolute_paths_outside(text, where):
    assert reaches_outside(text, Path(where), Path("/elsewhere"))


def test_the_check_catches_this_clones_own_folder(tmp_path):
    workspace = tmp_path / "clones"
    assert reaches_outside(f'ROOT = "{workspace}/main"', Path("forum/x.py"), workspace)


@pytest.mark.parametrize(("text", "where"), [
    ('client.get("/stories/1/../../etc/passwd")', "tests/web/test_x.py"),
    ('cd "$(dirname "$0")/.."', ".ci/run"),
    ("See [the map](../README.md).", "bench/README.md"),
    ("Wait... then https://example.org/work/page", "README.md"),
    ("from ..factories import make_user", "tests/web/test_x.py"),
    ("'p99=%d,' ..\n    'max=%d'", "bench/wrk_report.lua"),
])
def test_the_check_leaves_urls_links_inside_and_prose_alone(text, where):
    assert reaches_outside(text, Path(where), Path("/elsewhere")) == []
