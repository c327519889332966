"""Look-alike names sent at the same moment: one account, never two that read the same."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from forum.app import create_app
from forum.models.accounts import User
from forum.usernames import skeleton

from ..conftest import BASE_URL, make_settings

PASSWORD = "correct-horse-battery-77"
LOOK_ALIKES = [("rnorgan_ash", "morgan_ash"), ("paypa1_kit", "paypal_kit"),
               ("Wren_Lake", "wren_1ake")]


@pytest.fixture
def app(var_dir, database_url, db):
    settings = make_settings(var_dir, database_url, FORUM_RATE_LIMITS="off")
    return create_app(settings, manage_database=False, strict_templates=True)


@pytest.mark.parametrize(("one", "other"), LOOK_ALIKES)
async def test_look_alike_sign_ups_at_once_make_one_account(app, one, other):
    assert skeleton(one) == skeleton(other)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as client:
        answers = await asyncio.gather(*(
            client.post("/api/v1/accounts", json={"username": name, "password": PASSWORD})
            for name in [one, other] * 6))
    statuses = sorted(a.status_code for a in answers)
    assert statuses == [201] + [422] * 11, statuses
    assert await User.filter(skeleton=skeleton(one)).count() == 1
