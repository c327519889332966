import pytest

from forum.ratelimit import DEFAULT_LIMITS, RateLimitConfigError, RateLimiter, parse_overrides


def test_overrides_replace_named_limits_and_keep_the_rest():
    limits = parse_overrides("signup=2/minute;signin=3/hour;10/day")
    assert [str(item) for item in limits["signup"]] == ["2 per 1 minute"]
    assert [str(item) for item in limits["signin"]] == ["3 per 1 hour", "10 per 1 day"]
    assert set(limits) == set(DEFAULT_LIMITS)


def test_off_turns_every_limit_off():
    assert parse_overrides("off") is None
    assert parse_overrides(" OFF ") is None


@pytest.mark.parametrize("text", ["nonsense=1/minute", "5/minute", "signup=lots"])
def test_bad_overrides_fail_loudly(text):
    with pytest.raises(RateLimitConfigError):
        parse_overrides(text)


async def test_limiter_refuses_past_the_limit_with_a_retry_after():
    limiter = RateLimiter("signup=2/minute")
    assert await limiter.hit("signup", "1.2.3.4") is None
    assert await limiter.hit("signup", "1.2.3.4") is None
    refusal = await limiter.hit("signup", "1.2.3.4")
    assert refusal is not None and 1 <= refusal.retry_after <= 61
    assert await limiter.hit("signup", "5.6.7.8") is None  # per key


async def test_disabled_limiter_never_refuses():
    limiter = RateLimiter("off")
    for _ in range(50):
        assert await limiter.hit("signup", "1.2.3.4") is None
