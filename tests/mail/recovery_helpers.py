"""What the getting-back-in tests share: reading links and codes out of what was sent."""

from __future__ import annotations

import re
from email.message import EmailMessage

from ..conftest import BASE_URL

CODE_ON_PAGE = re.compile(r"<code>([0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4})</code>")
NEW_PASSWORD = "quiet river under stars"


def link_in(message: EmailMessage, path: str) -> str:
    """The path and query of the one link to `path` in the mail's plain text (checked to
    be the same link as the HTML part's)."""
    plain = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert plain is not None and html is not None
    pattern = re.compile(re.escape(BASE_URL + path) + r"\?token=[A-Za-z0-9_-]+")
    links = set(pattern.findall(plain.get_content()))
    assert len(links) == 1, plain.get_content()
    [link] = links
    assert f'href="{link}"' in html.get_content()
    return link.removeprefix(BASE_URL)


def token_of(link: str) -> str:
    return link.split("token=", 1)[1]


def codes_on(page_text: str) -> list[str]:
    codes = CODE_ON_PAGE.findall(page_text)
    assert len(codes) == 10 and len(set(codes)) == 10, page_text[:2000]
    return codes
