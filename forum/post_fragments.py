"""A post's rendered HTML, kept and reused while nothing it shows has changed.

A thread page is mostly its posts, and a post looks the same to most members most of the
time. So each post is rendered on its own (the `post_article` macro, through
``stories/_post.html``) and the HTML is kept in a bounded in-memory LRU per worker under a
key made of **everything the fragment is rendered from**: the post's row itself (frozen:
body, status, edit time, author, every column it holds), every entry of the card the view
built for this viewer (their reactions, the controls they get, a muted word, a collapsed
warning, the author as they may see it), whether a reply link shows, and the relative time
as it reads now. Nothing else reaches the fragment template: the per-request globals
(viewer, request, unread) are not in its context (tests render with StrictUndefined, so a
fragment that reached for one would fail there), and the viewer's CSRF token is a
per-process random mark put in at render time and swapped for the real token on the way out.
So two members share a fragment only when the fragment would be byte-for-byte the same.

The muted-word check is kept the same way, under (post id, body, the viewer's muted list).
"""

from __future__ import annotations

import secrets
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

import jinja2
from markupsafe import Markup

from forum.models.accounts import User
from forum.read_models import PostFacts
from forum.reader import muted_word_in

FRAGMENT_CACHE_CHARS = 6_000_000  # per worker: about 1,000 stories' or 5,000 replies' HTML
MUTED_CACHE_ENTRIES = 20_000
FRAGMENT_TEMPLATE = "stories/_post.html"
_CSRF_MARK = f"csrf-mark-{secrets.token_hex(16)}"  # unguessable: no post can contain it


class SizedLRU:
    """Least recently used entries go first once the values' sizes add up past ``limit``."""

    def __init__(self, limit: int, size: Callable[[Any], int] = lambda _v: 1) -> None:
        self.limit = limit
        self.size = size
        self.used = 0
        self._entries: OrderedDict[Hashable, Any] = OrderedDict()

    def get(self, key: Hashable) -> Any:
        value = self._entries.get(key)
        if value is not None:
            self._entries.move_to_end(key)
        return value

    def put(self, key: Hashable, value: Any) -> None:
        if key in self._entries:
            self.used -= self.size(self._entries.pop(key))
        self._entries[key] = value
        self.used += self.size(value)
        while self.used > self.limit and self._entries:
            _old, dropped = self._entries.popitem(last=False)
            self.used -= self.size(dropped)

    def __len__(self) -> int:
        return len(self._entries)

    def clear(self) -> None:
        self._entries.clear()
        self.used = 0


@dataclass(frozen=True, slots=True)
class _Kept:
    html: str
    weight: int  # the fragment plus the row's bodies the key holds


_fragments = SizedLRU(FRAGMENT_CACHE_CHARS, lambda kept: kept.weight)
_muted = SizedLRU(MUTED_CACHE_ENTRIES)
_NOT_MUTED = ""


_PLAIN = (bool, int, str, type(None))


def _frozen(value: Any) -> Hashable:
    """A card entry as part of a key: dicts and sets become sorted tuples, an unhashable
    dataclass its fields; anything else must already be hashable (a new, unhashable kind of
    entry fails loudly, in tests)."""
    if isinstance(value, _PLAIN):
        return value
    if isinstance(value, dict):
        return tuple(sorted((k, _frozen(v)) for k, v in value.items()))
    if isinstance(value, set | frozenset):
        return tuple(sorted(value))
    if hasattr(value, "__dataclass_fields__") and getattr(type(value), "__hash__", None) is None:
        return (type(value).__name__, _frozen(vars(value)))
    hash(value)
    return value  # type: ignore[no-any-return]


def _card_key(card: dict[str, Any]) -> Hashable:
    # The card's entries in the order the view wrote them (one view builds every card).
    return tuple((name, _frozen(value)) for name, value in card.items())


def muted_word(viewer: User | None, post: PostFacts) -> str | None:
    """`forum.reader.muted_word_in`, remembered per (post, body, muted list)."""
    if viewer is None or not viewer.muted_words:
        return None
    key = (post.id, post.body_md, viewer.muted_words)
    found = _muted.get(key)
    if found is None:
        found = muted_word_in(viewer, post) or _NOT_MUTED
        _muted.put(key, found)
    return found or None


def post_html(env: jinja2.Environment, card: dict[str, Any], *, show_reply_link: bool,
              when: str, csrf_token: Callable[[], str]) -> Markup:
    """One post as `post_article` renders it for this card. ``when`` is the post's relative
    time as it reads now; ``csrf_token`` is called only when the fragment has a form."""
    key = (show_reply_link, when, _card_key(card))
    kept = _fragments.get(key)
    if kept is None:
        html = env.get_template(FRAGMENT_TEMPLATE).render(
            card=card, show_reply_link=show_reply_link, csrf_token=lambda: _CSRF_MARK)
        post = card["post"]
        kept = _Kept(html, len(html) + len(getattr(post, "body_md", "")) + len(
            getattr(post, "body_html", "")))
        _fragments.put(key, kept)
    html = kept.html
    if _CSRF_MARK in html:
        html = html.replace(_CSRF_MARK, csrf_token())
    return Markup(html)  # noqa: S704 (rendered by the autoescaping environment)


def clear() -> None:
    _fragments.clear()
    _muted.clear()
