"""Settings come from FORUM_* variables, are checked at start-up, and never print a secret."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from forum.ratelimit import RateLimitConfigError, RateLimiter
from forum.settings import Settings, SettingsError, load_settings

FORUM = str(Path(sys.executable).parent / "forum")
SECRET = "correct-horse-battery-staple-0123456789"
REDIS_HINT = "pip install 'hearth-forum[redis]'"
WITHOUT_REDIS = "import sys; sys.modules['redis'] = None; "


def run(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("FORUM_")}
    return subprocess.run(args, cwd=cwd, env={**clean, **env}, capture_output=True, text=True,
                          timeout=60, check=False)


@pytest.mark.parametrize(("name", "value", "says"), [
    ("FORUM_PAGE_CACHE_SECONDS", "soon", "whole number"),
    ("FORUM_NEW_MEMBER_DAYS", "²", "whole number"),
    ("FORUM_PASSWORD_HASHING", "quick", "'standard' or 'fast'"),
    ("FORUM_DEBUG", "maybe", "boolean"),
    ("FORUM_RATE_LIMITS", "signup=lots", "FORUM_RATE_LIMITS"),
])
def test_an_invalid_setting_stops_the_forum_with_one_line_naming_it(tmp_path, name, value, says):
    result = run([FORUM, "check"], {"FORUM_VAR_DIR": str(tmp_path), name: value}, tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"forum: {name}") and says in lines[0]


def test_a_redis_url_without_redis_installed_says_which_extra_to_install(tmp_path):
    code = WITHOUT_REDIS + "from forum.cli import main; raise SystemExit(main(['check']))"
    result = run([sys.executable, "-c", code],
                 {"FORUM_VAR_DIR": str(tmp_path),
                  "FORUM_REDIS_URL": "redis://:hunter2pass@127.0.0.1:6379/0"}, tmp_path)
    assert result.returncode == 2
    assert REDIS_HINT in result.stderr and "Traceback" not in result.stderr
    assert "hunter2pass" not in result.stderr


def test_the_forum_starts_without_redis_when_no_redis_url_is_set(tmp_path):
    code = WITHOUT_REDIS + ("from forum.app import create_app; from forum.settings import "
                            "load_settings; create_app(load_settings()); print('started')")
    result = run([sys.executable, "-c", code], {"FORUM_VAR_DIR": str(tmp_path)}, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "started"


def test_the_limiter_itself_names_the_redis_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "redis", None)
    with pytest.raises(RateLimitConfigError, match=r"hearth-forum\[redis\]"):
        RateLimiter("", "redis://127.0.0.1:6379/0")


def test_secrets_never_appear_in_reprs_dumps_or_the_check_listing(tmp_path):
    settings = load_settings({"FORUM_VAR_DIR": str(tmp_path), "FORUM_SECRET_KEY": SECRET,
                              "FORUM_ANONYMITY_KEY": SECRET + "-anon",
                              "FORUM_REDIS_URL": f"redis://:{SECRET}@127.0.0.1:6379/0",
                              "FORUM_DATABASE_URL": "postgres://hearth:db-password@db/hearth"})
    for shown in (repr(settings), str(settings), settings.model_dump_json(),
                  str(settings.model_dump()), str(settings.describe())):
        assert SECRET not in shown
    for shown in (repr(settings), str(settings), str(settings.describe())):
        assert "db-password" not in shown
    assert settings.describe()["FORUM_SECRET_KEY"] == "********"
    assert settings.secret_key.get_secret_value() == SECRET
    assert settings.anonymity_secret == SECRET + "-anon"


def test_load_settings_reads_only_the_mapping_it_is_given(tmp_path, monkeypatch):
    monkeypatch.setenv("FORUM_BASE_URL", "https://from-the-process.example")
    monkeypatch.setenv("FORUM_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("FORUM_SECRET_KEY", SECRET)
    given = load_settings({"FORUM_VAR_DIR": str(tmp_path), "FORUM_SECRET_KEY": SECRET})
    assert given.base_url == Settings.model_fields["base_url"].default
    from_process = load_settings()
    assert from_process.base_url == "https://from-the-process.example"


def test_empty_values_mean_the_default_and_lists_are_comma_separated(tmp_path):
    settings = load_settings({"FORUM_VAR_DIR": str(tmp_path), "FORUM_SECRET_KEY": "",
                              "FORUM_REDIS_URL": "", "FORUM_BASE_URL": "https://forum.example/",
                              "FORUM_TRUSTED_PROXIES": " 10.0.0.1, 192.168.0.0/16 ,,",
                              "FORUM_DEBUG": "true", "FORUM_PAGE_CACHE_SECONDS": " 0 "})
    assert settings.database_url == f"sqlite://{tmp_path / 'hearth.sqlite3'}"
    assert settings.secret_key.get_secret_value() == (tmp_path / "secret_key").read_text()
    assert settings.redis_url is None
    assert settings.base_url == "https://forum.example" and settings.secure_cookies
    assert settings.trusted_proxies == ("10.0.0.1", "192.168.0.0/16")
    assert settings.debug is True and settings.page_cache_seconds == 0


def test_several_bad_values_are_reported_together_in_one_line(tmp_path):
    with pytest.raises(SettingsError) as caught:
        load_settings({"FORUM_VAR_DIR": str(tmp_path), "FORUM_NEW_MEMBER_DAYS": "-1",
                       "FORUM_NEW_MEMBER_POSTS": "many"})
    message = str(caught.value)
    assert "\n" not in message
    assert "FORUM_NEW_MEMBER_DAYS" in message and "FORUM_NEW_MEMBER_POSTS" in message


def test_the_anonymity_key_can_come_from_a_file_and_is_never_printed(tmp_path):
    key_file = tmp_path / "anonymity.key"
    key_file.write_text(SECRET + "-from-file\n")
    settings = load_settings({"FORUM_VAR_DIR": str(tmp_path), "FORUM_SECRET_KEY": SECRET,
                              "FORUM_ANONYMITY_KEY_FILE": str(key_file)})
    assert settings.anonymity_secret == SECRET + "-from-file"
    shown = settings.describe()
    assert shown["FORUM_ANONYMITY_KEY_FILE"] == str(key_file)
    assert shown["FORUM_ANONYMITY_KEY"] == "********"
    assert "-from-file" not in repr(settings) + str(shown) + settings.model_dump_json()
