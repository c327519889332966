"""Watched words: the words and phrases moderators watch for, found in a post's text.

- A pattern is a whole word or phrase: no word character (Unicode ``\\w``: letters and digits
  of any script, "_") may touch either end, so "ass" finds "ass!" but not "class" or "assess".
- Case and width don't matter ("KILL", "ｋｉｌｌ"), and "straße" finds "STRASSE": patterns and
  text are both NFKC-normalised and casefolded. Curly apostrophes (’ ‘ ʼ) count as straight.
- A space in a phrase matches any run of whitespace, newlines included.
- ``*`` is any run of word characters, possibly none, inside one word: "kill*" finds "kill"
  and "killing", "*bet" finds "bet" and "alphabet"; never across a space or hyphen. A lone
  ``*`` ("kill * now") is one whole word.
- Where matches overlap, the stronger action wins, then the longer match, then the earlier.

Offsets: the text is folded a character at a time (a cached ``str.translate`` table), so
folded offsets are the original ones; only if a character folds to several ("ß" → "ss") or
accents come as separate combining marks do we fold piece by piece and keep a map back.
(``re.IGNORECASE`` on the raw text, the other way, can't match "ß" to "ss" or full width.)

Speed: all patterns become one regex, a trie per action (strongest first), tried in a
lookahead at each word start, so overlapping candidates are all seen; the choice among them is
then made in Python. ``*`` never nests backtracking: a segment between two ``*`` is committed at
its first occurrence (an atomic group) and the part after the last ``*`` must end the word, so
each ``*`` scans its word once, also in hostile text. 2,000 patterns: see bench/words.py.

Known limit: combining marks are not ``\\w``, so in scripts that write vowels as marks
(Devanagari, Thai) a pattern may also match the start of a longer word.
"""

from __future__ import annotations

import heapq
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

MAX_PATTERN_LENGTH = 100  # characters, after normalisation
FOLD_CACHE_CHARACTERS = 50_000  # distinct characters the text-folding table remembers
_SAME_MARKS = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "‐": "-"})  # curly → straight


class WordAction(StrEnum):
    BLOCK = "block"  # refuse the post with a kind explanation
    REQUIRE_APPROVAL = "require_approval"  # hold the post for a moderator
    FLAG = "flag"  # publish, but put it in the moderators' Reports tab
    CENSOR = "censor"  # publish with the matched text masked


ACTION_STRENGTH = MappingProxyType({WordAction.BLOCK: 4, WordAction.REQUIRE_APPROVAL: 3,
                                   WordAction.FLAG: 2, WordAction.CENSOR: 1})


@dataclass(frozen=True)
class WatchedPattern:
    id: int
    pattern: str
    action: WordAction


@dataclass(frozen=True)
class WordMatch:
    pattern_id: int
    pattern: str
    action: WordAction
    start: int  # offsets into the original text
    end: int
    matched: str  # text[start:end]


def _fold(text: str) -> str:
    """NFKC, casefold, NFKC again (Unicode's NFKC_Casefold recipe), straight apostrophes."""
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    return folded.translate(_SAME_MARKS)


def _in_word(char: str) -> bool:
    return char.isalnum() or unicodedata.category(char).startswith("M")


def normalize_pattern(raw: str) -> str:
    """What a moderator typed, folded like the text and checked; ValueError says what is wrong."""
    pattern = re.sub(r"\*+", "*", " ".join(_fold(raw).split()))
    if not pattern:
        raise ValueError("A watched word can't be empty.")
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise ValueError(f"A watched word can be at most {MAX_PATTERN_LENGTH} characters long.")
    for char in pattern:
        if not (_in_word(char) or char in "'- *"):
            raise ValueError("A watched word can only have letters, digits, apostrophes, "
                             f"hyphens, spaces and * (not “{char}”).")
    if not any(char.isalnum() for char in pattern):
        raise ValueError("A watched word needs at least one letter or digit.")
    return pattern


class _FoldTable(dict[int, str]):
    """A ``str.translate`` table that folds each character on first sight (bounded memory)."""

    def __missing__(self, code: int) -> str:
        folded = _fold(chr(code))
        if len(self) < FOLD_CACHE_CHARACTERS:
            self[code] = folded
        return folded


_FOLD_TABLE = _FoldTable()


def _fold_text(text: str) -> tuple[str, list[tuple[int, int]] | None]:
    """The text folded, and the original span of each folded character (None when 1:1)."""
    if text.isascii():
        return text.lower(), None
    odd = [c for c in set(text) if unicodedata.combining(c) or len(_FOLD_TABLE[ord(c)]) != 1]
    if not odd:
        return text.translate(_FOLD_TABLE), None
    # Fold a letter with its combining accents together (NFKC composes them) and a character
    # that folds to several ("ß" → "ss") on its own; remember where every piece came from.
    marks = "".join(re.escape(c) for c in odd if unicodedata.combining(c))
    growing = "".join(re.escape(c) for c in odd if not unicodedata.combining(c))
    pieces: list[str] = []
    spans: list[tuple[int, int]] = []
    last = 0
    for piece in re.finditer("|".join(filter(None, [
            marks and f"(?s:.)?[{marks}]+", growing and f"[{growing}]"])), text):
        start, end = piece.span()
        pieces += [text[last:start].translate(_FOLD_TABLE), _fold(piece[0])]
        spans += zip(range(last, start), range(last + 1, start + 1), strict=True)
        spans += [(start, end)] * len(pieces[-1])
        last = end
    pieces.append(text[last:].translate(_FOLD_TABLE))
    spans += zip(range(last, len(text)), range(last + 1, len(text) + 1), strict=True)
    return "".join(pieces), spans


class _Node:
    __slots__ = ("children", "pattern")

    def __init__(self) -> None:
        self.children: dict[str, _Node] = {}
        self.pattern: WatchedPattern | None = None

    def ends_word(self) -> bool:
        """The pattern may end here, or go on after the word (space, apostrophe, hyphen)."""
        return self.pattern is not None or any(
            char != "*" and not _in_word(char) for char in self.children)


def _trie(patterns: dict[str, WatchedPattern]) -> _Node:
    root = _Node()
    for key, pattern in patterns.items():
        node = root
        for char in key:
            node = node.children.setdefault(char, _Node())
        node.pattern = pattern
    return root


def _either(alternatives: list[str]) -> str:
    return alternatives[0] if len(alternatives) == 1 else f"(?:{'|'.join(alternatives)})"


def _before_star(node: _Node, segment: str = "") -> Iterator[tuple[str, _Node]]:
    """Word segments below ``node`` followed by a ``*`` that more of the pattern follows."""
    for char, child in node.children.items():
        if _in_word(char):
            if (star := child.children.get("*")) is not None and star.children:
                yield segment + char, child
            yield from _before_star(child, segment + char)


class _TrieRegex:
    """Regex source for a trie; with ``marked``, group ``p<k>`` closes where ``ends[k]`` did."""

    def __init__(self, marked: bool) -> None:
        self.marked = marked
        self.ends: list[WatchedPattern] = []

    def branch(self, node: _Node) -> str:
        """What may follow ``node``: letters, then separators, then ``*``, the end last."""
        alternatives = [re.escape(char) + self.branch(child)
                        for char, child in node.children.items() if _in_word(char)]
        alternatives += self.separators(node)
        if "*" in node.children:
            alternatives.append(self.star(node.children["*"]))
        return _either(alternatives + self.end(node))

    def separators(self, node: _Node) -> list[str]:
        return [(r"\s++" if char == " " else re.escape(char)) + self.branch(child)
                for char, child in node.children.items() if char != "*" and not _in_word(char)]

    def end(self, node: _Node) -> list[str]:
        if node.pattern is None:
            return []
        self.ends.append(node.pattern)
        return [rf"(?!\w)(?P<p{len(self.ends) - 1}>)" if self.marked else r"(?!\w)"]

    def star(self, node: _Node) -> str:
        """``*`` then the rest: commit to a middle segment's first occurrence; else end the word."""
        alternatives = [rf"(?>\w*?{re.escape(segment)})" + self.star(before.children["*"])
                        for segment, before in _before_star(node)]
        if tail := self.word_end(node, at_star=True):
            alternatives.append(r"\w*?" + tail)
        return _either(alternatives)

    def word_end(self, node: _Node, at_star: bool = False) -> str:
        """The segments after the last ``*`` of a word; each must end the word."""
        alternatives = [re.escape(char) + sub for char, child in node.children.items()
                        if _in_word(char) and (sub := self.word_end(child))]
        if (star := node.children.get("*")) is not None and not star.children:
            alternatives += [r"\w*+" + end for end in self.end(star)]  # "*ab*": rest of the word
        if node.ends_word():  # right after a `*`, the word must not be empty ("kill * now")
            alternatives.append((r"(?<=\w)" if at_star else "") + r"(?!\w)"
                                + _either(self.separators(node) + self.end(node)))
        return _either(alternatives) if alternatives else ""


def _keys(patterns: list[WatchedPattern]) -> dict[WordAction, dict[str, WatchedPattern]]:
    """Normalised text → pattern, per action, strongest first; a duplicate keeps the first."""
    strongest_first = sorted(WordAction, key=ACTION_STRENGTH.__getitem__, reverse=True)
    by_action: dict[WordAction, dict[str, WatchedPattern]] = {a: {} for a in strongest_first}
    for pattern in patterns:
        try:
            key = normalize_pattern(pattern.pattern)
        except ValueError as error:
            raise ValueError(f"Watched word #{pattern.id}: {error}") from None
        by_action[pattern.action].setdefault(key, pattern)
    return {action: keys for action, keys in by_action.items() if keys}


def _star_regex(
    patterns: dict[str, WatchedPattern],
) -> tuple[re.Pattern[str], list[WatchedPattern]]:
    """One action's ``*`` patterns, each marked: which of them spans exactly this stretch?"""
    source = _TrieRegex(marked=True)
    body = source.branch(_trie(patterns)) if patterns else "(?!)"
    return re.compile(rf"(?:{body})\Z"), source.ends


_Candidate = tuple[int, int, int, int, WatchedPattern]  # -strength, -length, start, end, pattern


class WordMatcher:
    """All watched patterns, compiled once; cache it and rebuild it when the list changes.

    One regex finds, at each word start, the strongest action's longest match (a named group per
    action, inside a lookahead so that matches may overlap). Which pattern matched is looked up
    after: by its text for plain patterns, or with a small regex of that action's ``*`` ones.
    """

    def __init__(self, patterns: Iterable[WatchedPattern]) -> None:
        self._patterns = list(patterns)
        keys = _keys(self._patterns)
        self._plain: dict[str, dict[str, WatchedPattern]] = {
            action: {k: p for k, p in by_key.items() if "*" not in k}
            for action, by_key in keys.items()}
        self._stars: dict[str, tuple[re.Pattern[str], list[WatchedPattern]]] = {
            action: _star_regex({k: p for k, p in by_key.items() if "*" in k})
            for action, by_key in keys.items()}
        tries = "|".join(f"(?P<{action}>{_TrieRegex(marked=False).branch(_trie(by_key))})"
                         for action, by_key in keys.items())
        # A match is the one non-word character before a word (the text gets a leading space),
        # so re's search skips through words in C; the tries run in a lookahead.
        self._regex = re.compile(rf"\W(?=[\w'\-])(?={tries or '(?!)'})")

    def __len__(self) -> int:
        return len(self._patterns)

    def find(self, text: str) -> list[WordMatch]:
        """All non-overlapping matches in text order; overlaps go to the stronger, then longer."""
        folded, spans = _fold_text(text)
        folded = f" {folded}"
        known: dict[tuple[str, str], WatchedPattern] = {}  # (action, text) → pattern
        queue = [self._candidate(found, folded, known) for found in self._regex.finditer(folded)]
        heapq.heapify(queue)
        taken = bytearray(len(folded))
        chosen: list[_Candidate] = []
        while queue:  # strongest, then longest, then earliest first
            candidate = heapq.heappop(queue)
            _, _, start, end, _ = candidate
            if taken.find(1, start, end) == -1:
                taken[start:end] = b"\x01" * (end - start)
                chosen.append(candidate)
            elif not taken[start] and (shorter := self._regex.match(  # one that ends in time?
                    folded, start - 1, taken.find(1, start) - 1)):
                heapq.heappush(queue, self._candidate(shorter, folded, known))
        chosen.sort(key=lambda candidate: candidate[2])
        return [_word_match(text, spans, start - 1, end - 1, pattern)
                for *_, start, end, pattern in chosen]

    def _candidate(self, found: re.Match[str], folded: str,
                   known: dict[tuple[str, str], WatchedPattern]) -> _Candidate:
        action = found.lastgroup or ""
        start, end = found.span(action)
        key = (action, " ".join(folded[start:end].split()))
        if (pattern := known.get(key)) is None:
            pattern = known[key] = self._identify(key, folded, start, end)
        return -ACTION_STRENGTH[pattern.action], start - end, start, end, pattern

    def _identify(self, key: tuple[str, str], folded: str, start: int, end: int) -> WatchedPattern:
        """The pattern behind a match: a plain one by its text, else the ``*`` one that fits."""
        if (plain := self._plain[key[0]].get(key[1])) is not None:
            return plain
        regex, ends = self._stars[key[0]]
        found = regex.match(folded, start, end)
        assert found is not None and found.lastgroup, "the main regex matched one of them here"
        return ends[int(found.lastgroup[1:])]

    def strongest(self, text: str) -> WordAction | None:
        """The strongest action among the matches (the strongest candidate always survives)."""
        folded, _ = _fold_text(text)
        actions = {WordAction(str(found.lastgroup)) for found in self._regex.finditer(f" {folded}")}
        return max(actions, key=ACTION_STRENGTH.__getitem__, default=None)

    def censor(self, text: str) -> str:
        """Text with CENSOR matches masked by one "•" per character; everything else as is."""
        pieces: list[str] = []
        last = 0
        for match in self.find(text):
            if match.action is WordAction.CENSOR:
                pieces += [text[last:match.start], "•" * (match.end - match.start)]
                last = match.end
        return "".join([*pieces, text[last:]])


def _word_match(text: str, spans: list[tuple[int, int]] | None, start: int, end: int,
                pattern: WatchedPattern) -> WordMatch:
    """A match at folded offsets, told in offsets of the original text."""
    if spans is not None:
        start, end = spans[start][0], spans[end - 1][1]
    return WordMatch(pattern.id, pattern.pattern, pattern.action, start, end, text[start:end])


EMPTY_MATCHER = WordMatcher([])
