"""Reader protection: how a member chose to meet content warnings and muted words.

Pure functions of the viewer and the post; signed-out readers get the defaults (warned
stories collapsed, nothing hidden).
"""

from __future__ import annotations

import re

from forum.models.accounts import User
from forum.preference_forms import muted_list
from forum.read_models import PostFacts, ThreadFacts


def warning_choice(viewer: User | None, thread: ThreadFacts) -> str:
    """`show`, `collapse` or `hide` for this thread's warnings (the most careful wins)."""
    themes = list(thread.content_warnings)
    if not themes and not thread.content_warning_note:
        return "show"
    if viewer is None:
        return "collapse"
    default = "show" if viewer.expand_warnings else "collapse"
    prefs = viewer.warning_prefs or {}
    choices = [prefs.get(theme, default) for theme in themes] or [default]
    for careful in ("hide", "collapse"):
        if careful in choices:
            return careful
    return "show"


def hidden_from_lists(viewer: User | None, thread: ThreadFacts) -> bool:
    return warning_choice(viewer, thread) == "hide"


def hidden_themes(viewer: User | None) -> frozenset[str]:
    """The themes whose threads the reader keeps out of lists and search. (Only a theme can
    be hidden: a thread with a free-text warning alone meets the reader's default, which
    is show or collapse.)"""
    if viewer is None:
        return frozenset()
    return frozenset(theme for theme, choice in (viewer.warning_prefs or {}).items()
                     if choice == "hide")


def muted_word_in(viewer: User | None, post: PostFacts) -> str | None:
    if viewer is None or not viewer.muted_words:
        return None
    text = post.body_md.casefold()
    for word in muted_list(viewer.muted_words):
        if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text):
            return word
    return None
