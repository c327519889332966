"""Hostile input renders inert (checked by parsing the page), and every response is armoured."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest

from forum.models.accounts import User
from forum.usernames import skeleton, username_key

from ..factories import make_reply, make_story

CORPUS_FILE = Path(__file__).resolve().parents[1] / "data" / "xss-corpus.txt"
CORPUS = [line for line in CORPUS_FILE.read_text("utf-8").splitlines() if line.strip()]
DANGEROUS_TAGS = {"script", "iframe", "object", "embed", "svg", "math", "style", "form",
                  "base", "meta", "img", "details", "input", "foreignobject"}


class Audit(HTMLParser):
    def __init__(self, allowed: frozenset[str] = frozenset()) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.in_main = False
        self.allowed = allowed

    def handle_starttag(self, tag, attrs):
        if tag == "main":
            self.in_main = True
        attributes = dict(attrs)
        if not self.in_main:
            return
        own_input = tag == "input" and attributes.get("type") in (
            "hidden", "text", "checkbox", "password", "email")
        if tag in DANGEROUS_TAGS and tag not in self.allowed and not own_input and tag != "form":
            self.problems.append(f"<{tag}> in the page body")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"event handler {name}= on <{tag}>")
            if name == "style":
                self.problems.append(f"style= on <{tag}>")
            if name in ("href", "src", "action", "formaction") and value:
                lowered = value.strip().lower()
                if lowered.startswith(("javascript:", "data:", "vbscript:")):
                    self.problems.append(f"{name}={value!r} on <{tag}>")
            if (tag == "a" and name == "href" and value and value.startswith("http")
                    and "nofollow" not in (attributes.get("rel") or "")):
                self.problems.append(f"user link without rel=nofollow: {value}")


def audit(html: str, allowed: frozenset[str] = frozenset()) -> list[str]:
    """Live markup in <main>. `allowed`: tags the page's own template uses (e.g. details)."""
    parser = Audit(allowed)
    parser.feed(html)
    return parser.problems


def test_the_audit_itself_notices_live_markup():
    page = '<main><p>x</p><img src=x onerror="alert(1)"><a href="javascript:x">y</a></main>'
    assert len(audit(page)) == 3


@pytest.mark.parametrize("payload", CORPUS, ids=[f"line{n}" for n in range(len(CORPUS))])
async def test_corpus_line_is_inert_in_story_title_body_and_reply(visitor, member, payload):
    story = await make_story(member.user, title=payload[:150].replace("\n", " "), body=payload)
    await make_reply(member.user, story, payload)
    for url in (f"/stories/{story.thread_id}", "/", "/c/small-wins"):
        page = await visitor.get(url)
        assert page.status_code == 200
        assert audit(page.text) == [], url
    api = await visitor.get(f"/api/v1/stories/{story.thread_id}")
    assert audit(api.json()["post"]["body_html"]) == []


async def test_corpus_inert_in_a_display_name_and_username(visitor):
    # Usernames are restricted to letters, digits, _ and -; display names are free text.
    for n, payload in enumerate(CORPUS):
        user = await User.create(username=f"person{n}", username_key=username_key(f"person{n}"),
                                 skeleton=skeleton(f"person{n}"), password_hash="x",
                                 display_name=payload[:60])
        await make_story(user, title=f"Story {n}")
    page = await visitor.get("/")
    assert audit(page.text) == []


SECURITY = {
    "content-security-policy": ("default-src 'self'; object-src 'none'; base-uri 'none'; "
                                "frame-ancestors 'none'; form-action 'self'"),
    "referrer-policy": "no-referrer",
    "x-content-type-options": "nosniff",
}


@pytest.mark.parametrize("url", ["/", "/help", "/signin", "/static/forum.css", "/nope",
                                 "/stories/99999", "/stories/1?page=abc",
                                 "/api/v1/categories", "/api/v1/stories/999"])
async def test_every_response_carries_the_security_headers(visitor, member, url):
    for client in (visitor, member):
        response = await client.get(url)
        for name, value in SECURITY.items():
            assert response.headers.get(name) == value, (url, name)


async def test_signed_in_pages_are_private_and_vary_on_cookie(member, visitor):
    story = await make_story(member.user)
    for url in ("/", f"/stories/{story.thread_id}", "/account", "/nope"):
        response = await member.get(url)
        assert response.headers["cache-control"] == "private, no-store", url
        assert "Cookie" in response.headers["vary"], url
    response = await visitor.get("/")
    assert "Cookie" in response.headers["vary"]
    assert "no-store" not in response.headers["cache-control"]


async def test_pages_with_a_visitor_form_are_not_stored_by_shared_caches(visitor):
    response = await visitor.get("/signin")
    assert response.headers["cache-control"] == "private, no-store"
    assert "hearth_visitor=" in response.headers["set-cookie"]


async def test_413_and_403_error_pages_carry_the_headers_too(member):
    response = await member.http.post("/stories/new", data={"body": "x"})
    assert response.status_code == 403
    assert response.headers["content-security-policy"] == SECURITY["content-security-policy"]
    response = await member.http.post("/stories/new", content=b"x" * (300 * 1024),
                                      headers={"content-type": "text/plain"})
    assert response.status_code == 413
    assert response.headers["x-content-type-options"] == "nosniff"


async def test_every_page_has_help_and_quick_exit_links(visitor, member):
    story = await make_story(member.user)
    for url in ("/", f"/stories/{story.thread_id}", "/signin", "/nope"):
        for client in (visitor, member):
            page = (await client.get(url)).text
            assert 'href="/help"' in page
            assert 'class="quick-exit"' in page


async def test_a_form_page_is_private_even_when_the_visitor_cookie_already_exists(visitor):
    await visitor.get("/signin")  # sets the visitor cookie
    response = await visitor.get("/signup")
    assert "set-cookie" not in response.headers
    assert response.headers["cache-control"] == "private, no-store"


async def test_static_files_are_cacheable_and_need_no_session(member):
    from ..conftest import count_queries

    with count_queries() as counter:
        response = await member.get("/static/forum.css")
    assert response.status_code == 200
    assert counter.statements == []
    assert "no-store" not in response.headers.get("cache-control", "")
