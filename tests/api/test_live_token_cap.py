"""An account holds a bounded number of live sessions: 25 API tokens requested (rate limits
off here, as if spread over days) leave the newest 10 working and the oldest refused;
browsers signed in past 20 end the oldest. Rows do not pile up per request."""

from __future__ import annotations

import pytest

from forum.app import create_app
from forum.models.accounts import Session, SessionKind
from forum.sessions import LIVE_SESSIONS, start_session

from ..conftest import make_settings
from ..factories import PASSWORD, make_user

REQUESTS = 25


@pytest.fixture
def app(var_dir, database_url, db):
    settings = make_settings(var_dir, database_url, FORUM_RATE_LIMITS="off")
    return create_app(settings, manage_database=False, strict_templates=True)


async def test_the_oldest_api_tokens_stop_working_past_the_cap(visitor, client_factory):
    user = await make_user("heron")
    tokens = []
    for _ in range(REQUESTS):
        issued = await visitor.api("POST", "/api/v1/tokens",
                                   json={"username": "heron", "password": PASSWORD})
        assert issued.status_code == 201
        tokens.append(issued.json()["token"])
    assert await Session.filter(user_id=user.id, kind=SessionKind.API).count() == 10
    probe = await client_factory()
    statuses = []
    for token in tokens:
        probe.token = token
        statuses.append((await probe.api("GET", "/api/v1/me")).status_code)
    assert statuses == [401] * (REQUESTS - 10) + [200] * 10


async def test_browsers_past_the_cap_end_the_oldest_and_api_tokens_are_counted_apart(db):
    user = await make_user()
    await start_session(user, SessionKind.API)
    for _ in range(LIVE_SESSIONS[SessionKind.WEB] + 5):
        await start_session(user, SessionKind.WEB)
    assert await Session.filter(user_id=user.id, kind=SessionKind.WEB).count() == 20
    assert await Session.filter(user_id=user.id, kind=SessionKind.API).count() == 1
