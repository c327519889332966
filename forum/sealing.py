"""The key that seals who wrote an anonymous post, and the three things done with it.

- ``seal(value, purpose)`` / ``unseal(token, purpose)``: AES-256-GCM with a random nonce, so
  the same author sealed twice gives unrelated strings, and a copy of the database without
  the key shows nothing. ``unseal`` returns None when the key is not the one that sealed
  (it never guesses).
- ``tag(*parts)``: a keyed hash (HMAC-SHA256), for values that must be equal when their
  inputs are — e.g. "this author in this thread" — without revealing the inputs.

The key is derived with HKDF from ``FORUM_ANONYMITY_KEY`` (default: ``FORUM_SECRET_KEY``).
It lives only in the environment or ``var/secret_key``, never in the database.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

VERSION = "v1"
NONCE_BYTES = 12
_keys: tuple[bytes, bytes] | None = None  # (encryption key, tag key)


class SealingNotConfigured(RuntimeError):
    pass


def configure(secret: str) -> None:
    """Derive the sealing keys from the configured secret (called once at start-up)."""
    global _keys
    material = HKDF(algorithm=hashes.SHA256(), length=64, salt=None,
                    info=b"hearth anonymity v1").derive(secret.encode())
    _keys = (material[:32], material[32:])


def _current() -> tuple[bytes, bytes]:
    if _keys is None:
        raise SealingNotConfigured("the anonymity key is not configured")
    return _keys


def seal(value: str, purpose: str) -> str:
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(_current()[0]).encrypt(nonce, value.encode(), purpose.encode())
    return f"{VERSION}:" + base64.urlsafe_b64encode(nonce + sealed).decode()


def unseal(token: str | None, purpose: str) -> str | None:
    """The sealed value, or None if there is none or this key cannot open it."""
    if not token or not token.startswith(f"{VERSION}:"):
        return None
    try:
        raw = base64.urlsafe_b64decode(token[len(VERSION) + 1:])
        opened = AESGCM(_current()[0]).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:],
                                               purpose.encode())
    except (InvalidTag, ValueError):
        return None
    return opened.decode()


def tag(*parts: object) -> str:
    message = "\x1f".join(str(p) for p in parts).encode()
    return hmac.new(_current()[1], message, hashlib.sha256).hexdigest()[:40]
