"""`forum check` warns when the addresses the forum is reached at do not fit its settings:
FORUM_BASE_URL left pointing at this machine while the forum is served to others, and
FORUM_TRUSTED_PROXIES unset while requests come through a proxy (then every sign-in on the
site shares the proxy's one budget). Run for real, in a subprocess."""

from __future__ import annotations

import pytest

from .test_cli import forum

pytestmark = pytest.mark.backend_independent

KEY = "an-anonymity-key-kept-apart-from-the-data-0123456789"
BASE_WARNING = "Addresses: WARNING: FORUM_BASE_URL"
PROXY_WARNING = "Addresses: WARNING: FORUM_TRUSTED_PROXIES"
EVERY_ADDRESS = "0.0.0.0"  # noqa: S104  (given to `forum check`, never bound)


def check(tmp_path, *args: str, **settings: str) -> str:
    env = {"FORUM_VAR_DIR": str(tmp_path), "FORUM_SECRET_KEY": "check-secret-key",
           "FORUM_ANONYMITY_KEY": KEY, "FORUM_DATABASE_URL": f"sqlite://{tmp_path / 'c.db'}",
           "FORUM_BASE_URL": "", "FORUM_TRUSTED_PROXIES": "", "FORUM_RATE_LIMITS": "",
           **{f"FORUM_{name.upper()}": value for name, value in settings.items()}}
    result = forum(["check", *args], env)
    assert "Traceback" not in result.stderr, result.stderr
    return result.stdout


def test_a_default_base_url_while_serving_on_every_address_is_warned_about(tmp_path):
    out = check(tmp_path, "--host", EVERY_ADDRESS)
    assert BASE_WARNING in out
    assert "http://127.0.0.1:8000" in out and EVERY_ADDRESS in out
    assert "crisis alerts" in out  # says what goes wrong


def test_a_default_base_url_behind_a_configured_proxy_is_warned_about(tmp_path):
    out = check(tmp_path, trusted_proxies="10.0.0.2")
    assert BASE_WARNING in out and "proxy" in out


def test_an_https_base_url_without_trusted_proxies_warns_of_one_shared_budget(tmp_path):
    out = check(tmp_path, base_url="https://forum.example.org")
    assert PROXY_WARNING in out
    assert "30 sign-in attempts per 15 minutes" in out  # the budget everyone would share
    assert BASE_WARNING not in out


def test_the_shared_budget_named_is_the_configured_one(tmp_path):
    out = check(tmp_path, base_url="https://forum.example.org",
                rate_limits="signin_ip=50/10minutes")
    assert "50 sign-in attempts per 10 minutes" in out


def test_a_public_base_url_served_on_loopback_means_a_proxy_in_front(tmp_path):
    out = check(tmp_path, "--host", "127.0.0.1", base_url="http://forum.example.org")
    assert PROXY_WARNING in out and "127.0.0.1" in out


def test_a_well_set_up_deployment_gets_no_address_warnings(tmp_path):
    out = check(tmp_path, "--host", "127.0.0.1", base_url="https://forum.example.org",
                trusted_proxies="127.0.0.1")
    assert "Addresses: WARNING" not in out
    assert "Addresses: " in out


def test_a_forum_on_your_own_machine_gets_no_address_warnings(tmp_path):
    assert "Addresses: WARNING" not in check(tmp_path, "--host", "127.0.0.1")
    assert "Addresses: WARNING" not in check(tmp_path)


def test_serving_publicly_over_plain_http_on_its_own_address_is_not_a_proxy(tmp_path):
    out = check(tmp_path, "--host", EVERY_ADDRESS, base_url="http://192.0.2.10:8000")
    assert "Addresses: WARNING" not in out


def test_createuser_refuses_a_password_of_a_few_repeated_characters(tmp_path, copy_migrated):
    env = {"FORUM_VAR_DIR": str(tmp_path), "FORUM_PASSWORD_HASHING": "fast",
           "FORUM_DATABASE_URL": f"sqlite://{copy_migrated(tmp_path / 'u.sqlite3')}"}
    result = forum(["createuser", "keeper", "--password-stdin"], env, " " * 10 + "x\n")
    assert result.returncode == 1
    assert "different characters" in result.stderr
