"""Markdown -> sanitised HTML, done once when a post is written; and what that HTML holds
(links, visible text), for rules that must judge what readers will see."""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "p", "br", "hr", "em", "strong", "del", "s", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "h3", "h4", "h5", "h6",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
LINK_REL = "nofollow ugc noopener"

# Raw HTML is off, images are off (remote images leak readers' addresses), headings are
# kept small so a story's own headings never outrank the page's.
_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_md.enable("strikethrough")
_md.disable("image")


def _demote_headings(html: str) -> str:
    for level in (2, 1):
        html = html.replace(f"<h{level}>", "<h3>").replace(f"</h{level}>", "</h3>")
    return html


def render_markdown(text: str) -> str:
    html = _demote_headings(_md.render(text))
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
