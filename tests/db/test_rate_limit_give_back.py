"""A limit on wrong guesses only: every attempt is counted before its answer is known, and a
right one is given back — in memory and in a real Redis alike, the expiry left at the
window's end."""

from __future__ import annotations

import asyncio
import time

import pytest

from forum.ratelimit import RateLimiter

from .test_redis_rate_limits import REDIS_URL, prefix, redis  # noqa: F401  (fixtures)

QUARTER_HOUR = 15 * 60
# A whole quarter hour a day from now: Redis expires keys by the real clock.
START = float((int(time.time()) // QUARTER_HOUR + 96) * QUARTER_HOUR)


def limiter_for(redis_url: str | None, key_prefix: str, clock: list[float]) -> RateLimiter:
    if redis_url is None:
        return RateLimiter("signin=3/15minutes", clock=lambda: clock[0])
    return RateLimiter("signin=3/15minutes", redis_url, clock=lambda: clock[0],
                       key_prefix=key_prefix)


async def check_give_back(limiter: RateLimiter, clock: list[float]) -> None:
    for _ in range(10):  # ten right answers in a row use nothing up
        assert await limiter.hit("signin", "wren", at=clock[0]) is None
        await limiter.give_back("signin", "wren", clock[0])
    for _ in range(3):  # three wrong ones use it up
        assert await limiter.hit("signin", "wren", at=clock[0]) is None
    refused = await limiter.hit("signin", "wren", at=clock[0])
    assert refused is not None and refused.retry_after == QUARTER_HOUR


async def test_given_back_attempts_are_not_counted_in_memory():
    clock = [START]
    await check_give_back(limiter_for(None, "", clock), clock)


async def test_given_back_attempts_are_not_counted_in_redis(redis, prefix):  # noqa: F811
    clock = [START]
    limiter = limiter_for(REDIS_URL, prefix, clock)
    try:
        await check_give_back(limiter, clock)
        keys = [key async for key in redis.scan_iter(match=f"{prefix}:*")]
        assert keys
        for key in keys:
            assert await redis.expiretime(key) == START + QUARTER_HOUR
    finally:
        await limiter.close()


async def test_a_burst_of_guesses_at_once_gets_no_more_than_the_limit():
    clock = [START]
    limiter = limiter_for(None, "", clock)
    answers = await asyncio.gather(*(limiter.hit("signin", "wren", at=clock[0])
                                     for _ in range(20)))
    assert sum(answer is None for answer in answers) == 3


async def test_an_attempt_from_a_window_that_has_ended_is_not_given_back_into_the_next():
    clock = [START + QUARTER_HOUR - 1]
    limiter = limiter_for(None, "", clock)
    at = clock[0]
    assert await limiter.hit("signin", "wren", at=at) is None
    clock[0] = START + QUARTER_HOUR + 1  # the answer came after the window's end
    await limiter.give_back("signin", "wren", at)
    for _ in range(3):
        assert await limiter.hit("signin", "wren") is None
    assert await limiter.hit("signin", "wren") is not None


@pytest.mark.parametrize("off", ["off"])
async def test_give_back_with_limits_off_does_nothing(off):
    limiter = RateLimiter(off)
    await limiter.give_back("signin", "wren", START)
    assert await limiter.hit("signin", "wren") is None
