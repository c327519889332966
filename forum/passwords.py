"""Password rules and argon2id hashing in a capped thread pool."""

from __future__ import annotations

import gzip
from functools import cache
from importlib import resources

import anyio
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from argon2.profiles import CHEAPEST, RFC_9106_LOW_MEMORY

PASSWORD_MIN = 10
PASSWORD_MAX = 1024
# A new password needs this many different characters (letters counted once whatever their
# case). Ten characters drawn from four or fewer — "aaaaaaaaaa", ten spaces and an x,
# "abababab…", one short chunk typed again and again — are the first things a guesser tries
# and are not in any list of common passwords; five refuses them all while every passphrase
# of two real words and any ordinary ten-letter word passes. Only new passwords are judged:
# older ones still sign in.
MIN_DISTINCT_CHARACTERS = 5
# Each argon2 hash holds 64 MiB; at most this many run at once per process.
HASHING_CONCURRENCY = 4

_hasher = PasswordHasher.from_parameters(RFC_9106_LOW_MEMORY)
_dummy_hash: str | None = None
_limiter: anyio.CapacityLimiter | None = None


def use_fast_hashing(fast: bool) -> None:
    """Tests and throwaway deployments only: argon2's cheapest parameters."""
    global _hasher, _dummy_hash
    _hasher = PasswordHasher.from_parameters(CHEAPEST if fast else RFC_9106_LOW_MEMORY)
    _dummy_hash = None


@cache
def common_passwords() -> frozenset[str]:
    data = resources.files("forum.data").joinpath("common-passwords.txt.gz").read_bytes()
    return frozenset(gzip.decompress(data).decode().split())


def password_problem(password: str, *, username: str = "") -> str | None:
    if len(password) < PASSWORD_MIN:
        return f"Use at least {PASSWORD_MIN} characters. A few words strung together work well."
    if len(password) > PASSWORD_MAX:
        return f"Passwords can be at most {PASSWORD_MAX} characters long."
    if len(set(password.casefold())) < MIN_DISTINCT_CHARACTERS:
        return (f"Use at least {MIN_DISTINCT_CHARACTERS} different characters: this one "
                "repeats the same few over and over, which is quick to guess. A few words "
                "strung together work well.")
    lowered = password.lower()
    if lowered in common_passwords() or (username and lowered == username.lower()):
        return "That password is too common and easy to guess. Please choose another."
    return None


def _limiter_for_hashing() -> anyio.CapacityLimiter:
    global _limiter
    if _limiter is None:
        _limiter = anyio.CapacityLimiter(HASHING_CONCURRENCY)
    return _limiter


async def hash_password(password: str) -> str:
    return await anyio.to_thread.run_sync(_hasher.hash, password, limiter=_limiter_for_hashing())


def _verify(hashed: str, password: str) -> bool:
    try:
        return _hasher.verify(hashed, password)
    except (VerificationError, InvalidHashError):
        return False


async def verify_password(hashed: str, password: str) -> bool:
    return await anyio.to_thread.run_sync(
        _verify, hashed, password, limiter=_limiter_for_hashing()
    )


def needs_rehash(hashed: str) -> bool:
    try:
        return _hasher.check_needs_rehash(hashed)
    except InvalidHashError:
        return True


async def confirms_password(hashed: str, password: object) -> bool:
    """For actions that ask for the password again (export, deletion, reveal)."""
    return isinstance(password, str) and await verify_password(hashed, password)


async def burn_verification_time(password: str) -> None:
    """Spend the time a real check would, so timing does not tell whether an account exists."""
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = await hash_password("no account has this password")
    await verify_password(_dummy_hash, password)
