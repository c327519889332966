"""A member's preferences form -> validated values."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from forum.actions.community import NOTIFICATION_KINDS
from forum.forms import CONTENT_WARNINGS, Checker

WARNING_CHOICES = ("show", "collapse", "hide")
MUTED_WORDS_MAX = 1000


@dataclass(frozen=True)
class PreferencesForm:
    notification_prefs: dict[str, bool]
    hide_activity: bool
    warning_prefs: dict[str, str]
    muted_words: str


def parse_preferences(data: Mapping[str, Any]) -> PreferencesForm:
    check = Checker(data)
    notify = {kind: check.flag(f"notify_{kind}") for kind in NOTIFICATION_KINDS}
    warnings: dict[str, str] = {}
    for theme in CONTENT_WARNINGS:
        choice = str(data.get(f"cw_{theme}", "collapse"))
        if choice not in WARNING_CHOICES:
            check.errors[f"cw_{theme}"] = "Choose show, collapse or hide."
        warnings[theme] = choice
    muted = check.text("muted_words", label="Muted words", max_len=MUTED_WORDS_MAX,
                       multiline=True)
    check.fail_if_errors()
    return PreferencesForm(notify, check.flag("hide_activity"), warnings, muted)


def muted_list(text: str) -> list[str]:
    """`word, another phrase` or one per line -> lower-cased entries."""
    return [w.strip().casefold() for w in text.replace("\n", ",").split(",") if w.strip()]
