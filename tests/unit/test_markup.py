from html.parser import HTMLParser

from forum.markup import render_markdown


class Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def parse(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = Elements()
    parser.feed(html)
    return parser.tags


def test_markdown_basics_render():
    html = render_markdown("Hello *you*.\n\n- one\n- two\n\n> quoted")
    assert "<em>you</em>" in html
    assert "<li>one</li>" in html
    assert "<blockquote>" in html


def test_links_get_nofollow_ugc_noopener():
    tags = parse(render_markdown("[a site](https://example.org)"))
    assert ("a", {"href": "https://example.org", "rel": "nofollow ugc noopener"}) in tags


def test_raw_html_is_shown_as_text_not_markup():
    html = render_markdown("<b>bold</b> <script>alert(1)</script>")
    assert not [t for t, _ in parse(html) if t in ("b", "script")]
    assert "&lt;script&gt;" in html


def test_images_never_load_remote_content():
    tags = parse(render_markdown("![pixel](https://tracker.example/p.png)"))
    assert all(tag != "img" for tag, _ in tags)


def test_dangerous_link_schemes_are_dropped():
    for link in ("javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html;base64,AAAA",
                 "vbscript:msgbox(1)"):
        for _tag, attrs in parse(render_markdown(f"[x]({link})")):
            assert not (attrs.get("href") or "").lower().startswith(("javascript", "data", "vbs"))


def test_headings_are_demoted_below_the_page_title():
    tags = [t for t, _ in parse(render_markdown("# Big\n\n## Smaller"))]
    assert "h1" not in tags and "h2" not in tags
    assert tags.count("h3") == 2
