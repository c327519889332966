"""What guests send, checked beyond the member forms: a honeypot, and no links.

Links are judged on what readers would see: the body as `render_markdown` turns it into
HTML (any link there — inline, by reference, autolinked, mailto, protocol-relative, written
with entities — is refused), and the words of that HTML and of the title (entities read) for
web addresses a reader could copy. A regex of the Markdown typed missed reference links and
autolinks; the renderer is the only thing that knows what becomes a link.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from typing import Any

from forum.forms import FormInvalid
from forum.markup import render_markdown, rendered_parts

HONEYPOT_FIELD = "website"  # hidden from people; bots fill it in
# A web address in words as shown (not a link, but one a reader could copy or a bot left).
_WEB_ADDRESS = re.compile(
    r"\b[a-z][a-z0-9+.-]*://|www\.|\b[a-z0-9-]+\.(?:com|net|org|io|co|info|biz|ru|xyz|app|"
    r"shop|online|site|top|link|click)\b", re.IGNORECASE)
LINKS_REFUSED = ("Posts from guests can't include links or web addresses — it keeps spam out. "
                 "Please take the link out; everything else you wrote is kept below.")
HONEYPOT_TRIPPED = ("We couldn't accept this post. If you are a person and not a program, "
                    "please leave the last field empty and send it again.")


def links_in(body_md: str, title: str = "") -> bool:
    """Whether the rendered body links anywhere, or the body or title shows a web address."""
    shown = rendered_parts(render_markdown(body_md))
    return shown.has_link or any(_WEB_ADDRESS.search(text) for text in (shown.text, title))


def check_guest_extras(data: Mapping[str, Any], values: Mapping[str, Any], *, body: str,
                       title: str = "") -> None:
    """Refuse a filled-in honeypot (400) or a link in a guest's post (422)."""
    kept = {k: v for k, v in values.items() if k != HONEYPOT_FIELD}
    if str(data.get(HONEYPOT_FIELD, "")).strip():
        raise FormInvalid({"form": HONEYPOT_TRIPPED}, kept, status_code=400)
    if links_in(body, title):
        raise FormInvalid({"body": LINKS_REFUSED}, kept)


def manage_token_hash(token: str) -> str:
    """Only this hash of a guest's manage link is stored."""
    return hashlib.sha256(f"manage:{token}".encode()).hexdigest()
