"""API tokens are capped per account per day, beside the short-window limits: a token lasts a
year, so a script asking for one again and again is refused kindly instead of filling the
table (1,001 requests once made 1,001 live tokens)."""

from __future__ import annotations

from datetime import UTC, datetime

from forum.models.accounts import Session, SessionKind
from forum.ratelimit import DEFAULT_LIMITS
from forum.sessions import LIVE_SESSIONS

from ..factories import PASSWORD, make_user

TOKENS_PER_DAY = 20  # the documented default: `token=10/15minutes;20/day`
QUARTER_HOUR = 15 * 60


def a_clock(app, start: datetime) -> list[float]:
    """The forum's rate limiter reads this clock; the test moves it on."""
    now = [start.timestamp()]
    app.state.rate_limiter.clock = lambda: now[0]
    return now


async def test_token_requests_past_the_daily_cap_are_refused_until_the_next_day(app,
                                                                                client_factory):
    await make_user("wren")
    script = await client_factory()
    now = a_clock(app, datetime(2026, 12, 2, 1, 0, tzinfo=UTC))
    granted = 0
    for n in range(TOKENS_PER_DAY):
        if n and n % 5 == 0:
            now[0] += QUARTER_HOUR  # well inside the 15-minute limit
        response = await script.api("POST", "/api/v1/tokens",
                                    json={"username": "wren", "password": PASSWORD})
        assert response.status_code == 201, (n, response.text)
        granted += 1
    now[0] += QUARTER_HOUR
    refused = await script.api("POST", "/api/v1/tokens",
                               json={"username": "wren", "password": PASSWORD})
    assert refused.status_code == 429
    wait = int(refused.headers["retry-after"])
    midnight = datetime(2026, 12, 3, tzinfo=UTC).timestamp()
    assert wait == int(midnight - now[0])  # until the UTC day is over
    assert "token" in refused.json()["detail"] and "hours" in refused.json()["detail"]
    # Each request made a token; only the newest LIVE_SESSIONS of them still work.
    assert await Session.filter(kind=SessionKind.API).count() == min(
        granted, LIVE_SESSIONS[SessionKind.API])
    # The cap is on tokens only: the member can still sign in on the page.
    browser = await client_factory()
    assert (await browser.post_form("/signin", {"username": "wren",
                                                "password": PASSWORD})).status_code == 303
    now[0] = midnight + 60
    again = await script.api("POST", "/api/v1/tokens",
                             json={"username": "wren", "password": PASSWORD})
    assert again.status_code == 201


async def test_the_cap_is_per_account(app, client_factory):
    await make_user("wren")
    await make_user("heron")
    script = await client_factory()
    now = a_clock(app, datetime(2026, 12, 2, 1, 0, tzinfo=UTC))
    for n in range(TOKENS_PER_DAY + 1):
        if n % 5 == 0:
            now[0] += QUARTER_HOUR
        await script.api("POST", "/api/v1/tokens",
                         json={"username": "wren", "password": PASSWORD})
    other = await script.api("POST", "/api/v1/tokens",
                             json={"username": "heron", "password": PASSWORD})
    assert other.status_code == 201


def test_the_daily_cap_is_a_named_limit_operators_can_change():
    assert DEFAULT_LIMITS["token"].endswith(f";{TOKENS_PER_DAY}/day")
