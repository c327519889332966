"""The anonymity key must not travel with a copy of the data: a real (https) deployment
refuses to start with the key beside the SQLite file, and `forum check` warns every time."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from forum.key_location import check_warnings, startup_refusal
from forum.settings import SettingsError, load_settings

FORUM = str(Path(sys.executable).parent / "forum")
START = ("from forum.app import create_app; from forum.settings import load_settings; "
         "create_app(load_settings()); print('started')")
KEY = "an-anonymity-key-from-a-secrets-manager-0123456789"
PG_URL = "postgres://nobody:pw@127.0.0.1:1/none"


def run(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("FORUM_")}
    return subprocess.run(args, cwd=cwd, env={**clean, **env}, capture_output=True, text=True,
                          timeout=60, check=False)


def deployment(tmp_path: Path, **more: str) -> dict[str, str]:
    return {"FORUM_VAR_DIR": str(tmp_path / "var"),
            "FORUM_BASE_URL": "https://forum.example", **more}


def test_an_https_forum_with_the_generated_key_beside_the_data_refuses_to_serve(tmp_path):
    result = run([FORUM, "serve", "--port", "1"], deployment(tmp_path), tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert str(tmp_path / "var" / "secret_key") in lines[0]
    assert "FORUM_ANONYMITY_KEY" in lines[0] and "FORUM_ANONYMITY_KEY_FILE" in lines[0]


def test_the_asgi_app_itself_refuses_too_naming_what_to_set(tmp_path):
    result = run([sys.executable, "-c", START], deployment(tmp_path), tmp_path)
    assert result.returncode != 0 and "started" not in result.stdout
    assert "SettingsError" in result.stderr
    assert "Set FORUM_ANONYMITY_KEY from the environment" in result.stderr


def test_an_https_forum_starts_with_the_key_from_the_environment(tmp_path):
    result = run([sys.executable, "-c", START],
                 deployment(tmp_path, FORUM_ANONYMITY_KEY=KEY), tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "started"


def test_an_https_forum_starts_with_a_key_file_outside_the_data_folder_only(tmp_path):
    outside = tmp_path / "secrets" / "anonymity.key"
    assert run([FORUM, "new-key", str(outside)], {}, tmp_path).returncode == 0
    started = run([sys.executable, "-c", START],
                  deployment(tmp_path, FORUM_ANONYMITY_KEY_FILE=str(outside)), tmp_path)
    assert started.returncode == 0, started.stderr
    inside = tmp_path / "var" / "keys" / "anonymity.key"
    assert run([FORUM, "new-key", str(inside)], {}, tmp_path).returncode == 0
    refused = run([FORUM, "serve", "--port", "1"],
                  deployment(tmp_path, FORUM_ANONYMITY_KEY_FILE=str(inside)), tmp_path)
    assert refused.returncode == 2 and str(inside) in refused.stderr


def test_local_http_use_needs_no_setup_and_check_warns_what_a_copy_would_expose(tmp_path):
    env = {"FORUM_VAR_DIR": str(tmp_path / "var")}
    started = run([sys.executable, "-c", START], env, tmp_path)
    assert started.returncode == 0, started.stderr
    assert run([FORUM, "migrate"], env, tmp_path).returncode == 0
    check = run([FORUM, "check"], env, tmp_path)
    assert check.returncode == 0, check.stdout + check.stderr
    warning = next(line for line in check.stdout.splitlines()
                   if line.startswith("Anonymity key: WARNING"))
    assert "inside the database's folder" in warning
    assert "a copy of that folder reveals who wrote each anonymous post" in warning
    assert "FORUM_ANONYMITY_KEY_FILE" in warning


def test_check_on_an_https_forum_says_it_will_not_start(tmp_path):
    check = run([FORUM, "check"], deployment(tmp_path), tmp_path)
    assert check.returncode == 1
    assert "Anonymity key: WARNING" in check.stdout and "will not start" in check.stdout


def test_check_is_quiet_about_a_key_kept_in_the_environment(tmp_path):
    # (the proxy in front of an https forum is named, or `forum check` warns about that)
    check = run([FORUM, "check"], deployment(tmp_path, FORUM_ANONYMITY_KEY=KEY,
                                             FORUM_TRUSTED_PROXIES="127.0.0.1"), tmp_path)
    assert "Anonymity key: kept apart from the data" in check.stdout
    assert "WARNING" not in check.stdout and KEY not in check.stdout


def test_on_postgresql_a_key_in_var_starts_but_check_asks_for_separate_backups(tmp_path):
    settings = load_settings(deployment(tmp_path, FORUM_DATABASE_URL=PG_URL))
    assert startup_refusal(settings) is None
    [warning] = check_warnings(settings)
    assert "keep backups of that file apart from the database's backups" in warning
    check = run([FORUM, "check"], deployment(tmp_path, FORUM_DATABASE_URL=PG_URL), tmp_path)
    assert "apart from the database's backups" in check.stdout


def test_a_sqlite_file_outside_var_makes_the_generated_key_no_longer_beside_it(tmp_path):
    settings = load_settings(deployment(
        tmp_path, FORUM_DATABASE_URL=f"sqlite://{tmp_path / 'data' / 'forum.sqlite3'}"))
    assert startup_refusal(settings) is None
    assert "apart from the database's backups" in check_warnings(settings)[0]


def test_a_secret_key_set_to_the_generated_files_value_is_still_that_file(tmp_path):
    first = load_settings(deployment(tmp_path))
    again = load_settings(deployment(
        tmp_path, FORUM_SECRET_KEY=first.secret_key.get_secret_value()))
    assert startup_refusal(again) is not None
    assert startup_refusal(load_settings(deployment(tmp_path, FORUM_SECRET_KEY=KEY))) is None


def test_the_key_and_the_key_file_together_or_a_missing_file_are_one_line_errors(tmp_path):
    key_file = tmp_path / "k"
    with pytest.raises(SettingsError, match="both set"):
        load_settings(deployment(tmp_path, FORUM_ANONYMITY_KEY=KEY,
                                 FORUM_ANONYMITY_KEY_FILE=str(key_file)))
    with pytest.raises(SettingsError, match="forum new-key") as missing:
        load_settings(deployment(tmp_path, FORUM_ANONYMITY_KEY_FILE=str(key_file)))
    assert str(missing.value).startswith("FORUM_ANONYMITY_KEY_FILE")
    key_file.write_text("short\n")
    with pytest.raises(SettingsError, match="holds no key"):
        load_settings(deployment(tmp_path, FORUM_ANONYMITY_KEY_FILE=str(key_file)))


def test_new_key_writes_a_private_file_and_never_overwrites_one(tmp_path):
    key_file = tmp_path / "anonymity.key"
    assert run([FORUM, "new-key", str(key_file)], {}, tmp_path).returncode == 0
    first = key_file.read_text()
    assert len(first.strip()) >= 60
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    again = run([FORUM, "new-key", str(key_file)], {}, tmp_path)
    assert again.returncode == 1 and "already exists" in again.stderr
    assert key_file.read_text() == first
