"""With FORUM_REDIS_URL, rate limits are shared by every process (a real Redis here)."""

import os
import uuid

from forum.ratelimit import RateLimiter

REDIS_URL = os.environ.get("FORUM_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


async def test_two_processes_share_one_limit_through_redis():
    first = RateLimiter("signup=2/minute", REDIS_URL)
    second = RateLimiter("signup=2/minute", REDIS_URL)
    address = f"test-{uuid.uuid4()}"
    try:
        assert await first.hit("signup", address) is None
        assert await second.hit("signup", address) is None
        refusal = await first.hit("signup", address)
        assert refusal is not None and refusal.retry_after >= 1
        assert await second.hit("signup", address) is not None
        assert await second.hit("signup", f"other-{uuid.uuid4()}") is None
    finally:
        await first.close()
        await second.close()


async def test_an_unreachable_redis_lets_requests_through_instead_of_failing_them(caplog):
    limiter = RateLimiter("signup=1/minute", "redis://127.0.0.1:1/0")
    try:
        assert await limiter.hit("signup", "1.2.3.4") is None
        assert await limiter.hit("signup", "1.2.3.4") is None
    finally:
        await limiter.close()
    assert "rate limit store unavailable" in caplog.text
