"""Rate limits with the `limits` library: in memory, or shared through Redis when configured."""

from __future__ import annotations

import importlib.util
import logging
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from limits import RateLimitItem, parse_many
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter

if TYPE_CHECKING:
    from redis.asyncio import ConnectionPool

REDIS_EXTRA = "pip install 'hearth-forum[redis]'"

# Every limit by name, in `limits` notation; FORUM_RATE_LIMITS overrides any of them.
DEFAULT_LIMITS: dict[str, str] = {
    "signup": "5/30minutes;20/day",  # per client address
    "signin": "10/15minutes;30/day",  # per account: a growing back-off for guessing
    "signin_ip": "30/15minutes;200/day",  # per client address
    "token": "10/15minutes",  # API token requests, per account
    "post": "6/minute;60/hour;300/day",  # stories and replies, per member
    "post_new_member": "2/minute;10/hour;30/day",  # stories and replies, per new member
    "report": "10/hour;40/day",  # reports, per member
    "guest": "3/hour;10/day",  # guest stories and replies, per client address
    "safety_check": "30/minute",  # the composer's draft check, per client address
    "search": "30/minute;600/hour",  # searches (HTML and API), per client address
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


def _redis_pool(url: str) -> ConnectionPool:
    require_redis()
    from redis.asyncio import ConnectionPool

    return ConnectionPool.from_url(url)


@dataclass(frozen=True)
class Refusal:
    retry_after: int  # seconds


class RateLimiter:
    def __init__(self, overrides: str = "", redis_url: str | None = None) -> None:
        self.limits = parse_overrides(overrides)
        self._pool = _redis_pool(redis_url) if redis_url else None
        self.storage: Storage = (
            RedisStorage(f"async+{redis_url}", implementation="redispy",
                         connection_pool=self._pool)  # type: ignore[arg-type]  # stubs: str only
            if redis_url
            else MemoryStorage()
        )
        self.strategy = MovingWindowRateLimiter(self.storage)

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.aclose()

    @property
    def enabled(self) -> bool:
        return self.limits is not None

    async def hit(self, name: str, key: str) -> Refusal | None:
        """Count one attempt; a Refusal says how long to wait when over any window.

        If the shared store is down, the attempt is let through (and logged): an outage of
        Redis must not stop people from signing in or asking for help.
        """
        if self.limits is None:
            return None
        try:
            for item in self.limits[name]:
                if not await self.strategy.hit(item, name, key):
                    stats = await self.strategy.get_window_stats(item, name, key)
                    return Refusal(retry_after=max(1, int(stats.reset_time - time.time()) + 1))
        except Exception:  # any storage failure: log it and let the request through
            log.exception("rate limit store unavailable; %s not limited", name)
        return None

    async def reset(self) -> None:
        await self.storage.reset()
