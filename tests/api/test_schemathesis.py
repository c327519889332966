"""Schemathesis against the generated OpenAPI document, through the real ASGI app.

For every operation, requests generated from the document (derandomised, a few per
operation) go to the app as a visitor and as a member with a bearer token, over seeded
data so ids resolve. Every answer must be no server error, carry a documented status and
content type, and match its documented schema. Hypothesis runs in a worker thread and hands
each request to the test's event loop, where the database connections live.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from starlette.applications import Starlette

from forum.api.openapi import build_document
from forum.app import create_app
from forum.models.accounts import Role

from ..conftest import BASE_URL, make_settings
from ..factories import make_reply, make_story, make_user, sign_in_directly

EXAMPLES_PER_OPERATION = 6
REQUEST_TIMEOUT_SECONDS = 30
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance, response_headers_conformance]
# These end the member's own token or sessions: run them last, so the rest run signed in.
LAST = ("/api/v1/me/sessions/end", "/api/v1/tokens/current", "/api/v1/me/password")


@dataclass
class Seeded:
    """Ids that exist, and one that doesn't, for each kind of path parameter."""

    path_values: dict[str, list[Any]] = field(default_factory=dict)
    body_values: dict[str, list[Any]] = field(default_factory=dict)


@pytest.fixture
def fuzz_app(var_dir: Path, database_url: str, db: None) -> Starlette:
    """The app as in production, with rate limits off so generated requests reach handlers
    (429 is documented and checked by the rate-limit tests)."""
    return create_app(make_settings(var_dir, database_url, FORUM_RATE_LIMITS="off"),
                      manage_database=False, strict_templates=True)


async def seed() -> tuple[Seeded, Any]:
    writer = await make_user("linnet_writer")
    member = await make_user("heron_fuzz")
    story = await make_story(writer, title="A hard week")
    first = await make_reply(member, story)
    await make_reply(writer, story, body="Thank you for being here.")
    own = await make_story(member, title="Finding my feet")
    missing = 999_999
    return Seeded({
        "thread_id": [story.thread_id, own.thread_id, missing],
        "post_id": [first.id, story.id, own.id, missing],
        "word_id": [1, missing],
        "username": ["linnet_writer", "heron_fuzz", "nobody_here"],
        "slug": ["small-wins", "grief-loss", "no-such-place"],
    }, {
        "category": ["small-wins", "grief-loss"],
        "reply_to": [first.id, story.id, None],
    }), member


def _request_kwargs(kwargs: dict[str, Any]) -> dict[str, Any]:
    sent = {k: kwargs[k] for k in ("method", "url", "headers", "params", "json")
            if k in kwargs}
    if "data" in kwargs:
        sent["content"] = kwargs["data"]
    return sent


def fuzz(http: httpx.AsyncClient, loop: asyncio.AbstractEventLoop, seeded: Seeded,
         token: str | None) -> list[str]:
    """Runs in a worker thread: every operation, a few generated cases each."""
    schema = schemathesis.openapi.from_dict(build_document())
    operations = sorted((result.ok() for result in schema.get_all_operations()),
                        key=lambda op: (op.path in LAST, op.path, op.method))
    failures: list[str] = []
    auth = {"Authorization": f"Bearer {token}"} if token else {}

    def send(kwargs: dict[str, Any]) -> httpx.Response:
        future = asyncio.run_coroutine_threadsafe(http.request(**kwargs), loop)
        return future.result(timeout=REQUEST_TIMEOUT_SECONDS)

    for operation in operations:
        names = [p.name for p in operation.path_parameters]
        fixed = {n: st.sampled_from(seeded.path_values[n]) for n in names
                 if n in seeded.path_values}
        run = _property(operation, fixed, seeded.body_values, auth, send, failures)
        run()
    return failures


def _property(operation: Any, fixed: dict[str, Any], body_values: dict[str, list[Any]],
              auth: dict[str, str],
              send: Callable[[dict[str, Any]], httpx.Response],
              failures: list[str]) -> Callable[[], None]:
    @settings(max_examples=EXAMPLES_PER_OPERATION, derandomize=True, database=None,
              deadline=None, phases=[Phase.explicit, Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        values = {name: data.draw(strategy) for name, strategy in fixed.items()}
        case = data.draw(operation.as_strategy(path_parameters=values))
        if isinstance(case.body, dict):  # point most bodies at things that exist
            for name in body_values.keys() & case.body.keys():
                if data.draw(st.booleans()):
                    case.body[name] = data.draw(st.sampled_from(body_values[name]))
        kwargs = case.as_transport_kwargs(base_url=BASE_URL, headers=auth)
        response = send(_request_kwargs(kwargs))
        try:
            case.validate_response(response, checks=CHECKS, headers=kwargs["headers"])
        except FailureGroup as exc:
            label = f"{operation.method.upper()} {operation.path}"
            if not any(f.startswith(label + ":") for f in failures):  # the first one says it
                failures.append(f"{label}: {exc}")

    return run


async def _run(client_app: Starlette, token: str | None, seeded: Seeded) -> list[str]:
    transport = httpx.ASGITransport(app=client_app)
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as http:
        loop = asyncio.get_running_loop()
        return await asyncio.to_thread(fuzz, http, loop, seeded, token)


async def test_every_operation_answers_as_documented_to_a_visitor(fuzz_app):
    seeded, _ = await seed()
    failures = await _run(fuzz_app, None, seeded)
    assert not failures, "\n\n".join(failures)


async def test_every_operation_answers_as_documented_to_a_member_with_a_token(fuzz_app):
    seeded, member = await seed()
    token = await sign_in_directly(member, api=True)
    failures = await _run(fuzz_app, token, seeded)
    assert not failures, "\n\n".join(failures)


async def test_every_operation_answers_as_documented_to_a_moderator_with_a_token(fuzz_app):
    seeded, _ = await seed()
    moderator = await make_user("kestrel_fuzzmod", role=Role.MODERATOR)
    failures = await _run(fuzz_app, await sign_in_directly(moderator, api=True), seeded)
    assert not failures, "\n\n".join(failures)
