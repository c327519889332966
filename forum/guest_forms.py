"""What guests send, checked beyond the member forms: a honeypot, and no links."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from typing import Any

from forum.forms import FormInvalid

HONEYPOT_FIELD = "website"  # hidden from people; bots fill it in
_LINK = re.compile(
    r"https?://|www\.|\]\(|<\s*a\b|\b[a-z0-9-]+\.(?:com|net|org|io|co|info|biz|ru|xyz|app|"
    r"shop|online|site|top|link|click)\b", re.IGNORECASE)
LINKS_REFUSED = ("Posts from guests can't include links or web addresses — it keeps spam out. "
                 "Please take the link out; everything else you wrote is kept below.")
HONEYPOT_TRIPPED = ("We couldn't accept this post. If you are a person and not a program, "
                    "please leave the last field empty and send it again.")


def check_guest_extras(data: Mapping[str, Any], texts: list[str],
                       values: Mapping[str, Any]) -> None:
    """Refuse a filled-in honeypot (400) or a link in a guest's text (422)."""
    kept = {k: v for k, v in values.items() if k != HONEYPOT_FIELD}
    if str(data.get(HONEYPOT_FIELD, "")).strip():
        raise FormInvalid({"form": HONEYPOT_TRIPPED}, kept, status_code=400)
    if any(_LINK.search(text) for text in texts):
        raise FormInvalid({"body": LINKS_REFUSED}, kept)


def manage_token_hash(token: str) -> str:
    """Only this hash of a guest's manage link is stored."""
    return hashlib.sha256(f"manage:{token}".encode()).hexdigest()
