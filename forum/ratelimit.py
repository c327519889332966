"""Rate limits: counters in the `limits` library's storage, in memory or shared through Redis.

What a reader of the store (a Redis dump, `MONITOR`, a replica) may learn is part of the
design, because the same limit counts a member's named and anonymous posts:

- **Keys are keyed hashes.** A counter's key is ``sealing.tag`` (HMAC under the anonymity key)
  of the limit's name, its window, the caller's key (a member id, a username, a client
  address) and the number of the window it counts. No key holds an id, a name, an address or
  even which limit it is; one person's keys for two windows (this minute and today, today and
  tomorrow) are unrelated strings.
- **Counters, not timestamps.** Each key holds one small integer: how many attempts fell in
  its window. Nothing records when each attempt happened (the moving window the library
  offers keeps a timestamp per hit; it is not used).
- **Windows are fixed and aligned to the clock**, counted from the Unix epoch: a minute window
  is a clock minute, a 15-minute window starts at :00, :15, :30 or :45, and a "30/day" window
  is one UTC day (00:00 to 24:00), so the key's period and the limit's window are the same
  thing and rotating the key never cuts a window short. Every key of a window expires at that
  window's end, to the second, whenever its first attempt came — so a key's expiry tells
  nothing about when it was made (with the library's own fixed window it would: that window
  starts at the first hit). The price of aligned fixed windows: up to twice a limit can pass
  around a boundary (30 at 23:59 and 30 more at 00:00 UTC); each longer window still caps the
  total.
- Memory storage takes the same keys through the same code. Without a configured anonymity
  key (unit tests that build a limiter alone), an in-memory limiter tags with a random key of
  its own; a Redis limiter refuses to count, since processes sharing Redis must agree on keys.

What a reader still sees: how many keys there are, each count, and each window's length
(from its expiry) — that is, how much was attempted, not by whom or when.
"""

from __future__ import annotations

import importlib.util
import logging
import math
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from limits import RateLimitItem, parse_many
from limits.aio.storage import MemoryStorage, RedisStorage, Storage

from forum import sealing

if TYPE_CHECKING:
    from redis.asyncio import ConnectionPool, Redis

REDIS_EXTRA = "pip install 'hearth-forum[redis]'"

# Every limit by name, in `limits` notation; FORUM_RATE_LIMITS overrides any of them.
DEFAULT_LIMITS: dict[str, str] = {
    "signup": "5/30minutes;20/day",  # per client address
    "signin": "10/15minutes;30/day",  # per account: a growing back-off for guessing
    "signin_ip": "30/15minutes;200/day",  # per client address
    # API token requests, per account: a token lasts a year, so a day's cap keeps a script
    # that asks again and again from filling the sessions table (the sign-in limit still
    # applies too; FORUM_RATE_LIMITS=signin=... raised for a shared address leaves this).
    "token": "10/15minutes;20/day",
    "post": "6/minute;60/hour;300/day",  # stories and replies, per member
    "post_new_member": "2/minute;10/hour;30/day",  # stories and replies, per new member
    "report": "10/hour;40/day",  # reports, per member
    "guest": "3/hour;10/day",  # guest stories and replies, per client address
    "safety_check": "30/minute",  # the composer's draft check, per client address
    "draft": "30/minute;600/hour",  # drafts saved (autosave included), per member
    "preview": "30/minute;300/hour",  # previews of what is being written, per client address
    "search": "30/minute;600/hour",  # searches (HTML and API), per client address
    # Password reset links asked for, per address typed (known or not) and per client
    # address: a mailbox gets a few links an hour, never a flood.
    "password_reset": "3/hour;10/day",
    "password_reset_ip": "10/hour;50/day",
    # Attempts to set a new password with a reset link or a recovery code: per client
    # address, and per account for codes (60-bit codes: guessing is hopeless at this pace).
    "recovery_ip": "20/15minutes;100/day",
    "recovery": "5/15minutes;20/day",
    "verify_email": "3/hour;10/day",  # verification links sent again, per account
}


class RateLimitConfigError(ValueError):
    pass


def require_redis() -> None:
    """Redis is optional: a shared limit store needs the `redis` extra installed."""
    if importlib.util.find_spec("redis") is None:
        raise RateLimitConfigError(
            f"FORUM_REDIS_URL is set but the redis package is not installed: {REDIS_EXTRA}"
        )


def parse_overrides(text: str) -> dict[str, list[RateLimitItem]] | None:
    """`signup=5/30minutes;signin=10/15minutes;30/day` -> limits; `off` -> None (no limits).

    A bare item continues the limit named before it, so one name can carry several windows.
    """
    text = text.strip()
    if text.lower() == "off":
        return None
    overridden: dict[str, list[str]] = {}
    current: str | None = None
    for part in filter(None, (p.strip() for p in text.split(";"))):
        if "=" in part:
            current, value = (s.strip() for s in part.split("=", 1))
            if current not in DEFAULT_LIMITS:
                raise RateLimitConfigError(f"unknown rate limit {current!r} in FORUM_RATE_LIMITS")
            overridden[current] = [value]
        elif current is None:
            raise RateLimitConfigError(f"FORUM_RATE_LIMITS: {part!r} needs a name (signup=...)")
        else:
            overridden[current].append(part)
    chosen = {name: ";".join(overridden.get(name, [v])) for name, v in DEFAULT_LIMITS.items()}
    try:
        return {name: parse_many(value) for name, value in chosen.items()}
    except ValueError as exc:
        raise RateLimitConfigError(f"FORUM_RATE_LIMITS: {exc}") from exc


log = logging.getLogger("forum.ratelimit")

KEY_PREFIX = "hearth-rate"  # Redis keys are `hearth-rate:<tag>`


def _redis_pool(url: str) -> ConnectionPool:
    require_redis()
    from redis.asyncio import ConnectionPool

    return ConnectionPool.from_url(url)


@dataclass(frozen=True)
class Refusal:
    retry_after: int  # seconds


@dataclass(frozen=True)
class Window:
    """One clock-aligned window of a limit: its number since the epoch and when it ends."""

    number: int
    ends_at: int  # Unix seconds

    @classmethod
    def holding(cls, item: RateLimitItem, now: float) -> Window:
        length = item.get_expiry()
        number = int(now // length)
        return cls(number, (number + 1) * length)


class RateLimiter:
    """Counts attempts per (limit, key) in fixed windows; see the module docstring.

    `clock` (Unix seconds) is for tests that need another day; `key_prefix` names the Redis
    keys (tests give each run its own).
    """

    def __init__(self, overrides: str = "", redis_url: str | None = None, *,
                 clock: Callable[[], float] = time.time, key_prefix: str = KEY_PREFIX) -> None:
        self.limits = parse_overrides(overrides)
        self.clock = clock
        self._pool = _redis_pool(redis_url) if redis_url else None
        self._redis: Redis | None = None
        self._redis_storage: RedisStorage | None = None
        if redis_url:
            from redis.asyncio import Redis

            self._redis = Redis(connection_pool=self._pool)
            self._redis_storage = RedisStorage(
                f"async+{redis_url}", implementation="redispy", key_prefix=key_prefix,
                connection_pool=self._pool)  # type: ignore[arg-type]  # stubs: str only
        self.storage: Storage = self._redis_storage or MemoryStorage()
        self._own_sealer: sealing.Sealer | None = None

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.aclose()

    @property
    def enabled(self) -> bool:
        return self.limits is not None

    def _tag(self, *parts: object) -> str:
        try:
            return sealing.tag(*parts)
        except sealing.SealingNotConfigured:
            if self._redis_storage is not None:
                raise
        if self._own_sealer is None:
            self._own_sealer = sealing.sealer_for(os.urandom(32).hex())
        return self._own_sealer.tag(*parts)

    def storage_key(self, name: str, key: str, item: RateLimitItem, window: Window) -> str:
        """The counter's key: a keyed hash naming nothing a reader of the store could use."""
        return self._tag("rate limit", name, str(item), key, window.number)

    async def _count(self, counter: str, window: Window, now: float) -> int:
        count = await self.storage.incr(counter, max(1, math.ceil(window.ends_at - now)))
        if count == 1 and self._redis is not None and self._redis_storage is not None:
            # EXPIRE counts from the moment of the first hit (to the millisecond); pin the
            # expiry to the window's end so that moment is not kept.
            await self._redis.expireat(self._redis_storage.bridge.prefixed_key(counter),
                                       window.ends_at)
        return count

    async def hit(self, name: str, key: str, *, at: float | None = None) -> Refusal | None:
        """Count one attempt; a Refusal says how long to wait when over any window.

        `at` is the moment read from `clock` by a caller that may `give_back` this attempt.
        If the shared store is down, the attempt is let through (and logged): an outage of
        Redis must not stop people from signing in or asking for help.
        """
        if self.limits is None:
            return None
        now = self.clock() if at is None else at
        windows = [(item, Window.holding(item, now)) for item in self.limits[name]]
        counters = [self.storage_key(name, key, item, window) for item, window in windows]
        try:
            for (item, window), counter in zip(windows, counters, strict=True):
                if await self._count(counter, window, now) > item.amount:
                    return Refusal(retry_after=max(1, math.ceil(window.ends_at - now)))
        except Exception:  # any storage failure: log it and let the request through
            log.exception("rate limit store unavailable; %s not limited", name)
        return None

    async def give_back(self, name: str, key: str, at: float) -> None:
        """Uncount an attempt `hit` counted (and let through) at `at`: for limits on wrong
        guesses only, where the attempt is counted before the answer is known — so a burst
        of guesses at once cannot slip past while each is checked — and a right answer is
        then given back. A window that has ended since is left alone (its count is gone)."""
        if self.limits is None:
            return
        now = self.clock()
        try:
            for item in self.limits[name]:
                window = Window.holding(item, at)
                if window.ends_at <= now:
                    continue
                counter = self.storage_key(name, key, item, window)
                await self.storage.incr(counter, max(1, math.ceil(window.ends_at - now)),
                                        amount=-1)
        except Exception:  # as in `hit`: a store outage must not fail the request
            log.exception("rate limit store unavailable; %s not given back", name)

    async def reset(self) -> None:
        await self.storage.reset()
