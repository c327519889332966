"""One-click unsubscribe links (RFC 8058): signed with the secret key, needing no sign-in.

The link names the member and the kinds of the email it came in; whoever holds it can switch
those kinds to "no email" and nothing else. It does not expire: an old email's link keeps
working. Every email about notifications carries it twice: in `List-Unsubscribe` (with
`List-Unsubscribe-Post: List-Unsubscribe=One-Click`, so a mail client can unsubscribe with
one POST) and in the body (a GET shows a page with a button, because mail scanners fetch
links on their own and must not unsubscribe anyone).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from dataclasses import dataclass

from forum.mail.choices import allowed
from forum.settings import Settings

SALT = b"hearth-mail-unsubscribe"
TOKEN_MAX = 400  # characters; longer is not one of ours
PATH = "/unsubscribe/"


@dataclass(frozen=True)
class Unsubscribe:
    user_id: int
    kinds: tuple[str, ...]


def _signature(settings: Settings, body: str) -> str:
    key = hmac.new(settings.secret_key.get_secret_value().encode(), SALT, hashlib.sha256)
    mac = hmac.new(key.digest(), body.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


def make_token(settings: Settings, user_id: int, kinds: list[str]) -> str:
    """``<base64url JSON>.<base64url HMAC-SHA256 under a key derived from the secret key>``."""
    value = json.dumps([user_id, sorted(set(kinds))], separators=(",", ":")).encode()
    body = base64.urlsafe_b64encode(value).rstrip(b"=").decode()
    return f"{body}.{_signature(settings, body)}"


def read_token(settings: Settings, token: str) -> Unsubscribe | None:
    """What a link unsubscribes from, or None when it was not made here (forged, altered)."""
    body, dot, signature = token.partition(".")
    if not dot or len(token) > TOKEN_MAX or not hmac.compare_digest(
            signature.encode(), _signature(settings, body).encode()):
        return None
    try:
        value = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    except (binascii.Error, ValueError):
        return None
    if not (isinstance(value, list) and len(value) == 2 and isinstance(value[0], int)
            and isinstance(value[1], list) and value[1]
            and all(isinstance(k, str) and allowed(k) for k in value[1])):
        return None
    return Unsubscribe(value[0], tuple(value[1]))


def unsubscribe_url(settings: Settings, user_id: int, kinds: list[str]) -> str:
    return f"{settings.base_url}{PATH}{make_token(settings, user_id, kinds)}"


def headers(settings: Settings, user_id: int, kinds: list[str]) -> dict[str, str]:
    return {"List-Unsubscribe": f"<{unsubscribe_url(settings, user_id, kinds)}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
