"""Settings read from the environment (``FORUM_*``), typed and validated, secrets never printed.

Each default is written once, here: the README's configuration table and `forum check` are
read from this class (a test keeps the README in step). Values that follow from another
setting (the database file and the generated key live in ``FORUM_VAR_DIR``) say so in
``default_doc``.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BeforeValidator,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic.config import JsonDict
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

BODY_LIMIT_BYTES = 256 * 1024
ENV_PREFIX = "FORUM_"
SECRET_KEY_FILE = "secret_key"
DATABASE_FILE = "hearth.sqlite3"
SECRET_KEY_BYTES = 48
MIN_KEY_CHARS = 32  # a key file shorter than this is a mistake, not a key
MASK = "********"
UNSET = "(unset)"
WHOLE_NUMBER = re.compile(r"[0-9]+")


class SettingsError(ValueError):
    """A setting has a value Hearth cannot use; the message is one line naming it."""


def _whole_number(value: Any) -> Any:
    if isinstance(value, str):
        if not WHOLE_NUMBER.fullmatch(value.strip()):
            raise ValueError("must be a whole number (0 or more)")
        return int(value.strip())
    return value


def _comma_list(value: Any) -> Any:
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(",") if part.strip())
    return value


WholeNumber = Annotated[int, BeforeValidator(_whole_number), Field(ge=0)]


def documented(default: Any, default_doc: str) -> Any:
    """A field whose default the README describes in words (it follows from another)."""
    extra: JsonDict = {"default_doc": default_doc}
    return Field(default=default, json_schema_extra=extra)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, env_ignore_empty=True,
                                      extra="ignore", frozen=True)

    database_url: str = documented(
        "", f"`sqlite://` file `{DATABASE_FILE}` in `FORUM_VAR_DIR`")
    secret_key: SecretStr = documented(
        SecretStr(""), f"generated into `FORUM_VAR_DIR/{SECRET_KEY_FILE}`")
    anonymity_key: SecretStr | None = documented(None, "`FORUM_SECRET_KEY`")
    anonymity_key_file: Path | None = documented(None, "unset")
    redis_url: SecretStr | None = documented(None, "unset")
    crisis_webhook_url: str | None = documented(None, "unset")
    smtp_url: SecretStr | None = documented(None, "unset")
    mail_from: str = "Hearth <hearth@localhost>"
    base_url: str = "http://127.0.0.1:8000"
    quick_exit_url: str = "https://www.google.com/search?q=weather"
    trusted_proxies: Annotated[tuple[str, ...], NoDecode, BeforeValidator(_comma_list)] = (
        documented((), "none"))
    rate_limits: str = documented("", "built-in defaults")
    var_dir: Path = Path("var")
    password_hashing: Literal["standard", "fast"] = "standard"
    debug: bool = False
    page_cache_seconds: WholeNumber = 30
    new_member_days: WholeNumber = 3
    new_member_posts: WholeNumber = 2
    # Read notifications are deleted this many days after they were sent.
    notifications_kept_days: WholeNumber = 90
    # Run background jobs (crisis alerts, tidying) inside each `forum serve` process; set
    # false when a separate `forum worker` runs them.
    run_jobs: bool = True

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Arguments first, then the environment load_settings was given (or os.environ)."""
        return init_settings, _MappingSource(settings_cls, _ENVIRON.get() or os.environ)

    @model_validator(mode="before")
    @classmethod
    def _defaults_inside_var_dir(cls, data: Any) -> Any:
        """The database file and the secret key default to files in FORUM_VAR_DIR."""
        if not isinstance(data, dict):
            return data
        var_dir = Path(data.get("var_dir") or cls.model_fields["var_dir"].default)
        filled = dict(data)
        if not filled.get("database_url"):
            filled["database_url"] = f"sqlite://{var_dir / DATABASE_FILE}"
        if not filled.get("secret_key"):
            filled["secret_key"] = _stored_secret_key(var_dir)
        if key_file := filled.get("anonymity_key_file"):
            if filled.get("anonymity_key"):
                raise ValueError("FORUM_ANONYMITY_KEY and FORUM_ANONYMITY_KEY_FILE are both "
                                 "set: keep one")
            filled["anonymity_key"] = read_key_file(Path(key_file), "FORUM_ANONYMITY_KEY_FILE")
        return filled

    @field_validator("smtp_url")
    @classmethod
    def _smtp_url_parses(cls, value: SecretStr | None) -> SecretStr | None:
        from forum.mail.transport import parse_smtp_url

        if value is not None:
            parse_smtp_url(value.get_secret_value())  # ValueError: a one-line message
        return value

    @field_validator("base_url")
    @classmethod
    def _without_trailing_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @field_validator("rate_limits")
    @classmethod
    def _rate_limits_parse(cls, value: str) -> str:
        from forum.ratelimit import parse_overrides

        parse_overrides(value)
        return value

    @field_validator("redis_url")
    @classmethod
    def _redis_is_installed(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            from forum.ratelimit import require_redis

            require_redis()
        return value

    @property
    def anonymity_secret(self) -> str:
        """What the key sealing anonymous authorship is derived from."""
        return (self.anonymity_key or self.secret_key).get_secret_value()

    @property
    def secure_cookies(self) -> bool:
        return self.base_url.startswith("https://")

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def __repr_args__(self) -> Iterator[tuple[str | None, Any]]:
        for name, value in super().__repr_args__():
            yield name, mask_url_password(value) if name == "database_url" else value

    def describe(self) -> dict[str, str]:
        """The effective configuration with secrets masked, for `forum check`."""
        shown: dict[str, str] = {}
        defaults = documented_defaults()
        for name in type(self).model_fields:
            value = getattr(self, name)
            if isinstance(value, SecretStr):
                text = MASK
            elif name == "database_url":
                text = mask_url_password(value)
            else:
                text = _plain(value)
            default = defaults[env_name(name)].replace("`", "")
            shown[env_name(name)] = text or (UNSET if default == "unset" else f"(unset: {default})")
        return shown


def env_name(field_name: str) -> str:
    return f"{ENV_PREFIX}{field_name.upper()}"


def _plain(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, tuple):
        return ",".join(value)
    return str(value)


def documented_defaults() -> dict[str, str]:
    """Every setting and its default as the README's table shows it."""
    documented: dict[str, str] = {}
    for name, info in Settings.model_fields.items():
        extra = info.json_schema_extra
        doc = extra.get("default_doc") if isinstance(extra, dict) else None
        documented[env_name(name)] = str(doc) if doc else f"`{_plain(info.default)}`"
    return documented


def mask_url_password(url: str) -> str:
    if "://" not in url or "@" not in url:
        return url
    scheme, rest = url.split("://", 1)
    creds, host = rest.rsplit("@", 1)
    user = creds.split(":", 1)[0]
    return f"{scheme}://{user}:{MASK}@{host}" if ":" in creds else url


def read_key_file(path: Path, setting: str) -> str:
    """The key written in a file (surrounding whitespace ignored); ValueError naming
    ``setting`` when there is no usable key there."""
    try:
        key = path.read_text().strip()
    except OSError as exc:
        raise ValueError(f"{setting}: can't read {path} ({exc.strerror or exc}); create it "
                         f"with `forum new-key {path}`") from None
    if len(key) < MIN_KEY_CHARS:
        raise ValueError(f"{setting}: {path} holds no key of at least {MIN_KEY_CHARS} "
                         f"characters; create one with `forum new-key {path}`")
    return key


def write_new_key(path: Path) -> None:
    """A fresh random key in a new file only its owner can read (never overwrites)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as out:
        out.write(secrets.token_urlsafe(SECRET_KEY_BYTES) + "\n")


def _stored_secret_key(var_dir: Path) -> str:
    key_file = var_dir / SECRET_KEY_FILE
    if not key_file.exists():
        var_dir.mkdir(parents=True, exist_ok=True)
        key_file.touch(mode=0o600)
        key_file.write_text(secrets.token_urlsafe(SECRET_KEY_BYTES))
    return key_file.read_text().strip()


_ENVIRON: ContextVar[Mapping[str, str] | None] = ContextVar("forum_settings_environ",
                                                             default=None)


class _MappingSource(EnvSettingsSource):
    """The environment source, reading a given mapping instead of ``os.environ``."""

    def __init__(self, settings_cls: type[BaseSettings], environ: Mapping[str, str]) -> None:
        self._environ = environ
        super().__init__(settings_cls)

    def _load_env_vars(self) -> Mapping[str, str | None]:
        return {name.lower(): value for name, value in self._environ.items()
                if not (self.env_ignore_empty and value == "")}


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """The settings from ``env`` (default: the process environment); SettingsError if invalid."""
    token = _ENVIRON.set(os.environ if env is None else env)
    try:
        return Settings()
    except ValidationError as exc:
        raise SettingsError(_one_line(exc)) from None
    finally:
        _ENVIRON.reset(token)


def _one_line(exc: ValidationError) -> str:
    problems = []
    for error in exc.errors(include_url=False):
        field = str(error["loc"][0]) if error["loc"] else ""
        message = str(error["msg"]).removeprefix("Value error, ")
        given = error.get("input")
        shown = "" if field in ("secret_key", "anonymity_key", "redis_url") or isinstance(
            given, dict) else f" (got {given!r})"
        if field and not message.startswith(env_name(field)):
            message = f"{env_name(field)}: {message}"
        problems.append(message + shown)
    return "; ".join(problems)
