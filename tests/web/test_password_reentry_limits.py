"""Every form and API call that asks for the password again — export, account deletion, a
password change, an admin's reveal — limits guesses per account and per client address: 40
wrong guesses meet a 429 long before the end, the right password is refused too until the
window passes (the message says so), and the form keeps what was typed but the password."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx
import pytest

from forum.models.accounts import Role, User
from forum.models.moderation import AuditEntry

from ..conftest import BASE_URL, Client
from ..factories import PASSWORD, make_user
from .test_anonymity import post_anonymous_story

GUESSES = 40
PER_ACCOUNT = 10  # the default `signin` limit per account and 15 minutes
PER_ADDRESS = 30  # the default `signin_ip` limit per address and 15 minutes
QUARTER_HOUR = 15 * 60
REASON = "A threat to a child, kept as typed"


@dataclass
class Door:
    """One place that asks for the password again, through the page or the API."""

    name: str
    admin: bool
    api: bool
    send: Callable[[Client, str, int], Awaitable[httpx.Response]]
    wrong_status: int
    done: Callable[[User], Awaitable[bool]]  # whether the action happened
    kept: str | None = None  # on the page: something typed that must come back


async def export_page(c: Client, pw: str, _post: int) -> httpx.Response:
    return await c.post_form("/account/export", {"password": pw})


async def export_api(c: Client, pw: str, _post: int) -> httpx.Response:
    return await c.api("GET", "/api/v1/me/export", headers={"X-Confirm-Password": pw})


async def delete_page(c: Client, pw: str, _post: int) -> httpx.Response:
    return await c.post_form("/account/delete", {"password": pw, "posts": "remove"})


async def delete_api(c: Client, pw: str, _post: int) -> httpx.Response:
    return await c.api("DELETE", "/api/v1/me", json={"password": pw, "keep_posts": False})


async def change_page(c: Client, pw: str, _post: int) -> httpx.Response:
    return await c.post_form("/account/password", {"current_password": pw,
                                                   "new_password": "a brand new harbour"})


async def change_api(c: Client, pw: str, _post: int) -> httpx.Response:
    return await c.api("POST", "/api/v1/me/password", json={
        "current_password": pw, "new_password": "a brand new harbour"})


async def reveal_page(c: Client, pw: str, post: int) -> httpx.Response:
    return await c.post_form(f"/admin/posts/{post}/reveal", {"reason": REASON, "password": pw})


async def reveal_api(c: Client, pw: str, post: int) -> httpx.Response:
    return await c.api("POST", f"/api/v1/admin/posts/{post}/reveal",
                       json={"reason": REASON, "password": pw})


async def never(_user: User) -> bool:
    return False  # an export leaves nothing behind: the response itself is checked


async def deleted(user: User) -> bool:
    return not await User.exists(id=user.id)


async def changed(user: User) -> bool:
    return (await User.get(id=user.id)).password_hash != user.password_hash


async def revealed(_user: User) -> bool:
    return await AuditEntry.exists(action="reveal")


DOORS = [
    Door("export page", False, False, export_page, 403, never),
    Door("export api", False, True, export_api, 403, never),
    Door("delete page", False, False, delete_page, 403, deleted, kept='value="remove" checked'),
    Door("delete api", False, True, delete_api, 403, deleted),
    Door("change page", False, False, change_page, 422, changed),
    Door("change api", False, True, change_api, 422, changed),
    Door("reveal page", True, False, reveal_page, 403, revealed, kept=REASON),
    Door("reveal api", True, True, reveal_api, 403, revealed),
]


@pytest.fixture
def clock(app) -> list[float]:
    """The forum's rate limiter reads this clock: the start of a quarter hour, then on."""
    now = [datetime(2026, 12, 2, 1, 0, tzinfo=UTC).timestamp()]
    app.state.rate_limiter.clock = lambda: now[0]
    return now


async def anonymous_post(client_factory) -> int:
    author = await client_factory(await make_user("quiet_author"))
    return (await post_anonymous_story(author)).id


@pytest.mark.parametrize("door", DOORS, ids=lambda d: d.name)
async def test_forty_wrong_guesses_meet_a_429_and_then_even_the_right_password_waits(
        door, client_factory, clock):
    post = await anonymous_post(client_factory) if door.admin else 0
    user = await make_user("wren", role=Role.ADMIN if door.admin else Role.MEMBER)
    client = await client_factory(user, api_token=door.api)
    statuses = [(await door.send(client, f"guess number {n}", post)).status_code
                for n in range(GUESSES)]
    assert statuses[:PER_ACCOUNT] == [door.wrong_status] * PER_ACCOUNT
    assert statuses[PER_ACCOUNT:] == [429] * (GUESSES - PER_ACCOUNT)
    clock[0] += 60  # still inside the window
    right = await door.send(client, PASSWORD, post)
    assert right.status_code == 429
    assert 0 < int(right.headers["retry-after"]) <= QUARTER_HOUR
    message = right.json()["detail"] if door.api else right.text
    assert "even the right password" in message and "minutes" in message
    assert not await door.done(user)
    if not door.api:
        assert PASSWORD not in right.text and "guess number" not in right.text
        if door.kept:
            assert door.kept in right.text
    clock[0] += QUARTER_HOUR  # the window has passed
    later = await door.send(client, PASSWORD, post)
    assert later.status_code in (200, 201, 303), later.text[:300]
    assert door.done is never or await door.done(user)


async def test_right_passwords_use_up_nothing(client_factory, clock):
    """Only wrong guesses count: a member downloading their data again and again is fine."""
    user = await make_user("wren")
    page = await client_factory(user)
    api = await client_factory(user, api_token=True)
    for n in range(2 * PER_ACCOUNT):
        response = await (export_page(page, PASSWORD, 0) if n % 2 else
                          export_api(api, PASSWORD, 0))
        assert response.status_code == 200, (n, response.text[:200])
    assert (await page.post_form("/signin", {"username": "wren",
                                             "password": PASSWORD})).status_code == 303


async def test_guesses_from_one_address_at_many_accounts_meet_the_address_limit(
        app, client_factory, clock):
    """Several borrowed sessions on one connection: each account stays under its own limit,
    the address does not — and another address is not held up by it."""
    statuses = []
    for n in range(5):
        client = await client_factory(await make_user(f"member{n}"))
        for g in range(PER_ACCOUNT - 2):
            statuses.append((await export_page(client, f"guess {n} {g}", 0)).status_code)
    assert statuses[:PER_ADDRESS] == [403] * PER_ADDRESS
    assert set(statuses[PER_ADDRESS:]) == {429}
    elsewhere_user = await make_user("far_away")
    transport = httpx.ASGITransport(app=app, client=("198.51.100.7", 4242))
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as http:
        from ..factories import sign_in_directly

        http.cookies.set("hearth_session", await sign_in_directly(elsewhere_user))
        elsewhere = Client(http=http, user=elsewhere_user)
        assert (await export_page(elsewhere, "one wrong guess", 0)).status_code == 403
        assert (await export_page(elsewhere, PASSWORD, 0)).status_code == 200


async def test_reentry_guesses_and_sign_in_guesses_share_the_accounts_limit(client_factory,
                                                                           clock):
    user = await make_user("wren")
    borrowed = await client_factory(user, api_token=True)
    for n in range(PER_ACCOUNT):
        await export_api(borrowed, f"guess {n}", 0)
    owner = await client_factory()
    refused = await owner.post_form("/signin", {"username": "wren", "password": PASSWORD})
    assert refused.status_code == 429
