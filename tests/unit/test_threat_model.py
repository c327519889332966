"""docs/threat-model.md names the test that holds each promise: every test it names exists,
so the document cannot claim a proof that is not there."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.backend_independent

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "threat-model.md"
REFERENCE = re.compile(r"`(tests/[\w/]+\.py)(?:::(\w+))?")
CONTINUED = re.compile(r"`…(\w+)`")  # "…test_name" continues the file named before it


def _tests_in(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    return {node.name for node in ast.walk(tree)
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            and node.name.startswith("test_")}


def named_tests(text: str) -> list[tuple[str, str | None]]:
    found: list[tuple[str, str | None]] = []
    for line in text.splitlines():
        last_file: str | None = None
        for match in re.finditer(rf"{REFERENCE.pattern}|{CONTINUED.pattern}", line):
            if match.group(1):
                last_file = match.group(1)
                found.append((last_file, match.group(2)))
            elif last_file is not None:
                found.append((last_file, "test_" + match.group(3).removeprefix("test_")))
    return found


def test_every_test_the_threat_model_names_exists():
    names = named_tests(DOC.read_text("utf-8"))
    assert len(names) > 20
    missing = [f"{file}::{name}" if name else file for file, name in names
               if not (ROOT / file).is_file()
               or (name is not None and name not in _tests_in(ROOT / file))]
    assert missing == []


def test_the_check_notices_a_test_that_is_not_there():
    text = "| a promise | `tests/web/test_anonymity.py::test_no_such_test`, `…test_nor_this` |"
    assert named_tests(text) == [("tests/web/test_anonymity.py", "test_no_such_test"),
                                 ("tests/web/test_anonymity.py", "test_nor_this")]
    assert "test_no_such_test" not in _tests_in(ROOT / "tests/web/test_anonymity.py")


def test_the_readme_links_the_threat_model():
    assert "docs/threat-model.md" in (ROOT / "README.md").read_text("utf-8")
