"""A Redis reader cannot tell who posted or signed in, nor when (a real Redis here).

The adversary holds a copy of Redis (a dump, a replica, `MONITOR`) and, perhaps, of the
database, but not the anonymity key. Ordinary use goes through the real app over HTTP with a
Redis-backed limiter — members signing in, posting named and anonymous stories and replies,
searching; a guest posting; someone signing up — and then every key in Redis is read with
its value, type and expiry.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from redis.asyncio import Redis
from starlette.applications import Starlette

from forum.app import create_app
from forum.models.accounts import User
from forum.ratelimit import RateLimiter

from ..conftest import BASE_URL, Client, make_settings
from ..factories import PASSWORD, make_story, make_user
from .test_redis_rate_limits import REDIS_URL, prefix, redis  # noqa: F401  (fixtures)

SMALL_COUNT = 1000  # a counter in these tests never comes near it
DAY_SECONDS = 86_400


@dataclass
class Person:
    name: str
    email: str
    address: str


MEMBERS = [Person("marigold_keys", "marigold@example.org", "203.0.113.77"),
           Person("juniper_keys", "juniper@example.net", "198.51.100.23")]
GUEST = Person("", "", "192.0.2.145")
NEWCOMER = Person("bramble_keys", "bramble@example.com", "203.0.113.201")


@pytest.fixture
async def app(var_dir, database_url, db, redis, prefix) -> AsyncIterator[Starlette]:  # noqa: F811
    settings = make_settings(var_dir, database_url, FORUM_REDIS_URL=REDIS_URL)
    built = create_app(settings, manage_database=False, strict_templates=True)
    # The app's own limiter, with this test's key prefix so parallel runs stay apart.
    await built.state.rate_limiter.close()
    built.state.rate_limiter = RateLimiter(settings.rate_limits, REDIS_URL, key_prefix=prefix)
    yield built
    await built.state.rate_limiter.close()


@pytest.fixture
async def clients(app) -> AsyncIterator[Any]:
    opened: list[httpx.AsyncClient] = []

    def make(address: str) -> Client:
        transport = httpx.ASGITransport(app=app, client=(address, 51234))
        http = httpx.AsyncClient(transport=transport, base_url=BASE_URL)
        opened.append(http)
        return Client(http=http)

    yield make
    for http in opened:
        await http.aclose()


async def sign_in(client: Client, person: Person) -> None:
    await client.get("/signin")
    response = await client.post_form("/signin", {"username": person.name, "password": PASSWORD})
    assert response.status_code == 303, response.text[:300]


async def member_day(clients: Any, person: Person, stories: list[Any]) -> None:
    """What a member does in an ordinary visit: sign in, post named and anonymously, search,
    and ask for an API token from a script on the same address."""
    client = clients(person.address)
    await sign_in(client, person)
    n = person.name
    for anonymous in ("", "1"):
        response = await client.post_form("/stories/new", {
            "category": "small-wins", "title": f"A small win {anonymous or 'named'}",
            "body": "I went outside today.", "anonymous": anonymous,
            "submission_id": f"{n}-story-{anonymous or 0}".ljust(16, "x")})
        assert response.status_code == 303, response.text[:300]
    for story, anonymous in zip(stories, ("", "1"), strict=True):
        response = await client.post_form(f"/stories/{story.thread_id}/replies", {
            "body": "Sending you strength.", "anonymous": anonymous,
            "submission_id": f"{n}-reply-{anonymous or 0}".ljust(16, "x")})
        assert response.status_code == 303, response.text[:300]
    assert (await client.get("/search?q=outside")).status_code == 200
    token = await clients(person.address).api("POST", "/api/v1/tokens",
                             json={"username": n, "password": PASSWORD})
    assert token.status_code in (200, 201), token.text[:300]


@dataclass(frozen=True)
class Entry:
    kind: str
    value: bytes | None
    ttl_ms: int
    expires_at_ms: int


async def read_everything(redis: Redis) -> dict[bytes, Entry]:  # noqa: F811
    """Every key in the test database, with what a dump of it would hold."""
    found: dict[bytes, Entry] = {}
    async for key in redis.scan_iter(match="*", count=1000):
        kind = (await redis.type(key)).decode()
        value = await redis.get(key) if kind == "string" else None
        found[key] = Entry(kind, value, await redis.pttl(key),
                           await redis.execute_command("PEXPIRETIME", key))
    return found


def segments(text: str) -> set[str]:
    return set(re.split(r"[/:|,;\s]+", text))


def identifying_strings(people: list[Person]) -> list[str]:
    found = ["127.0.0.1"]
    for person in people:
        found += [s for s in (person.name, person.email, person.address) if s]
    return found


def assert_names_nobody(everything: dict[bytes, Entry], people: list[Person],
                        ids: list[int]) -> None:
    for key, entry in everything.items():
        for blob in (key, entry.value or b""):
            text = blob.decode(errors="replace")
            for secret in identifying_strings(people):
                assert secret.casefold() not in text.casefold(), (
                    f"{secret!r} readable in Redis: {key!r} -> {entry.value!r}")
        # (a value is a count, which may equal an id; values are checked as counters below)
        assert not segments(key.decode(errors="replace")) & {str(i) for i in ids}, (
            f"a user id is a segment of {key!r}")


def ours(everything: dict[bytes, Entry], prefix: str) -> dict[bytes, Entry]:  # noqa: F811
    return {k: e for k, e in everything.items() if k.startswith(f"{prefix}:".encode())}


async def wait_clear_of_a_minute_boundary(margin: float = 5.0) -> None:
    """Both members act inside one clock minute, so their minute windows are the same."""
    into = time.time() % 60
    if into > 60 - margin:
        await asyncio.sleep(60 - into + 0.2)


async def test_after_a_day_of_ordinary_use_redis_names_nobody_and_holds_only_counters(
        app, clients, redis, prefix):  # noqa: F811
    authors = await make_user("author_keys")
    stories = [await make_story(authors, title=f"Thread {i}") for i in range(2)]
    for person in MEMBERS:
        await make_user(person.name, email=person.email)

    await wait_clear_of_a_minute_boundary()
    before = ours(await read_everything(redis), prefix)
    added_by: list[dict[bytes, Entry]] = []
    for person in MEMBERS:
        await member_day(clients, person, stories)
        now = ours(await read_everything(redis), prefix)
        added_by.append({k: e for k, e in now.items() if k not in before})
        before = now

    guest = clients(GUEST.address)
    await guest.get("/guest/new")
    response = await guest.post_form("/guest/new", {
        "category": "small-wins", "title": "From outside", "body": "I went outside today.",
        "submission_id": "guest-keys-000001"})
    assert response.status_code == 201, response.text[:300]
    await guest.get(f"/stories/{stories[0].thread_id}/guest-reply")
    response = await guest.post_form(f"/stories/{stories[0].thread_id}/guest-reply",
                                     {"body": "You're doing great"})
    assert response.status_code == 201, response.text[:300]
    assert (await guest.get("/search?q=win")).status_code == 200
    newcomer = clients(NEWCOMER.address)
    await newcomer.get("/signup")
    response = await newcomer.post_form("/signup", {
        "username": NEWCOMER.name, "password": PASSWORD, "email": NEWCOMER.email})
    assert response.status_code == 200, response.text[:300]  # the recovery codes page

    everything = await read_everything(redis)
    ids = [u.id for u in await User.all()]
    # Nothing anywhere in this Redis database names a person of this test.
    assert_names_nobody(everything, [*MEMBERS, GUEST, NEWCOMER], ids)

    counters = ours(everything, prefix)
    assert len(counters) >= 10, "the app counted nothing in Redis: the scan would prove nothing"
    for key, entry in counters.items():
        assert re.fullmatch(rf"{re.escape(prefix)}:[0-9a-f]{{40}}", key.decode()), key
        assert entry.kind == "string", f"{key!r} is a {entry.kind} (timestamps?), not a counter"
        assert entry.value is not None and re.fullmatch(rb"[0-9]{1,3}", entry.value), entry
        assert 1 <= int(entry.value) < SMALL_COUNT
        assert 0 < entry.ttl_ms <= DAY_SECONDS * 1000, f"{key!r} never expires or lives too long"
        # The expiry is a window's end on the clock (a whole minute, to the millisecond),
        # not an offset from the first attempt: it dates nothing anybody did.
        assert entry.expires_at_ms % 60_000 == 0, f"{key!r} expires at {entry.expires_at_ms}"

    # Two members doing the same things leave the same counts and expiries: a reader who
    # knows what one did cannot pick that member's keys out from the other's.
    first, second = added_by
    assert first and not set(first) & set(second)
    assert (sorted((e.value, e.expires_at_ms) for e in first.values())
            == sorted((e.value, e.expires_at_ms) for e in second.values()))


async def test_one_members_counter_has_another_key_the_next_utc_day(redis, prefix):  # noqa: F811
    today = time.time()
    seen: list[set[bytes]] = []
    for day in (today, today + DAY_SECONDS):
        limiter = RateLimiter("post=5/day", REDIS_URL, clock=lambda day=day: day,
                              key_prefix=prefix)
        try:
            assert await limiter.hit("post", "42") is None
            assert await limiter.hit("post", "42") is None
        finally:
            await limiter.close()
        seen.append({k for k in (await read_everything(redis)) if k.startswith(prefix.encode())}
                    - set().union(*seen))
    assert [len(keys) for keys in seen] == [1, 1]
    (first,), (second,) = seen
    assert first != second
    for key in (first, second):
        assert await redis.get(key) == b"2"
        ends = await redis.execute_command("PEXPIRETIME", key)
        assert ends % (DAY_SECONDS * 1000) == 0, "a day window ends at midnight UTC"


async def test_a_per_day_limit_is_the_utc_day_and_says_when_it_opens_again(redis, prefix):  # noqa: F811
    tomorrow_midnight = (int(time.time()) // DAY_SECONDS + 1) * DAY_SECONDS
    late = tomorrow_midnight + DAY_SECONDS - 30  # 23:59:30 UTC tomorrow
    clock = [float(late)]
    limiter = RateLimiter("post=2/day", REDIS_URL, clock=lambda: clock[0], key_prefix=prefix)
    try:
        assert await limiter.hit("post", "42") is None
        assert await limiter.hit("post", "42") is None
        refusal = await limiter.hit("post", "42")
        assert refusal is not None and refusal.retry_after == 30
        clock[0] = late + 31  # 00:00:01 the day after
        assert await limiter.hit("post", "42") is None
    finally:
        await limiter.close()
