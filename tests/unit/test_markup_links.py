"""Tables, linked web addresses and @mentions in the renderer: what links and what stays
plain text, judged on the HTML readers get."""

from __future__ import annotations

import pytest

from forum.markup import mentioned_names, render_markdown, rendered_parts

pytestmark = pytest.mark.backend_independent

MEMBERS = {"alice": "Alice", "bob-b": "bob-b"}


def test_a_table_becomes_a_table_and_its_cells_stay_inert():
    html = render_markdown("| a | b |\n|:--|--:|\n| <b>x</b> | [y](javascript:alert(1)) |")
    assert "<table>" in html and "<th>a</th>" in html
    assert "style=" not in html and "href=\"javascript" not in html and "<b>" not in html


@pytest.mark.parametrize(("text", "href"), [
    ("see https://example.org/a?b=1.", "https://example.org/a?b=1"),
    ("www.nhs.uk/help", "http://www.nhs.uk/help"),
    ("samaritans.org today", "http://samaritans.org"),
    ("write to help@example.org", "mailto:help@example.org"),
])
def test_web_addresses_become_links_with_rel(text, href):
    html = render_markdown(text)
    assert f'<a href="{href}" rel="nofollow ugc noopener">' in html


@pytest.mark.parametrize("text", ["notes.md", "ok.so then", "Node.js", "e.g. this", "3.14",
                                  "javascript:alert(1)", "data:text/html,hi"])
def test_prose_that_only_looks_like_an_address_stays_plain(text):
    assert not rendered_parts(render_markdown(text)).has_link, text


def test_mentions_link_only_members_that_exist_and_never_inside_code_or_links():
    html = render_markdown(
        "Thanks @Alice and @bob-b and @nobody. `@alice` [@alice](https://x.org) "
        "me@alice.org @@alice x@alice\n\n    @alice in code", MEMBERS)
    assert html.count('href="/u/Alice"') == 1
    assert '<a href="/u/bob-b" rel="nofollow ugc noopener">@bob-b</a>' in html
    assert "@nobody" in html and "/u/nobody" not in html
    assert "<code>@alice</code>" in html and "mailto:me@alice.org" in html


def test_without_members_no_mention_links_as_for_guests():
    assert "/u/" not in render_markdown("hello @alice")


def test_mentioned_names_are_bounded_and_folded():
    assert mentioned_names("@Alice @alice @BOB_x") == ["alice", "bob_x"]
    assert len(mentioned_names(" ".join(f"@name{n}" for n in range(200)))) == 50
