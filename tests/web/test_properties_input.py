"""Properties through real HTTP: whatever a person or a script sends, the answer is a kind
4xx or the right thing stored — never a 500.

One database serves all of a property's examples (fresh per test function, as usual), rate
limits are off so the limiter doesn't answer in the input's place, and Hypothesis is seeded
with no example database, so a run is reproducible.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from starlette.applications import Starlette

from forum.app import create_app
from forum.forms import DISPLAY_NAME_MAX
from forum.models.accounts import User
from forum.usernames import USERNAME_MAX, normalise, username_key, username_problem

from ..conftest import BASE_URL, Client, make_settings
from ..factories import PASSWORD, make_story, make_user, sign_in_directly

HTTP_PROPERTY = settings(max_examples=30, deadline=None, derandomize=True, database=None,
                         suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                HealthCheck.too_slow])


@pytest.fixture
def unlimited_app(var_dir: Any, database_url: str, db: None) -> Starlette:
    quiet = make_settings(var_dir, database_url, FORUM_RATE_LIMITS="off",
                          FORUM_PAGE_CACHE_SECONDS="0")
    return create_app(quiet, manage_database=False, strict_templates=True)


@pytest.fixture
async def http(unlimited_app: Starlette) -> AsyncIterator[Client]:
    transport = httpx.ASGITransport(app=unlimited_app)
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as client:
        yield Client(http=client)


ODD = ["ß", "ﬀ", "İ", "\u0301", "\u202e", "\u200d", "\x00", "\x01", "\t", "\n", "\ufeff",
       "\uffff", "①", "²", "Ⅻ", "_", "-", " ", "@", "$", "𝒜", "ｱ", "\u00a0", "\ud800"]
texts = st.lists(st.one_of(st.characters(), st.sampled_from(ODD)), max_size=40).map("".join)


def _encoded(text: str) -> str:
    """Percent-encoded as sent, lone surrogates as the invalid UTF-8 bytes a client can send."""
    return quote(text.encode("utf-8", "surrogatepass"), safe="")


def _as_json(value: Any) -> bytes:
    """JSON as a script might send it: lone surrogates escaped, like json.dumps does."""
    return json.dumps(value).encode()


names = st.one_of(texts, st.from_regex(r"[A-Za-z0-9_ßﬀÀ-ÿ-]{1,34}", fullmatch=True))


@HTTP_PROPERTY
@given(name=names)
@example(name="Wren_Ölander")  # one that is surely stored, so that path is always run
@example(name="Großmutter_aus_Weißenfels_123")
async def test_any_username_is_refused_kindly_or_stored_by_the_rules(http, name):
    response = await http.api("POST", "/api/v1/accounts", content=_as_json(
        {"username": name, "password": PASSWORD}), headers={"content-type": "application/json"})
    assert response.status_code in (201, 409, 422), response.text
    if response.status_code != 201:
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["detail"]
        return
    stored = await User.get(username_key=username_key(name))
    assert stored.username == normalise(name)
    assert username_problem(stored.username) is None
    assert len(stored.username_key) <= USERNAME_MAX
    profile = await http.get(f"/api/v1/users/{stored.username}")
    assert profile.status_code == 200
    assert profile.json()["username"] == stored.username
    token = await http.api("POST", "/api/v1/tokens",
                           json={"username": name, "password": PASSWORD})
    assert token.status_code == 201


@HTTP_PROPERTY
@given(display_name=texts)
@example(display_name="  Wren \u202eÖ  ")
@example(display_name="Wren\tÖlander")
async def test_any_display_name_is_refused_kindly_or_stored_by_the_rules(http, display_name):
    if not hasattr(http, "member_token"):
        http.member_token = await sign_in_directly(await make_user("display_names"), api=True)
    response = await http.http.patch(
        "/api/v1/me", content=_as_json({"display_name": display_name}),
        headers={"content-type": "application/json",
                 "authorization": f"Bearer {http.member_token}"})
    assert response.status_code in (200, 422), response.text
    if response.status_code == 422:
        assert "display_name" in response.json()["errors"]
        return
    shown = response.json()["display_name"]
    assert len(shown) <= DISPLAY_NAME_MAX
    assert shown == shown.strip()
    assert not any(unicodedata.category(ch) in ("Cc", "Cs") for ch in shown), repr(shown)
    assert "\u202e" not in shown
    again = await http.http.get("/api/v1/me",
                                headers={"authorization": f"Bearer {http.member_token}"})
    assert again.json()["display_name"] == shown


PAGED = ["/c/small-wins", "/stories/{thread}", "/api/v1/categories/small-wins/stories",
         "/api/v1/needs-reply", "/api/v1/search?q=words"]
paging_values = st.one_of(texts, st.integers().map(str), st.sampled_from(
    ["1", "01", "0", "-1", "1.0", "1e3", " 1", "1 ", "+1", "0x10", "999999", "1000000",
     "9" * 30, "１", "²", "٣", "", "1&page=2"]))


@settings(HTTP_PROPERTY, max_examples=20)
@given(page=paging_values, per_page=paging_values)
async def test_any_page_or_per_page_is_a_page_or_a_kind_400(http, page, per_page):
    if not hasattr(http, "thread"):
        http.thread = (await make_story(await make_user("paging_author"))).thread_id
    for url in PAGED:
        query = f"page={_encoded(page)}&per_page={_encoded(per_page)}"
        joiner = "&" if "?" in url else "?"
        response = await http.get(url.format(thread=http.thread) + joiner + query)
        assert response.status_code in (200, 400, 404), (url, response.status_code)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | texts,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts, inner, max_size=4),
    max_leaves=12)
FIELDS = ["username", "password", "email", "title", "body", "category", "reply_to",
          "content_warnings", "anonymous", "submission_id", "display_name", "bio", "country",
          "expand_warnings", "text", "reason", "note", "current_password", "new_password",
          "posts", "website", "name"]
json_bodies = st.one_of(json_values, st.dictionaries(st.sampled_from(FIELDS), json_values,
                                                     max_size=6))


@settings(HTTP_PROPERTY, max_examples=20)
@given(body=json_bodies)
async def test_any_json_body_to_any_json_endpoint_is_answered_without_a_500(http, body):
    if not hasattr(http, "story"):
        author = await make_user("json_author")
        http.story = await make_story(author)
        http.author_token = await sign_in_directly(author, api=True)
    payload = json.dumps(body).encode()  # NaN and Infinity included, as Python sends them
    story = http.story
    replies = f"/api/v1/stories/{story.thread_id}/replies"
    endpoints = [("POST", "/api/v1/accounts"), ("POST", "/api/v1/tokens"),
                 ("POST", "/api/v1/stories"), ("POST", replies),
                 ("POST", "/api/v1/safety/check"), ("PATCH", f"/api/v1/posts/{story.id}")]
    signed_in = [("PATCH", "/api/v1/me"), ("POST", "/api/v1/stories"),
                 ("POST", replies), ("POST", f"/api/v1/posts/{story.id}/reports"),
                 ("PATCH", f"/api/v1/posts/{story.id}")]
    for token, calls in ((None, endpoints), (http.author_token, signed_in)):
        for method, url in calls:
            headers = {"content-type": "application/json"}
            if token:
                headers["authorization"] = f"Bearer {token}"
            response = await http.http.request(method, url, content=payload, headers=headers)
            assert response.status_code < 500, (method, url, response.text)
