"""The layers hold: handlers reach the database only through queries and use-cases, and the
lower layers never know about requests. `.importlinter` holds the import contracts; the AST
checks below catch what imports alone cannot (an ORM call on a model a handler imported for
its type)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.backend_independent

ROOT = Path(__file__).resolve().parents[2]
HANDLER_DIRS = [ROOT / "forum" / "views", ROOT / "forum" / "api"]
LOWER_LAYERS = ["actions", "queries", "models", "schemas", "safety", "permissions.py",
                "anonymity.py", "sealing.py", "markup.py", "restrictions.py"]
ORM_CALLS = {"filter", "get", "get_or_none", "create", "get_or_create", "update_or_create",
             "bulk_create", "all", "exclude", "annotate", "select_for_update", "raw",
             "update_from_dict", "save", "delete", "fetch_related", "refresh_from_db"}
WEB_MODULES = ("starlette.requests", "starlette.responses", "forum.web", "forum.views",
               "forum.api", "forum.routes", "forum.app", "forum.request_context")


def _python_files(*places: Path) -> list[Path]:
    files: list[Path] = []
    for place in places:
        files.extend(sorted(place.rglob("*.py")) if place.is_dir() else [place])
    return files


def _imported_names(tree: ast.Module, prefix: str) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(prefix):
            names.update(alias.asname or alias.name for alias in node.names)
    return names


def orm_calls_in_handler(path: Path, root: Path = ROOT) -> list[str]:
    tree = ast.parse(path.read_text("utf-8"))
    models = _imported_names(tree, "forum.models")
    found: list[str] = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        owner = node.func.value
        method = node.func.attr
        on_model = isinstance(owner, ast.Name) and owner.id in models and method in ORM_CALLS
        on_row = method in {"save", "fetch_related", "refresh_from_db", "update_from_dict"}
        if on_model or on_row:
            found.append(f"{path.relative_to(root)}:{node.lineno} .{method}()")
        if isinstance(node.func, ast.Name) and node.func.id == "in_transaction":
            found.append(f"{path.relative_to(root)}:{node.lineno} in_transaction()")
    return found


def test_page_and_api_handlers_make_no_orm_calls_of_their_own():
    found = [hit for path in _python_files(*HANDLER_DIRS) for hit in orm_calls_in_handler(path)]
    assert found == [], "handlers must call a query or a use-case instead:\n" + "\n".join(found)


def test_use_cases_queries_and_models_never_import_the_web_layer():
    found: list[str] = []
    for path in _python_files(*(ROOT / "forum" / name for name in LOWER_LAYERS)):
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            modules = ([node.module or ""] if isinstance(node, ast.ImportFrom)
                       else [a.name for a in node.names] if isinstance(node, ast.Import) else [])
            for module in modules:
                if module.startswith(WEB_MODULES):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} imports {module}")
    assert found == [], "\n".join(found)


def test_the_checker_sees_an_orm_call_hidden_behind_a_type_import(tmp_path):
    handler = tmp_path / "handler.py"
    handler.write_text("from forum.models.content import Post\n"
                       "async def page(request):\n"
                       "    return await Post.filter(id=1).first()\n")
    assert orm_calls_in_handler(handler, root=tmp_path) == ["handler.py:3 .filter()"]


def test_import_contracts_hold():
    linter = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(linter), str(ROOT / ".importlinter")],
                            cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
