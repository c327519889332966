"""Request data -> validated dataclasses with field errors, shared by HTML forms and the API."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from forum.numbers import whole_number

TITLE_MAX = 150
STORY_BODY_MAX = 40_000
REPLY_BODY_MAX = 10_000
DISPLAY_NAME_MAX = 60
BIO_MAX = 2_000
EMAIL_MAX = 254
WARNING_NOTE_MAX = 60

CONTENT_WARNINGS: dict[str, str] = {
    "suicide": "suicide",
    "self_harm": "self-harm",
    "substance_use": "substance use",
    "abuse": "abuse",
    "domestic_violence": "domestic violence",
    "child_loss": "child loss",
    "pregnancy_loss": "pregnancy loss",
    "eating_disorders": "eating disorders",
    "violence": "violence",
}

# Bidirectional overrides can disguise text ("invoice\u202egpj.exe"); they never belong in a
# title or a name.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f]")


class FormInvalid(Exception):
    """Validation failed: errors by field name, and the values to put back in the form."""

    def __init__(self, errors: dict[str, str], values: Mapping[str, Any], *,
                 status_code: int = 422, headers: dict[str, str] | None = None) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors
        self.values = dict(values)
        self.status_code = status_code  # 429 when a rate limit refuses a filled-in form
        self.headers = headers or {}


class Checker:
    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data = data
        self.errors: dict[str, str] = {}

    def text(self, name: str, *, label: str, max_len: int, min_len: int = 0,
             multiline: bool = False) -> str:
        raw = self.data.get(name, "")
        if raw is None:
            raw = ""
        if not isinstance(raw, str):
            self.errors[name] = f"{label} must be text."
            return ""
        problem = _unsafe_characters(raw, multiline=multiline)
        if problem:
            self.errors[name] = f"{label} {problem}"
            return raw
        value = raw.replace("\r\n", "\n").replace("\r", "\n")
        if not multiline:  # a pasted tab in a title or a name is just a space
            value = _BIDI_CONTROLS.sub("", value).replace("\t", " ")
        value = value.strip()
        if len(value) < min_len:
            self.errors[name] = (
                f"Please write {label.lower()}." if min_len == 1
                else f"{label} needs at least {min_len} characters."
            )
        elif len(value) > max_len:
            self.errors[name] = (
                f"{label} can be at most {max_len:,} characters — this one has {len(value):,}. "
                "Nothing was saved; your text is still here to shorten."
            )
        return value

    def flag(self, name: str) -> bool:
        value = self.data.get(name, False)
        if isinstance(value, str):
            return value.lower() in ("1", "true", "on", "yes")
        return bool(value)

    def fail_if_errors(self) -> None:
        if self.errors:
            raise FormInvalid(self.errors, _displayable(self.data))


def _unsafe_characters(text: str, *, multiline: bool) -> str | None:
    for ch in text:
        if ch == "\x00":
            return "contains a NUL character, which can't be stored. Please remove it."
        if "\ud800" <= ch <= "\udfff":
            return "contains broken characters (an unpaired surrogate). Please retype it."
        if unicodedata.category(ch) == "Cc" and ch not in ("\n", "\r", "\t"):
            return "contains invisible control characters. Please remove them."
        if _is_noncharacter(ch):
            return (f"contains a character that is not meant for text (U+{ord(ch):04X}). "
                    "Please remove it.")
        if not multiline and ch in "\n\r":
            return "must be on one line."
    return None


def _is_noncharacter(ch: str) -> bool:
    """Unicode's 66 noncharacters (U+FDD0..U+FDEF and the last two of every plane): never
    text, and U+FFFE/U+FFFF make any XML document that holds them ill-formed."""
    code = ord(ch)
    return 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE


def _displayable(data: Mapping[str, Any]) -> dict[str, Any]:
    """What to put back in the form: everything but passwords and the CSRF token."""
    hidden = {"password", "current_password", "new_password", "csrf_token"}
    return {k: _printable(v) for k, v in data.items() if k not in hidden}


def _printable(value: Any) -> Any:
    """Values can be shown again even when they hold characters that cannot be encoded."""
    if isinstance(value, str):
        return value.encode("utf-8", "replace").decode("utf-8").replace("\x00", "\ufffd")
    if isinstance(value, list):
        return [_printable(v) for v in value]
    return value


PAGE_MAX = 999_999


def parse_page(value: str | None) -> int | None:
    """`?page=` -> a page number, or None when it is not a whole number from 1 up."""
    if value is None or value == "":
        return 1
    return whole_number(value, low=1, high=PAGE_MAX)
