"""The key that seals who wrote an anonymous post, and the three things done with it.

- ``seal(value, purpose)`` / ``unseal(token, purpose)``: AES-256-GCM with a random nonce, so
  the same author sealed twice gives unrelated strings, and a copy of the database without
  the key shows nothing. ``unseal`` returns None when the key is not the one that sealed
  (it never guesses).
- ``tag(*parts)``: a keyed hash (HMAC-SHA256), for values that must be equal when their
  inputs are — e.g. "this author in this thread" — without revealing the inputs.

The key is derived with HKDF from ``FORUM_ANONYMITY_KEY`` (or the file
``FORUM_ANONYMITY_KEY_FILE``; default: ``FORUM_SECRET_KEY``). It lives only in the
environment or a key file, never in the database. The module-level functions use the key the
app was configured with; a ``Sealer`` holds any one key (`forum rekey` holds two).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

VERSION = "v1"
NONCE_BYTES = 12
KEY_MATERIAL_BYTES = 64  # 32 for AES-256-GCM, 32 for HMAC-SHA256
TAG_HEX_CHARS = 40


class SealingNotConfigured(RuntimeError):
    pass


@dataclass(frozen=True)
class Sealer:
    """Sealing and tagging under one anonymity key."""

    encryption_key: bytes = field(repr=False)
    tag_key: bytes = field(repr=False)

    def seal(self, value: str, purpose: str) -> str:
        nonce = os.urandom(NONCE_BYTES)
        sealed = AESGCM(self.encryption_key).encrypt(nonce, value.encode(), purpose.encode())
        return f"{VERSION}:" + base64.urlsafe_b64encode(nonce + sealed).decode()

    def unseal(self, token: str | None, purpose: str) -> str | None:
        """The sealed value, or None if there is none or this key cannot open it."""
        if not token or not token.startswith(f"{VERSION}:"):
            return None
        try:
            raw = base64.urlsafe_b64decode(token[len(VERSION) + 1:])
            opened = AESGCM(self.encryption_key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:],
                                                         purpose.encode())
        except (InvalidTag, ValueError):
            return None
        return opened.decode()

    def tag(self, *parts: object) -> str:
        return _keyed_tag(self.tag_key, "\x1f".join(str(p) for p in parts))


# A signed-in member's every request tags their slots (forum.sealed_side): the same few dozen
# values each time, so the latest ones are kept (in this process only, as the key is).
TAGS_KEPT = 16_384


@functools.lru_cache(maxsize=TAGS_KEPT)
def _keyed_tag(tag_key: bytes, message: str) -> str:
    return hmac.new(tag_key, message.encode(), hashlib.sha256).hexdigest()[:TAG_HEX_CHARS]


def sealer_for(secret: str) -> Sealer:
    """The sealer for an anonymity key (the text of FORUM_ANONYMITY_KEY)."""
    material = HKDF(algorithm=hashes.SHA256(), length=KEY_MATERIAL_BYTES, salt=None,
                    info=b"hearth anonymity v1").derive(secret.encode())
    return Sealer(material[:32], material[32:])


_sealer: Sealer | None = None
_using: ContextVar[Sealer | None] = ContextVar("forum_sealer_in_use", default=None)


def configure(secret: str) -> None:
    """Derive the sealing keys from the configured secret (called once at start-up)."""
    global _sealer
    _sealer = sealer_for(secret)


@contextmanager
def using(sealer: Sealer) -> Iterator[None]:
    """Seal, open and tag with ``sealer`` inside the block — for `forum rekey`, which computes
    the same tags as the app does, under the old key and the new one."""
    token = _using.set(sealer)
    try:
        yield
    finally:
        _using.reset(token)


def current() -> Sealer:
    if (chosen := _using.get()) is not None:
        return chosen
    if _sealer is None:
        raise SealingNotConfigured("the anonymity key is not configured")
    return _sealer


def seal(value: str, purpose: str) -> str:
    return current().seal(value, purpose)


def unseal(token: str | None, purpose: str) -> str | None:
    """The sealed value, or None if there is none or this key cannot open it."""
    return current().unseal(token, purpose)


def tag(*parts: object) -> str:
    return current().tag(*parts)
