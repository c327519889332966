"""Markdown -> sanitised HTML, done once when a post is written; and what that HTML holds
(links, visible text), for rules that must judge what readers will see.

Beside CommonMark: ~~strikethrough~~, GitHub-style tables, bare web addresses made links
(linkify-it-py, the maintained port of linkify-it), and ``@username`` made a link to that
member's profile when the writer passes the members it names (`mentioned` below: looked up
when the post is written, so what is stored is what readers see).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import quote

import nh3
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from forum.usernames import username_key

ALLOWED_TAGS = {
    "p", "br", "hr", "em", "strong", "del", "s", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "h3", "h4", "h5", "h6",
    "table", "thead", "tbody", "tr", "th", "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
LINK_REL = "nofollow ugc noopener"
# `@name`: a username as sign-up allows it, not inside a word or an address (`me@x.org`).
MENTION = re.compile(r"(?<![\w@])@([A-Za-z0-9_-]{3,30})\b")
MENTION_LOOKUPS_MAX = 50  # distinct names looked up per text; the rest stay plain

# Raw HTML is off, images are off (remote images leak readers' addresses), headings are
# kept small so a story's own headings never outrank the page's.
_md = MarkdownIt("commonmark", {"html": False, "linkify": True, "typographer": False})
_md.enable(["strikethrough", "table", "linkify"])
_md.disable("image")
# A bare domain ("example.org") becomes a link too, but only under the common endings below:
# linkify-it's default also takes every two-letter one, which turns prose typed without a
# space ("ok.so", "notes.md") into links. "www." and "https://" addresses always link.
BARE_DOMAIN_ENDINGS = ("com", "org", "net", "edu", "gov", "info", "io", "app", "health",
                       "uk", "ie", "ca", "au", "nz", "us", "de", "fr", "nl", "es", "it",
                       "in", "za")
_linkify = _md.linkify
assert _linkify is not None, "linkify-it-py is a dependency"
_linkify.set({"fuzzy_email": True, "fuzzy_link": True, "fuzzy_ip": False})
_linkify.tlds(list(BARE_DOMAIN_ENDINGS), False)


def mentioned_names(text: str) -> list[str]:
    """The distinct `username_key`s a text mentions, in order (at most MENTION_LOOKUPS_MAX)."""
    keys = dict.fromkeys(username_key(m) for m in MENTION.findall(text))
    return list(keys)[:MENTION_LOOKUPS_MAX]


def _mention_tokens(text: str, members: Mapping[str, str], like: Token) -> list[Token] | None:
    """`text` split into plain text and links to the members it names (None: none named)."""
    pieces: list[Token] = []
    last = 0
    for match in MENTION.finditer(text):
        username = members.get(username_key(match.group(1)))
        if username is None:
            continue
        if match.start() > last:
            pieces.append(_text_token(text[last:match.start()], like))
        link = Token("link_open", "a", 1, level=like.level, markup="mention")
        link.attrs = {"href": f"/u/{quote(username)}"}
        pieces += [link, _text_token(match.group(0), like),
                   Token("link_close", "a", -1, level=like.level, markup="mention")]
        last = match.end()
    if not pieces:
        return None
    if last < len(text):
        pieces.append(_text_token(text[last:], like))
    return pieces


def _text_token(content: str, like: Token) -> Token:
    return Token("text", "", 0, level=like.level, content=content)


def _link_mentions(state: StateCore) -> None:
    """A core rule after linkify: `@name` in plain text (never inside a link or code)."""
    members: Mapping[str, str] = state.env.get("members") or {}
    if not members:
        return
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        children: list[Token] = []
        depth = 0
        for token in block.children:
            depth += token.type == "link_open"
            depth -= token.type == "link_close"
            split = (_mention_tokens(token.content, members, token)
                     if token.type == "text" and depth == 0 else None)
            children += split if split is not None else [token]
        block.children = children


_md.core.ruler.after("linkify", "mention", _link_mentions)


def _demote_headings(html: str) -> str:
    for level in (2, 1):
        html = html.replace(f"<h{level}>", "<h3>").replace(f"</h{level}>", "</h3>")
    return html


def render_markdown(text: str, members: Mapping[str, str] | None = None) -> str:
    """``members``: `username_key` -> username of the members the text may link with `@`
    (from `forum.queries.mentions`); without it no mention is a link (guests' posts)."""
    html = _demote_headings(_md.render(text, {"members": dict(members or {})}))
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel=LINK_REL,
        strip_comments=True,
    )


# Attributes that make an element point somewhere (only `a href` survives today's allow-list;
# the rest are here so a wider list later cannot slip a link past `rendered_parts`).
POINTING_ATTRIBUTES = frozenset({"href", "src", "srcset", "action", "formaction", "poster",
                                 "data", "cite", "background"})


@dataclass
class RenderedParts:
    """What a rendered post shows: whether anything in it is a link, and its words as read
    (entities decoded, tags gone)."""

    has_link: bool = False
    text: str = ""


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links = 0
        self.words: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a" or any(name in POINTING_ATTRIBUTES for name, _ in attrs):
            self.links += 1
        self.words.append(" ")  # a tag separates words

    def handle_endtag(self, tag: str) -> None:
        self.words.append(" ")

    def handle_data(self, data: str) -> None:
        self.words.append(data)


def rendered_parts(html: str) -> RenderedParts:
    """Read HTML made by `render_markdown` the way a browser shows it."""
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return RenderedParts(has_link=reader.links > 0, text="".join(reader.words))
