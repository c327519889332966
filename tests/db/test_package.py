"""The wheel is the whole forum: built, installed away from this checkout, migrated and served.

An earlier wheel had no templates and no static files (`forum serve` died on a missing
``site-packages/static``) and put a generic ``migrations`` package at the top of
site-packages. Here the wheel is built with pip, installed into a folder of its own, and run
from an empty folder: the home page and its stylesheet must come back from a real server.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.backend_independent

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
BUILD_TIMEOUT_SECONDS = 120
SERVER_START_SECONDS = 20
# Top-level folders of the checkout that the wheel carries inside the `forum` package.
RESOURCE_FOLDERS = ("templates", "static", "migrations")


def shipped_files(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    result = subprocess.run(
        [PYTHON, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet",
         "--disable-pip-version-check", "--wheel-dir", str(out), str(ROOT)],
        capture_output=True, text=True, timeout=BUILD_TIMEOUT_SECONDS, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    (built,) = out.glob("hearth_forum-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("site")
    result = subprocess.run(
        [PYTHON, "-m", "pip", "install", "--no-deps", "--quiet", "--disable-pip-version-check",
         "--target", str(target), str(wheel)],
        capture_output=True, text=True, timeout=BUILD_TIMEOUT_SECONDS, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    return target


def isolated_env(site: Path, folder: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FORUM_", "PYTHON"))}
    return {**env, "PYTHONPATH": str(site), "FORUM_VAR_DIR": str(folder / "var"),
            "FORUM_DATABASE_URL": f"sqlite://{folder / 'forum.sqlite3'}",
            "FORUM_PASSWORD_HASHING": "fast"}


def test_the_wheel_holds_only_the_forum_package_with_its_templates_static_and_migrations(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    top = {name.split("/", 1)[0] for name in names}
    assert top == {"forum", next(t for t in top if t.endswith(".dist-info"))}
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
    for folder in RESOURCE_FOLDERS:
        inside = {n.removeprefix(f"forum/{folder}/") for n in names
                  if n.startswith(f"forum/{folder}/")}
        assert inside == shipped_files(ROOT / folder), folder
    data = {n.removeprefix("forum/data/") for n in names if n.startswith("forum/data/")}
    assert data == shipped_files(ROOT / "forum" / "data")


def test_the_installed_wheel_finds_everything_inside_itself(installed, tmp_path):
    probe = ("import forum, forum.paths as p; "
             "print(forum.__file__, p.TEMPLATES_DIR, p.STATIC_DIR, p.resource_dir('migrations'),"
             " sep='\\n'); print(p.migrations_module())")
    result = subprocess.run([PYTHON, "-c", probe], cwd=tmp_path,
                            env=isolated_env(installed, tmp_path), capture_output=True,
                            text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    *paths, module = result.stdout.split()
    for path in paths:
        assert Path(path).is_relative_to(installed / "forum"), path
    assert module == "forum.migrations"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def served(installed: Path, tmp_path: Path) -> Iterator[str]:
    """`forum migrate` then `forum serve` from the installed wheel, in an empty folder."""
    env = isolated_env(installed, tmp_path)
    forum = str(installed / "bin" / "forum")
    migrated = subprocess.run([forum, "migrate"], cwd=tmp_path, env=env, capture_output=True,
                              text=True, timeout=120, check=False)
    assert migrated.returncode == 0, migrated.stdout + migrated.stderr
    port = free_port()
    server = subprocess.Popen([forum, "serve", "--host", "127.0.0.1", "--port", str(port)],
                              cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + SERVER_START_SECONDS
        while True:
            try:
                httpx.get(f"{base}/", timeout=2)
                break
            except httpx.TransportError:
                if server.poll() is not None or time.monotonic() > deadline:
                    server.kill()
                    pytest.fail(f"the server did not start:\n{server.communicate()[0]}")
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        if server.stdout:
            server.stdout.close()


def test_the_installed_wheel_migrates_and_serves_the_home_page_and_its_stylesheet(served):
    home = httpx.get(f"{served}/", timeout=10)
    assert home.status_code == 200
    assert "<title>" in home.text and "Hearth" in home.text
    assert "Quick exit" in home.text
    stylesheet = re.search(r'<link rel="stylesheet" href="([^"]+)"', home.text)
    assert stylesheet, home.text[:500]
    css = httpx.get(f"{served}{stylesheet.group(1)}", timeout=10)
    assert css.status_code == 200
    assert css.headers["content-type"].startswith("text/css")
    assert css.content == (ROOT / "static" / stylesheet.group(1).removeprefix("/static/")
                           ).read_bytes()
    assert len(css.content) > 1000
