"""Name rules: NFKC, case-insensitive, and no name may pass for another.

Look-alikes are judged by the Unicode TR39 confusable skeleton, taken from ICU's SpoofChecker
(the Unicode Consortium's own data, updated with each ICU release), after the folding that
matters for names: case, marks over letters, `_`, `-`, spaces and punctuation, and the digits
people use for letters ("adm1n", "4dmin"). One script per name (TR39 "highly restrictive":
Latin may mix with Han and the Japanese kana, nothing else), letters only from the scripts in
use today (TR39 recommended set), and nothing invisible.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path

import icu  # type: ignore[import-untyped]

USERNAME_MIN = 3
USERNAME_MAX = 30
SKELETON_MAX = 60  # the look-alike form's column
DISPLAY_SKELETON_MAX = 240  # the display name's look-alike column (a 60-character name grows)

RESERVED_WORDS = (
    "admin", "administrator", "moderator", "mod", "mods", "anonymous", "anon", "guest",
    "hearth", "staff", "support", "system", "root", "official", "help", "crisis",
    "former_member", "deleted", "null", "undefined", "api", "me",
)
# The names the site itself shows for people it doesn't name (forum.anonymity).
PSEUDONYM_PREFIXES = ("Anonymous", "Guest")
FORMER_MEMBER = "Former member"

# Digits written for letters, beyond what TR39 itself folds (it has 0 -> O and 1 -> l), and
# 'i', which TR39 keeps apart from 'l' but which a name like "adm1n" relies on.
_LEET = str.maketrans({"3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "9": "g"})
_I_FOR_L = str.maketrans({"i": "l"})
_FILLERS = frozenset("\u115f\u1160\u3164\uffa0")  # Hangul fillers: blank, yet letters

INVISIBLE = ("That name has an invisible or blank character in it (such as a zero-width space, "
             "a filler or a direction mark). Please remove it. Use letters, digits, "
             "underscores (_) and hyphens (-) only.")
MIXED_SCRIPTS = ("That name mixes letters from different alphabets (for example Latin with "
                 "Greek or Cyrillic), which lets it pass for another name. Please write it in "
                 "one alphabet.")
UNUSUAL_LETTERS = ("That name uses a letter that is easily mistaken for an ordinary one "
                   "(such as a small capital or an old script). Please use everyday letters.")
RESERVED = "That name is kept for the site itself. Please choose another."


@cache
def _checker() -> icu.SpoofChecker:
    checker = icu.SpoofChecker()
    checker.setChecks(icu.USpoofChecks.RESTRICTION_LEVEL | icu.USpoofChecks.MIXED_NUMBERS)
    checker.setRestrictionLevel(icu.URestrictionLevel.HIGHLY_RESTRICTIVE)
    return checker


@cache
def _recommended() -> icu.UnicodeSet:
    return _checker().getRecommendedUnicodeSet()


def normalise(username: str) -> str:
    return unicodedata.normalize("NFKC", username).strip()


def username_key(username: str) -> str:
    return normalise(username).casefold()


def skeleton(name: str) -> str:
    """A form in which look-alike names coincide: 'Adm1n', 'аdmin', 'a_d-m-i-n' and
    'ADMIN' share one, and so do 'Anonymous Ember' and 'anonymous   ember'."""
    decomposed = unicodedata.normalize("NFKD", username_key(name))
    kept = "".join(ch for ch in decomposed
                   if not unicodedata.combining(ch) and unicodedata.category(ch)[0] in "LMN")
    first = _checker().getSkeleton(0, kept.translate(_LEET)).casefold()
    return str(_checker().getSkeleton(0, first)).casefold().translate(_I_FOR_L)


def display_skeleton(display_name: str) -> str:
    """The stored look-alike form of a display name ('' for none), cut to fit its column."""
    return skeleton(display_name)[:DISPLAY_SKELETON_MAX]


def has_invisible(name: str) -> bool:
    """Default-ignorable code points (zero-width, bidi controls, variation selectors, ...),
    Hangul fillers, unprintable characters and other blank space inside a name."""
    return any(ch in _FILLERS or not ch.isprintable() or (ch.isspace() and ch != " ")
               or icu.Char.hasBinaryProperty(ch, icu.UProperty.DEFAULT_IGNORABLE_CODE_POINT)
               for ch in name)


def script_problem(name: str) -> str | None:
    """Why the letters of this name could pass for another's, or None."""
    if has_invisible(name):
        return INVISIBLE
    if any(unicodedata.category(ch)[0] in "LM" and not _recommended().contains(ch)
           for ch in name):
        return UNUSUAL_LETTERS
    if _checker().check(name):
        return MIXED_SCRIPTS
    return None


_RESERVED_SKELETONS = frozenset(skeleton(word) for word in RESERVED_WORDS)


def username_problem(username: str) -> str | None:
    """Why this username cannot be used, in words a person understands, or None."""
    name = normalise(username)
    if has_invisible(username) or has_invisible(name):
        return INVISIBLE
    if len(name) < USERNAME_MIN:
        return f"Choose a username of at least {USERNAME_MIN} characters."
    if len(name) > USERNAME_MAX:
        return f"Usernames can be at most {USERNAME_MAX} characters long."
    if len(username_key(name)) > USERNAME_MAX or len(skeleton(name)) > SKELETON_MAX:
        return (f"Usernames can be at most {USERNAME_MAX} characters long, counting a letter "
                "such as ß as the letters it stands for (ss). Please shorten it a little.")
    if not all(unicodedata.category(ch)[0] in "LMN" or ch in "_-" for ch in name):
        return "Use letters, digits, underscores (_) and hyphens (-) only."
    if skeleton(name) in _RESERVED_SKELETONS:
        return RESERVED
    return script_problem(name)


@cache
def _pseudonym_words() -> frozenset[str]:
    path = Path(__file__).parent / "data" / "pseudonyms.txt"
    lines = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return frozenset(skeleton(line) for line in lines if line and not line.startswith("#"))


def looks_like_pseudonym(name: str) -> bool:
    """'Anonymous Ember', 'guest-otter 2', 'Former member' and their look-alikes."""
    shape = skeleton(re.sub(r"[\W\d_]+$", "", name))  # "Guest Otter 2" is "Guest Otter"
    if shape in {skeleton(FORMER_MEMBER), *_RESERVED_SKELETONS}:
        return True
    for prefix in PSEUDONYM_PREFIXES:
        start = skeleton(prefix)
        if shape.startswith(start) and shape[len(start):] in {"", *_pseudonym_words()}:
            return True
    return False


def display_name_problem(display_name: str) -> str | None:
    """Why this display name cannot be used (before comparing it with other members'), or
    None. An empty one is fine: the username is shown instead."""
    if not display_name:
        return None
    problem = script_problem(display_name)
    if problem:
        return problem.replace("That name", "That display name")
    if not skeleton(display_name):
        return "A display name needs at least one letter or digit, or leave it empty."
    if looks_like_pseudonym(display_name):
        return ("That display name looks like a name the site gives to anonymous writers, "
                "guests or former members, or one it keeps for itself. Please choose another, "
                "or leave it empty to show your username.")
    return None
