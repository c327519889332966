"""A SQLite database migrated once per session by a real `forum migrate`, copied for each
command-line test that only needs a migrated forum to start from (`forum migrate` itself is
run for real by the tests about it: tests/db/test_cli.py, tests/db/test_package.py)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FORUM = str(Path(sys.executable).parent / "forum")


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    where = tmp_path_factory.mktemp("migrated")
    database = where / "forum.sqlite3"
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("FORUM_")},
           "FORUM_VAR_DIR": str(where), "FORUM_DATABASE_URL": f"sqlite://{database}"}
    result = subprocess.run([FORUM, "migrate"], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert not database.with_name(database.name + "-wal").exists()  # all in the one file
    return database


@pytest.fixture
def copy_migrated(migrated_sqlite: Path) -> Callable[[Path], Path]:
    """`copy_migrated(path)` puts a freshly migrated forum database at ``path``."""
    def copy(path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(migrated_sqlite, path)
        return path

    return copy
