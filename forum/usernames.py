"""Username rules: NFKC, case-insensitive, look-alikes and reserved words refused."""

from __future__ import annotations

import re
import unicodedata

USERNAME_MIN = 3
USERNAME_MAX = 30
SKELETON_MAX = 60  # the look-alike form's column
_ALLOWED = re.compile(r"^[\w-]+$")

RESERVED_WORDS = (
    "admin", "administrator", "moderator", "mod", "mods", "anonymous", "anon", "guest",
    "hearth", "staff", "support", "system", "root", "official", "help", "crisis",
    "former_member", "deleted", "null", "undefined", "api", "me",
)

# Characters commonly used to imitate Latin letters (Cyrillic, Greek, digits, symbols).
_LOOKALIKES = {
    "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "ѕ": "s",
    "і": "l", "ј": "j", "ԁ": "d", "ɡ": "g", "һ": "h", "ӏ": "l", "ո": "n", "ս": "u",
    "α": "a", "ο": "o", "ρ": "p", "ν": "v", "τ": "t", "κ": "k", "ι": "l", "υ": "u",
    "ε": "e", "η": "n", "χ": "x", "ϲ": "c", "β": "b", "μ": "u", "ω": "w",
    "0": "o", "1": "l", "i": "l", "!": "l", "|": "l", "3": "e", "4": "a", "5": "s",
    "7": "t", "8": "b", "9": "g", "$": "s", "@": "a", "ı": "l",
}
_MULTI = (("rn", "m"), ("vv", "w"), ("cl", "d"))


def normalise(username: str) -> str:
    return unicodedata.normalize("NFKC", username).strip()


def username_key(username: str) -> str:
    return normalise(username).casefold()


def skeleton(username: str) -> str:
    """A form in which look-alike names coincide: 'Adm1n', 'аdmin' and 'a_d-m-i-n' -> 'adml n'."""
    folded = username_key(username)
    decomposed = unicodedata.normalize("NFKD", folded)
    out = []
    for ch in decomposed:
        if unicodedata.combining(ch) or ch in "_-":
            continue
        out.append(_LOOKALIKES.get(ch, ch))
    text = "".join(out)
    for pair, single in _MULTI:
        text = text.replace(pair, single)
    return text


_RESERVED_SKELETONS = frozenset(skeleton(word) for word in RESERVED_WORDS)


def username_problem(username: str) -> str | None:
    """Why this username cannot be used, in words a person understands, or None."""
    name = normalise(username)
    if len(name) < USERNAME_MIN:
        return f"Choose a username of at least {USERNAME_MIN} characters."
    if len(name) > USERNAME_MAX:
        return f"Usernames can be at most {USERNAME_MAX} characters long."
    if len(username_key(name)) > USERNAME_MAX or len(skeleton(name)) > SKELETON_MAX:
        return (f"Usernames can be at most {USERNAME_MAX} characters long, counting a letter "
                "such as ß as the letters it stands for (ss). Please shorten it a little.")
    if not _ALLOWED.fullmatch(name) or any(not ch.isprintable() for ch in name):
        return "Use letters, digits, underscores (_) and hyphens (-) only."
    if skeleton(name) in _RESERVED_SKELETONS:
        return "That name is kept for the site itself. Please choose another."
    return None
