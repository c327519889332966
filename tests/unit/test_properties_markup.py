"""Properties of what we send out: Markdown always becomes safe HTML, feeds always parse.

Hypothesis writes the inputs (seeded, no example database), mixing Markdown and HTML syntax
with the tricks that have slipped past sanitisers elsewhere.
"""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

import jinja2
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forum.markup import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, render_markdown
from forum.views.feeds import render_feed, xml_text

PROPERTY = settings(max_examples=150, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow])

TRICKS = [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "![pic](http://e.test/a.png)",
    "[link](javascript:alert(1))", "[l](JaVaScRiPt:alert(1))", "[l](&#106;avascript:x)",
    "[l](java\tscript:x)", "[l](data:text/html,<b>)", "[l](vbscript:x)", "<a href=\"x\">",
    "\" onmouseover=\"alert(1)", "<svg onload=alert(1)>", "<iframe src=//e.test>",
    "<style>*{}</style>", "<!-- c -->", "[x]: javascript:alert(1)\n\n[x]", "<http://e.test>",
    "<javascript:alert(1)>", "# H1", "## H2", "1. one", "2) two", "> quote", "```\ncode\n```",
    "`code`", "**b**", "~~s~~", "\n\n", "\n", "    indented", "- item", "***", "&amp;", "&#0;",
    "<", ">", "\"", "'", "[", "](", ")", "!", "(", "http://e.test", "mailto:a@e.test",
    "<form action=x>", "<input autofocus onfocus=x>", "<base href=//e.test>",
]
markdown_texts = st.lists(st.one_of(st.sampled_from(TRICKS), st.text(max_size=12)),
                          max_size=25).map("".join)

SAFE_SCHEMES = ("http:", "https:", "mailto:")


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


@PROPERTY
@given(markdown_texts)
def test_rendered_markdown_only_ever_holds_allowed_tags_and_safe_links(text):
    html = render_markdown(text)
    parser = _Collector()
    parser.feed(html)
    parser.close()
    for tag, attrs in parser.tags:
        assert tag in ALLOWED_TAGS, (tag, html)
        allowed = ALLOWED_ATTRIBUTES.get(tag, set()) | ({"rel"} if tag == "a" else set())
        for name, value in attrs:
            assert name in allowed, (tag, name, html)
            assert not name.startswith("on")
            if name == "href" and value is not None:
                target = re.sub(r"[\x00-\x20]", "", unescape(value)).lower()
                has_scheme = re.match(r"^[a-z][a-z0-9+.-]*:", target)
                assert not has_scheme or target.startswith(SAFE_SCHEMES), (value, html)
    assert "<img" not in html and "<script" not in html.lower()


FEED_TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).resolve().parents[2] / "templates"),
    autoescape=True, undefined=jinja2.StrictUndefined)
ATOM = "{http://www.w3.org/2005/Atom}"
ODD = ["\ud800", "\udfff", "\uffff", "\ufffe", "\U0010ffff", "\x00", "\x01", "\x0b", "\x1f",
       "\r", "\r\n", "\x7f", "\x85", "]]>", "<", "&", "\""]
any_text = st.lists(st.one_of(st.characters(), st.sampled_from(ODD)), max_size=40).map("".join)


def _entry(title: str, body: str, author: str, warning: str) -> dict[str, object]:
    return {"title": title, "thread_id": 7, "published": "2026-01-01T00:00:00Z",
            "updated": "2026-01-01T00:00:00Z", "author": author, "category": author,
            # what Markdown made of a storable body, and raw characters an old row may hold
            "warning": warning, "body_html": render_markdown(_storable(body)) + body}


def _storable(text: str) -> str:
    return re.sub("[\ud800-\udfff]", "", text)


@PROPERTY
@given(any_text, any_text, any_text, st.sampled_from(["", "self-harm"]), any_text)
def test_feeds_are_well_formed_xml_whatever_the_titles_and_posts_hold(title, body, author,
                                                                       warning, feed_title):
    document = render_feed(FEED_TEMPLATES, title=feed_title, base_url="http://h.test",
                           path="/feeds/latest.atom", alternate="/", updated="2026-01-01T00:00Z",
                           entries=[_entry(title, body, author, warning)], site="Hearth")
    feed = ElementTree.fromstring(document)  # noqa: S314 (our own output, the thing tested)
    entry = feed.find(f"{ATOM}entry")
    assert entry is not None
    shown = entry.findtext(f"{ATOM}title") or ""
    assert shown == xml_text(title).replace("\r\n", "\n").replace("\r", "\n")
