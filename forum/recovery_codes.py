"""Recovery codes, made, stored and counted: ten one-time codes a member keeps somewhere
safe, each letting them set a new password once without email.

A code is twelve characters from Crockford's base-32 alphabet (60 random bits), shown in
three groups of four (`7k2m-q9xd-4tnb`). Typed back, case, spaces and hyphens do not matter,
and the letters people misread are read as the digits they look like (o -> 0, i and l -> 1).

Stored as an HMAC-SHA-256 under the forum's secret key, of the account id and the code. A
slow password hash (argon2) is for secrets people choose, which are guessable; a 60-bit
random code cannot be guessed online (attempts are rate limited), and the key keeps a copy
of the database alone from testing guesses offline. A fast hash also lets the use-case
find the one matching row with an indexed lookup instead of trying ten argon2 hashes.
Losing FORUM_SECRET_KEY makes every stored code stop working (new ones can be made).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from tortoise.transactions import in_transaction

from forum.models.accounts import RecoveryCode, User
from forum.settings import Settings

ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"  # Crockford's base 32, lower case
CODE_COUNT = 10
GROUPS = 3
GROUP_LENGTH = 4
CODE_LENGTH = GROUPS * GROUP_LENGTH
CODE_INPUT_MAX = 64  # characters as typed, spaces and hyphens included
_MISREAD = str.maketrans({"o": "0", "i": "1", "l": "1"})
_IGNORED = str.maketrans("", "", " -\t")


def new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i:i + GROUP_LENGTH] for i in range(0, CODE_LENGTH, GROUP_LENGTH))


def new_codes() -> list[str]:
    return [new_code() for _ in range(CODE_COUNT)]


def normalise_code(typed: str) -> str | None:
    """The code as stored (twelve characters, no hyphens), or None when what was typed
    cannot be a recovery code."""
    code = typed.casefold().translate(_IGNORED).translate(_MISREAD)
    if len(code) != CODE_LENGTH or any(ch not in ALPHABET for ch in code):
        return None
    return code


def code_hash(secret: str, user_id: int, code: str) -> str:
    """The stored form of a normalised code (see the module docstring)."""
    message = f"recovery code:{user_id}:{code}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


async def issue_recovery_codes(user: User, settings: Settings) -> list[str]:
    """A new set of ten codes for this account (the old set stops working); the codes, to be
    shown once."""
    codes = new_codes()
    secret = settings.secret_key.get_secret_value()
    async with in_transaction():
        await RecoveryCode.filter(user_id=user.id).delete()
        await RecoveryCode.bulk_create([
            RecoveryCode(user_id=user.id,
                         code_hash=code_hash(secret, user.id, code.replace("-", "")))
            for code in codes])
    return codes


async def recovery_codes_left(user: User) -> int:
    return await RecoveryCode.filter(user_id=user.id, used_at__isnull=True).count()
