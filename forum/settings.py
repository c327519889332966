"""Settings read from the environment (``FORUM_*``), typed, with secrets kept out of reprs."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field, fields
from pathlib import Path

from starlette.config import Config, Environ, environ
from starlette.datastructures import Secret

BODY_LIMIT_BYTES = 256 * 1024
SECRET_KEY_FILE = "secret_key"

# Every setting, its default and what it does. The README table is checked against this.
DOCUMENTED_SETTINGS: dict[str, str] = {
    "FORUM_DATABASE_URL": "sqlite file under FORUM_VAR_DIR",
    "FORUM_SECRET_KEY": "generated into FORUM_VAR_DIR/secret_key",
    "FORUM_ANONYMITY_KEY": "FORUM_SECRET_KEY",
    "FORUM_REDIS_URL": "(unset)",
    "FORUM_CRISIS_WEBHOOK_URL": "(unset)",
    "FORUM_BASE_URL": "http://127.0.0.1:8000",
    "FORUM_QUICK_EXIT_URL": "https://www.google.com/search?q=weather",
    "FORUM_TRUSTED_PROXIES": "(none)",
    "FORUM_RATE_LIMITS": "(built-in defaults)",
    "FORUM_VAR_DIR": "./var",
    "FORUM_PASSWORD_HASHING": "standard",
    "FORUM_DEBUG": "false",
    "FORUM_PAGE_CACHE_SECONDS": "30",
    "FORUM_NEW_MEMBER_DAYS": "3",
    "FORUM_NEW_MEMBER_POSTS": "2",
}


@dataclass(frozen=True)
class Settings:
    database_url: str
    secret_key: Secret
    anonymity_key: Secret | None = None
    redis_url: Secret | None = None
    crisis_webhook_url: str | None = None
    base_url: str = "http://127.0.0.1:8000"
    quick_exit_url: str = "https://www.google.com/search?q=weather"
    trusted_proxies: tuple[str, ...] = ()
    rate_limits: str = ""
    var_dir: Path = field(default_factory=lambda: Path("var"))
    password_hashing: str = "standard"
    debug: bool = False
    page_cache_seconds: int = 30
    new_member_days: int = 3
    new_member_posts: int = 2

    @property
    def anonymity_secret(self) -> str:
        """What the key sealing anonymous authorship is derived from."""
        return str(self.anonymity_key or self.secret_key)

    @property
    def secure_cookies(self) -> bool:
        return self.base_url.startswith("https://")

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def describe(self) -> dict[str, str]:
        """The effective configuration with secrets masked, for `forum check`."""
        shown: dict[str, str] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, Secret):
                value = "********"
            elif f.name == "database_url":
                value = mask_url_password(value)
            elif isinstance(value, tuple):
                value = ",".join(value) or "(none)"
            shown[f"FORUM_{f.name.upper()}"] = str(value) if value not in (None, "") else "(unset)"
        return shown


def mask_url_password(url: str) -> str:
    if "://" not in url or "@" not in url:
        return url
    scheme, rest = url.split("://", 1)
    creds, host = rest.rsplit("@", 1)
    user = creds.split(":", 1)[0]
    return f"{scheme}://{user}:********@{host}" if ":" in creds else url


def _secret_key(config: Config, var_dir: Path) -> Secret:
    configured = config("FORUM_SECRET_KEY", cast=Secret, default=None)
    if configured is not None and str(configured):
        return configured
    key_file = var_dir / SECRET_KEY_FILE
    if not key_file.exists():
        var_dir.mkdir(parents=True, exist_ok=True)
        key_file.touch(mode=0o600)
        key_file.write_text(secrets.token_urlsafe(48))
    return Secret(key_file.read_text().strip())


def load_settings(env: Environ | dict[str, str] | None = None) -> Settings:
    config = Config(environ=env if env is not None else environ)
    var_dir = Path(config("FORUM_VAR_DIR", default="var"))
    default_db = f"sqlite://{var_dir / 'hearth.sqlite3'}"
    proxies = config("FORUM_TRUSTED_PROXIES", default="")
    hashing = config("FORUM_PASSWORD_HASHING", default="standard")
    if hashing not in ("standard", "fast"):
        raise ValueError("FORUM_PASSWORD_HASHING must be 'standard' or 'fast'")
    redis_url = config("FORUM_REDIS_URL", default="")
    anonymity_key = config("FORUM_ANONYMITY_KEY", default="")
    return Settings(
        database_url=config("FORUM_DATABASE_URL", default=default_db),
        secret_key=_secret_key(config, var_dir),
        anonymity_key=Secret(anonymity_key) if anonymity_key else None,
        redis_url=Secret(redis_url) if redis_url else None,
        crisis_webhook_url=config("FORUM_CRISIS_WEBHOOK_URL", default="") or None,
        base_url=config("FORUM_BASE_URL", default="http://127.0.0.1:8000").rstrip("/"),
        quick_exit_url=config(
            "FORUM_QUICK_EXIT_URL", default="https://www.google.com/search?q=weather"
        ),
        trusted_proxies=tuple(p.strip() for p in proxies.split(",") if p.strip()),
        rate_limits=config("FORUM_RATE_LIMITS", default=""),
        var_dir=var_dir,
        password_hashing=hashing,
        debug=config("FORUM_DEBUG", cast=bool, default=False),
        page_cache_seconds=_non_negative(config("FORUM_PAGE_CACHE_SECONDS", default="30"),
                                         "FORUM_PAGE_CACHE_SECONDS"),
        new_member_days=_non_negative(config("FORUM_NEW_MEMBER_DAYS", default="3"),
                                      "FORUM_NEW_MEMBER_DAYS"),
        new_member_posts=_non_negative(config("FORUM_NEW_MEMBER_POSTS", default="2"),
                                       "FORUM_NEW_MEMBER_POSTS"),
    )


def _non_negative(value: str, name: str) -> int:
    if not value.strip().isdigit():
        raise ValueError(f"{name} must be a whole number (0 or more)")
    return int(value)
