"""A member's preferences: the notes they can switch off, the choices a warned theme can
have, and muted words.

The preferences form itself is `forum.schemas.community.PreferencesForm`.
"""

from __future__ import annotations

# Kinds a member can switch off in their settings (moderators' messages always arrive).
NOTIFICATION_KINDS = {
    "reply_to_story": "Replies to my stories",
    "reply_to_post": "Replies to my posts",
    "mention": "When someone mentions me with @",
    "followed_thread": "Replies in threads I follow",
}
WARNING_CHOICES = ("show", "collapse", "hide")
MUTED_WORDS_MAX = 1000  # characters


def muted_list(text: str) -> list[str]:
    """`word, another phrase` or one per line -> lower-cased entries."""
    return [w.strip().casefold() for w in text.replace("\n", ",").split(",") if w.strip()]
