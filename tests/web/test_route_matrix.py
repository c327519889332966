"""Every route × {visitor, member (the author), other member, moderator, admin}, and CSRF on
every unsafe route.

Adding a route without adding it here fails `test_every_route_is_in_the_matrix`. Moderators
and admins answer like the other member unless a row says otherwise.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from starlette.routing import Mount, Route

from forum.actions.posting import create_guest_reply
from forum.jobs.queue import enqueue
from forum.mail.unsubscribe import make_token
from forum.models.accounts import Role
from forum.models.content import Draft
from forum.models.jobs import Job, JobStatus
from forum.models.moderation import WatchedWord
from forum.models.safety import CrisisResource
from forum.queries.drafts import seal_draft
from forum.routes import routes
from forum.schemas.posting import ReplyIn

from ..factories import PASSWORD, make_reply, make_story, make_user

V, M, O, D, A = "visitor", "member", "other", "moderator", "admin"  # noqa: E741
PERSONAS = (V, M, O, D, A)
STAFF_ONLY = {V: 303, M: 403, O: 403, D: 200, A: 200}  # pages under /mod
STAFF_POST = {V: 401, M: 403, O: 403, D: 303, A: 303}  # forms under /mod
STAFF_API = {V: 401, M: 403, O: 403, D: 200, A: 200}  # /api/v1/mod
ADMIN_ONLY = {V: 303, M: 403, O: 403, D: 403, A: 200}  # pages under /admin
ADMIN_POST = {V: 401, M: 403, O: 403, D: 403, A: 303}  # forms under /admin
RESOURCE = {"name": "Test line", "country": "GB", "topics": "crisis",
            "source": "https://example.org", "enabled": "1"}

# (method, path template, body, {persona: expected status})
MATRIX: list[tuple[str, str, dict[str, Any] | None, dict[str, int]]] = [
    ("GET", "/", None, {V: 200, M: 200, O: 200}),
    ("GET", "/help", None, {V: 200, M: 200, O: 200}),
    ("GET", "/healthz", None, {V: 200, M: 200, O: 200}),
    ("GET", "/readyz", None, {V: 200, M: 200, O: 200}),
    ("GET", "/c/{slug}", None, {V: 200, M: 200, O: 200}),
    ("GET", "/stories/new", None, {V: 303, M: 200, O: 200}),
    ("POST", "/stories/new", {"category": "small-wins", "title": "T", "body": "B"},
     {V: 401, M: 303, O: 303}),
    ("GET", "/stories/{thread_id}", None, {V: 200, M: 200, O: 200}),
    ("POST", "/stories/{thread_id}/replies", {"body": "Thinking of you."},
     {V: 401, M: 303, O: 303}),
    ("GET", "/stories/{thread_id}/reply", None, {V: 303, M: 200, O: 200}),
    ("GET", "/posts/{post_id}", None, {V: 303, M: 303, O: 303}),
    ("GET", "/posts/{post_id}/edit", None, {V: 303, M: 200, O: 403}),
    ("POST", "/posts/{post_id}/edit", {"body": "Changed."}, {V: 401, M: 303, O: 403}),
    ("GET", "/posts/{post_id}/delete", None, {V: 303, M: 200, O: 403}),
    ("POST", "/posts/{post_id}/delete", {}, {V: 401, M: 303, O: 403}),
    ("GET", "/signup", None, {V: 200, M: 200, O: 200}),
    ("POST", "/signup", {"username": "newcomer", "password": "kettle orchard lantern"},
     {V: 200, M: 200, O: 200}),  # signed in on the page showing the recovery codes
    ("GET", "/signin", None, {V: 200, M: 200, O: 200}),
    ("POST", "/signin", {"username": "nobody", "password": "wrong password here"},
     {V: 422, M: 422, O: 422}),
    ("POST", "/signout", {}, {V: 303, M: 303, O: 303}),
    ("GET", "/account", None, {V: 303, M: 200, O: 200}),
    ("POST", "/account", {"display_name": "Someone"}, {V: 401, M: 303, O: 303}),
    ("POST", "/account/password", {"current_password": "x", "new_password": "y"},
     {V: 401, M: 422, O: 422}),
    ("POST", "/account/sessions/end", {}, {V: 401, M: 303, O: 303}),
    ("GET", "/password-reset", None, {V: 200, M: 200, O: 200}),
    ("POST", "/password-reset", {"email": "nobody@example.org"}, {V: 200, M: 200, O: 200}),
    ("GET", "/password-reset/code", None, {V: 200, M: 200, O: 200}),
    ("GET", "/password-reset/confirm", None, {V: 410, M: 410, O: 410}),  # no token: no link
    ("POST", "/password-reset/confirm", {"token": "x" * 43, "password": "kettle orchard lantern"},
     {V: 410, M: 410, O: 410}),
    ("GET", "/account/verify-email", None, {V: 410, M: 410, O: 410}),
    ("POST", "/account/verify-email", {"token": "x" * 43}, {V: 410, M: 410, O: 410}),
    ("POST", "/account/verify-email/resend", {}, {V: 401, M: 409, O: 409}),  # no address
    ("POST", "/account/recovery-codes", {"password": PASSWORD}, {V: 401, M: 200, O: 200}),
    ("POST", "/api/v1/password-reset", {"email": "nobody@example.org"},
     {V: 202, M: 202, O: 202}),
    ("POST", "/api/v1/password-reset/confirm",
     {"token": "x" * 43, "password": "kettle orchard lantern"}, {V: 410, M: 410, O: 410}),
    ("POST", "/api/v1/email-verification", {"token": "x" * 43}, {V: 410, M: 410, O: 410}),
    ("POST", "/api/v1/me/email-verification", None, {V: 401, M: 409, O: 409}),
    ("POST", "/api/v1/me/recovery-codes", {"password": PASSWORD}, {V: 401, M: 201, O: 201}),
    ("GET", "/account/email", None, {V: 303, M: 200, O: 200}),
    ("POST", "/account/email", {"mail_mention": "none"}, {V: 401, M: 303, O: 303}),
    # The owner's signed unsubscribe link: anyone holding it may use it, signed in or not.
    ("GET", "/unsubscribe/{link}", None, {V: 200, M: 200, O: 200}),
    ("POST", "/unsubscribe/{link}", {}, {V: 200, M: 200, O: 200}),
    ("GET", "/api/v1/me/mail-preferences", None, {V: 401, M: 200, O: 200}),
    ("PUT", "/api/v1/me/mail-preferences", {"choices": {"mention": "none"}},
     {V: 401, M: 200, O: 200}),
    ("POST", "/api/v1/accounts", {"username": "apinew", "password": "kettle orchard lantern"},
     {V: 201, M: 201, O: 201}),
    ("POST", "/api/v1/tokens", {"username": "owner", "password": PASSWORD},
     {V: 201, M: 201, O: 201}),
    ("DELETE", "/api/v1/tokens/current", None, {V: 401, M: 204, O: 204}),
    ("GET", "/api/v1/me", None, {V: 401, M: 200, O: 200}),
    ("PATCH", "/api/v1/me", {"bio": "Hi"}, {V: 401, M: 200, O: 200}),
    ("POST", "/api/v1/me/password", {"current_password": "x", "new_password": "y"},
     {V: 401, M: 422, O: 422}),
    ("POST", "/api/v1/me/sessions/end", None, {V: 401, M: 204, O: 204}),
    ("GET", "/api/v1/categories", None, {V: 200, M: 200, O: 200}),
    ("GET", "/api/v1/categories/{slug}/stories", None, {V: 200, M: 200, O: 200}),
    # Small Wins takes guest posts: a visitor's story or reply is held (202).
    ("POST", "/api/v1/stories", {"category": "small-wins", "title": "T", "body": "B"},
     {V: 202, M: 201, O: 201}),
    ("GET", "/api/v1/stories/{thread_id}", None, {V: 200, M: 200, O: 200}),
    ("POST", "/api/v1/stories/{thread_id}/replies", {"body": "With you."},
     {V: 202, M: 201, O: 201}),
    ("PATCH", "/api/v1/posts/{post_id}", {"body": "Edited."}, {V: 401, M: 200, O: 403}),
    ("DELETE", "/api/v1/posts/{post_id}", None, {V: 401, M: 204, O: 403}),
    ("GET", "/api/v1/openapi.json", None, {V: 200, M: 200, O: 200}),
    ("GET", "/static/{path}", None, {V: 200, M: 200, O: 200}),
    ("GET", "/posts/{post_id}/report", None, {V: 303, M: 403, O: 200}),
    ("POST", "/posts/{post_id}/report", {"reason": "spam"}, {V: 401, M: 403, O: 303}),
    ("POST", "/api/v1/posts/{post_id}/reports", {"reason": "spam"}, {V: 401, M: 403, O: 201}),
    ("GET", "/account/posts", None, {V: 303, M: 200, O: 200}),
    ("POST", "/help/region", {"region": "GB"}, {V: 303, M: 303, O: 303}),
    ("GET", "/needs-reply", None, {V: 200, M: 200, O: 200}),
    ("GET", "/search", None, {V: 200, M: 200, O: 200}),
    ("GET", "/care/{post_id}", None, {V: 200, M: 200, O: 200}),
    ("GET", "/account/preferences", None, {V: 303, M: 200, O: 200}),
    ("POST", "/account/preferences", {"notify_mention": "1"}, {V: 401, M: 303, O: 303}),
    ("GET", "/account/data", None, {V: 303, M: 200, O: 200}),
    ("POST", "/account/export", {"password": PASSWORD}, {V: 401, M: 200, O: 200}),
    ("POST", "/account/delete", {"password": PASSWORD, "posts": "keep"},
     {V: 401, M: 200, O: 200}),
    ("GET", "/notifications", None, {V: 303, M: 200, O: 200}),
    ("POST", "/notifications/read", {}, {V: 401, M: 303, O: 303}),
    ("GET", "/u/{username}", None, {V: 200, M: 200, O: 200}),
    ("POST", "/posts/{post_id}/reactions/{kind}", {}, {V: 401, M: 403, O: 303}),
    ("POST", "/stories/{thread_id}/follow", {}, {V: 401, M: 303, O: 303}),
    ("POST", "/stories/{thread_id}/read", {"post_id": "1"}, {V: 401, M: 303, O: 303}),
    ("POST", "/posts/{post_id}/bookmark", {}, {V: 401, M: 303, O: 303}),
    ("GET", "/bookmarks", None, {V: 303, M: 200, O: 200}),
    ("GET", "/account/blocks", None, {V: 303, M: 200, O: 200}),
    # {username} is "other": the other member cannot block themselves.
    ("POST", "/blocks", {"username": "other"}, {V: 401, M: 303, O: 403, D: 303, A: 303}),
    ("POST", "/api/v1/stories/{thread_id}/read", {"post_id": 1}, {V: 401, M: 200, O: 200}),
    ("PUT", "/api/v1/posts/{post_id}/bookmark", None, {V: 401, M: 200, O: 200}),
    ("DELETE", "/api/v1/posts/{post_id}/bookmark", None, {V: 401, M: 200, O: 200}),
    ("GET", "/api/v1/me/bookmarks", None, {V: 401, M: 200, O: 200}),
    ("GET", "/api/v1/me/blocks", None, {V: 401, M: 200, O: 200}),
    ("PUT", "/api/v1/me/blocks/{username}", None, {V: 401, M: 200, O: 403, D: 200, A: 200}),
    ("DELETE", "/api/v1/me/blocks/{username}", None, {V: 401, M: 200, O: 200}),
    ("GET", "/feeds/latest.atom", None, {V: 200, M: 200, O: 200}),
    ("GET", "/c/{slug}/feed.atom", None, {V: 200, M: 200, O: 200}),
    ("DELETE", "/api/v1/me", {"password": PASSWORD, "keep_posts": True},
     {V: 401, M: 200, O: 200}),
    ("GET", "/api/v1/me/export", None, {V: 401, M: 403, O: 403}),
    ("GET", "/api/v1/me/notifications", None, {V: 401, M: 200, O: 200}),
    ("POST", "/api/v1/me/notifications/read", None, {V: 401, M: 200, O: 200}),
    ("GET", "/api/v1/users/{username}", None, {V: 200, M: 200, O: 200}),
    ("PUT", "/api/v1/posts/{post_id}/reactions/{kind}", None, {V: 401, M: 403, O: 200}),
    ("DELETE", "/api/v1/posts/{post_id}/reactions/{kind}", None, {V: 401, M: 403, O: 200}),
    ("PUT", "/api/v1/stories/{thread_id}/follow", None, {V: 401, M: 200, O: 200}),
    ("DELETE", "/api/v1/stories/{thread_id}/follow", None, {V: 401, M: 200, O: 200}),
    ("GET", "/api/v1/resources", None, {V: 200, M: 200, O: 200}),
    ("GET", "/api/v1/needs-reply", None, {V: 200, M: 200, O: 200}),
    ("GET", "/api/v1/search", None, {V: 200, M: 200, O: 200}),
    ("POST", "/api/v1/safety/check", {"text": "a hard day"}, {V: 200, M: 200, O: 200}),
    ("POST", "/stories/new/draft", {"title": "Half a title"}, {V: 401, M: 303, O: 303}),
    ("POST", "/stories/new/preview", {"body": "**hi**"}, {V: 401, M: 200, O: 200}),
    ("POST", "/stories/{thread_id}/reply/draft", {"body": "Thinking"}, {V: 401, M: 303, O: 303}),
    ("POST", "/stories/{thread_id}/reply/preview", {"body": "x"}, {V: 401, M: 200, O: 200}),
    ("POST", "/posts/{post_id}/edit/preview", {"body": "x"}, {V: 401, M: 200, O: 403}),
    ("POST", "/guest/new/preview", {"body": "x"}, {V: 200, M: 303, O: 303}),
    ("POST", "/stories/{thread_id}/guest-reply/preview", {"body": "x"},
     {V: 200, M: 200, O: 200}),
    ("GET", "/drafts", None, {V: 303, M: 200, O: 200}),
    ("POST", "/drafts/{draft_id}/delete", {}, {V: 401, M: 303, O: 404}),
    ("GET", "/api/v1/me/drafts", None, {V: 401, M: 200, O: 200}),
    ("POST", "/api/v1/me/drafts", {"title": "Half a title"}, {V: 401, M: 200, O: 200}),
    ("GET", "/api/v1/me/drafts/{draft_id}", None, {V: 401, M: 200, O: 404}),
    ("DELETE", "/api/v1/me/drafts/{draft_id}", None, {V: 401, M: 204, O: 404}),
    ("POST", "/api/v1/preview", {"body": "x"}, {V: 200, M: 200, O: 200}),
    ("GET", "/admin/resources", None, ADMIN_ONLY),
    ("GET", "/admin/resources/new", None, ADMIN_ONLY),
    ("POST", "/admin/resources/new", RESOURCE, ADMIN_POST),
    ("GET", "/admin/resources/{resource_id}", None, ADMIN_ONLY),
    ("POST", "/admin/resources/{resource_id}", RESOURCE, ADMIN_POST),
    ("POST", "/admin/resources/{resource_id}/verify", {}, ADMIN_POST),
    ("POST", "/admin/resources/{resource_id}/enable", {"enabled": "0"}, ADMIN_POST),
    ("GET", "/about", None, {V: 200, M: 200, O: 200}),
    ("GET", "/guidelines", None, {V: 200, M: 200, O: 200}),
    ("GET", "/privacy", None, {V: 200, M: 200, O: 200}),
    ("GET", "/admin/categories", None, ADMIN_ONLY),
    ("GET", "/admin/categories/new", None, ADMIN_ONLY),
    ("POST", "/admin/categories/new", {"name": "New place", "slug": "new-place"}, ADMIN_POST),
    ("GET", "/admin/categories/{slug}", None, ADMIN_ONLY),
    ("POST", "/admin/categories/{slug}", {"name": "Small Wins", "allow_guests": "1"},
     ADMIN_POST),
    ("POST", "/admin/categories/{slug}/move", {"direction": "up"}, ADMIN_POST),
    # Small Wins holds the owner's story: it is not deleted (409, said kindly).
    ("POST", "/admin/categories/{slug}/delete", {}, {**ADMIN_POST, A: 409}),
    ("GET", "/admin/site", None, ADMIN_ONLY),
    ("POST", "/admin/site", {"name": "Hearth", "description": "A kind place.",
                             "review_wait": "within a day"}, ADMIN_POST),
    ("GET", "/admin/pages/{page}", None, ADMIN_ONLY),
    ("POST", "/admin/pages/{page}", {"body": "About us."}, ADMIN_POST),
    ("GET", "/admin/jobs", None, ADMIN_ONLY),
    ("POST", "/admin/jobs/{job_id}/retry", {}, ADMIN_POST),
    ("GET", "/guest/new", None, {V: 200, M: 303, O: 303}),
    ("POST", "/guest/new", {"category": "small-wins", "title": "T", "body": "B"},
     {V: 201, M: 201, O: 201}),
    ("GET", "/stories/{thread_id}/guest-reply", None, {V: 200, M: 200, O: 200}),
    ("POST", "/stories/{thread_id}/guest-reply", {"body": "Kind words"},
     {V: 201, M: 201, O: 201}),
    ("GET", "/manage/{token}", None, {V: 200, M: 200, O: 200}),
    ("POST", "/manage/{token}/edit", {"body": "Changed words"}, {V: 303, M: 303, O: 303}),
    ("GET", "/manage/{token}/delete", None, {V: 200, M: 200, O: 200}),
    ("POST", "/manage/{token}/delete", {"confirm": "yes"}, {V: 200, M: 200, O: 200}),
    ("GET", "/mod/", None, STAFF_ONLY),
    ("POST", "/mod/posts/{post_id}/author/{action}", {"reason": "Please be kind"}, STAFF_POST),
    ("POST", "/admin/posts/{post_id}/reveal", {"reason": "Safety", "password": PASSWORD},
     {**STAFF_POST, D: 403, A: 400}),
    ("POST", "/api/v1/mod/posts/{post_id}/author/{action}", {"reason": "Please be kind"},
     STAFF_API),
    ("POST", "/api/v1/admin/posts/{post_id}/reveal", {"reason": "Safety", "password": PASSWORD},
     {**STAFF_API, D: 403, A: 400}),
    ("GET", "/mod/posts/{post_id}", None, STAFF_ONLY),
    # The confirm pages ask only before destructive actions (reject, hide, delete, ban):
    # for "pin" / "warn" there is nothing to confirm.
    ("GET", "/mod/posts/{post_id}/{action}", None, {**STAFF_ONLY, D: 404, A: 404}),
    ("GET", "/mod/posts/{post_id}/author/{action}", None, {**STAFF_ONLY, D: 404, A: 404}),
    ("GET", "/mod/users/{username}/{action}", None, {**STAFF_ONLY, D: 404, A: 404}),
    ("GET", "/mod/people", None, STAFF_ONLY),
    ("POST", "/mod/", {"approve": "999999"}, {**STAFF_POST, D: 200, A: 200}),  # no such post
    ("POST", "/mod/posts/{post_id}/{action}", {}, STAFF_POST),
    ("GET", "/mod/users/{username}", None, STAFF_ONLY),
    ("POST", "/mod/users/{username}/{action}", {"reason": "Please be kind"}, STAFF_POST),
    ("GET", "/mod/log", None, STAFF_ONLY),
    ("GET", "/mod/words", None, STAFF_ONLY),
    ("POST", "/mod/words", {"pattern": "zzzz", "action": "flag"}, STAFF_POST),
    ("POST", "/mod/words/test", {"text": "hello"}, {**STAFF_POST, D: 200, A: 200}),
    ("POST", "/mod/words/{word_id}/delete", {}, STAFF_POST),
    ("POST", "/admin/users/{username}/role", {"role": "moderator"}, {**STAFF_POST, D: 403}),
    ("GET", "/api/v1/mod/queue", None, STAFF_API),
    ("POST", "/api/v1/mod/posts/{post_id}/{action}", {}, STAFF_API),
    ("POST", "/api/v1/mod/posts/bulk", {"action": "approve", "post_ids": [999999]}, STAFF_API),
    ("POST", "/api/v1/mod/users/{username}/{action}", {"reason": "Please be kind"}, STAFF_API),
    ("GET", "/api/v1/mod/audit", None, STAFF_API),
    ("GET", "/api/v1/mod/words", None, STAFF_API),
    ("POST", "/api/v1/mod/words", {"pattern": "zzzz", "action": "flag"},
     {**STAFF_API, D: 201, A: 201}),
    ("DELETE", "/api/v1/mod/words/{word_id}", None, {**STAFF_API, D: 204, A: 204}),
    ("POST", "/api/v1/admin/users/{username}/role", {"role": "moderator"},
     {**STAFF_API, D: 403}),
]


def expected_status(expected: dict[str, int], persona: str) -> int:
    return expected.get(persona, expected[O])


def app_routes(tree=routes, prefix: str = "") -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for route in tree:
        if isinstance(route, Mount) and route.routes:
            found |= app_routes(route.routes, prefix + route.path)
        elif isinstance(route, Mount):
            found.add(("GET", prefix + route.path + "/{path}"))
        elif isinstance(route, Route):
            for method in route.methods or ():
                if method != "HEAD":
                    found.add((method, prefix + route.path))
    return found


def _template(path: str) -> str:
    return re.sub(r"\{(\w+):\w+\}", r"{\1}", path)


def test_every_route_is_in_the_matrix():
    in_app = {(m, _template(p)) for m, p in app_routes()}
    in_matrix = {(m, p) for m, p, _, _ in MATRIX}
    assert in_app == in_matrix


@pytest.fixture
async def world(client_factory, settings):
    owner = await make_user("owner")
    other = await make_user("other")
    moderator = await make_user("kestrel", role=Role.MODERATOR)
    admin = await make_user("osprey", role=Role.ADMIN)
    story = await make_story(owner, title="Owner's story")
    reply = await make_reply(owner, story, "Owner's reply")
    word = await WatchedWord.create(pattern="watchme", action="flag")
    resource = await CrisisResource.filter(country="GB").first()
    guest = await create_guest_reply(story.thread, ReplyIn(body="A guest's kind words"))
    failed = await enqueue("crisis_alert", {"post_id": story.id, "level": "urgent"})
    await Job.filter(id=failed.id).update(status=JobStatus.FAILED)
    draft = await Draft.create(user_id=owner.id, sealed=seal_draft(owner.id, {"body": "Half"}))
    return {"draft_id": draft.id, "owner": owner, "other": other, "moderator": moderator,
            "admin": admin,
            "story": story, "reply": reply, "word": word, "make": client_factory,
            "guest_token": guest.manage_token, "resource_id": resource.id,
            "job_id": failed.id,
            "unsubscribe": make_token(settings, owner.id, ["mention"])}


async def persona_client(world, persona: str, api: bool):
    user = {V: None, M: world["owner"], O: world["other"], D: world["moderator"],
            A: world["admin"]}[persona]
    return await world["make"](user, api_token=api and user is not None)


def fill(path: str, world) -> str:
    return path.format(slug="small-wins", thread_id=world["story"].thread_id,
                       post_id=world["reply"].id, path="forum.css", username="other",
                       action="pin" if "/posts/" in path and "/author/" not in path
                       else "warn",
                       word_id=world["word"].id, token=world["guest_token"], kind="hug",
                       resource_id=world["resource_id"], job_id=world["job_id"], page="about",
                       link=world["unsubscribe"], draft_id=world["draft_id"])


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("method", "path", "body", "expected"), MATRIX,
                         ids=[f"{m} {p}" for m, p, _, _ in MATRIX])
async def test_route_answers_each_persona_as_expected(world, persona, method, path, body,
                                                      expected):
    is_api = path.startswith("/api/")
    client = await persona_client(world, persona, is_api)
    url = fill(path, world)
    if is_api:
        response = await client.api(method, url, json=body)
    elif method == "GET":
        response = await client.get(url)
    else:
        response = await client.post_form(url, body)
    assert response.status_code == expected_status(expected, persona), response.text[:500]
    if response.status_code >= 400 and is_api:
        assert response.headers["content-type"].startswith("application/problem+json")


# The one-click unsubscribe carries its own proof (a signed link) and is POSTed by mail
# clients with no cookie and no form token (RFC 8058): tests/mail/test_notification_mail.py.
TOKEN_FREE = {"/unsubscribe/{link}"}
UNSAFE = [(m, p, b) for m, p, b, _ in MATRIX
          if m in ("POST", "PUT", "PATCH", "DELETE") and p not in TOKEN_FREE]


@pytest.mark.parametrize(("method", "path", "body"), UNSAFE,
                         ids=[f"{m} {p}" for m, p, _ in UNSAFE])
async def test_unsafe_route_refuses_a_cookie_request_without_csrf_token(world, method, path,
                                                                         body):
    client = await persona_client(world, M, api=False)
    url = fill(path, world)
    if path.startswith("/api/"):
        response = await client.http.request(method, url, json=body)
    else:
        response = await client.http.request(method, url, data=body or {})
    assert response.status_code == 403
    assert "expired" in response.text or "another site" in response.text


# API calls with neither a cookie session nor a bearer token act for nobody, so only pages here.
UNSAFE_PAGES = [(m, p, b) for m, p, b in UNSAFE if not p.startswith("/api/")]


@pytest.mark.parametrize(("method", "path", "body"), UNSAFE_PAGES,
                         ids=[f"{m} {p}" for m, p, _ in UNSAFE_PAGES])
async def test_unsafe_page_refuses_a_visitor_without_csrf_token(world, method, path, body):
    client = await persona_client(world, V, api=False)
    response = await client.http.request(method, fill(path, world), data=body or {})
    assert response.status_code == 403


async def test_cross_site_form_post_is_refused_even_with_a_valid_token(world):
    client = await persona_client(world, M, api=False)
    token = await client.csrf()
    for headers in ({"Origin": "https://evil.example"}, {"Sec-Fetch-Site": "cross-site"},
                    {"Sec-Fetch-Site": "same-site"},
                    {"Origin": "null", "Sec-Fetch-Site": "cross-site"}):
        response = await client.http.post(
            f"/stories/{world['story'].thread_id}/replies",
            data={"csrf_token": token, "body": "forged"}, headers=headers)
        assert response.status_code == 403, headers
    same = await client.http.post(
        f"/stories/{world['story'].thread_id}/replies",
        data={"csrf_token": token, "body": "real"},
        headers={"Origin": "http://127.0.0.1:8000", "Sec-Fetch-Site": "same-origin"})
    assert same.status_code == 303


async def test_browser_form_post_with_origin_null_under_no_referrer_is_accepted(world):
    # Chromium sends `Origin: null` on same-origin form posts when the page's referrer policy
    # is no-referrer; Sec-Fetch-Site still says same-origin.
    client = await persona_client(world, M, api=False)
    response = await client.http.post(
        f"/stories/{world['story'].thread_id}/replies",
        data={"csrf_token": await client.csrf(), "body": "from a real browser"},
        headers={"Origin": "null", "Sec-Fetch-Site": "same-origin", "Sec-Fetch-Mode": "navigate"})
    assert response.status_code == 303


async def test_cookie_authenticated_api_call_works_with_the_csrf_header(world):
    client = await persona_client(world, M, api=False)
    token = await client.csrf()
    response = await client.http.patch("/api/v1/me", json={"bio": "from a script"},
                                       headers={"X-CSRF-Token": token})
    assert response.status_code == 200
    assert response.json()["bio"] == "from a script"


STAFF_PREFIXES = ("/mod/", "/admin/", "/api/v1/mod/", "/api/v1/admin/")
ADMIN_PREFIXES = ("/admin/", "/api/v1/admin/")


@pytest.mark.parametrize("persona", [V, M])
async def test_no_route_under_the_staff_areas_answers_a_member_or_visitor(world, persona):
    """Structure, not discipline: a new handler under /mod or /admin is guarded by its mount."""
    staff = sorted((m, p) for m, p in app_routes() if p.startswith(STAFF_PREFIXES))
    assert len(staff) >= 18
    for method, path in staff:
        is_api = path.startswith("/api/")
        client = await persona_client(world, persona, is_api)
        url = fill(_template(path), world).replace("{", "").replace("}", "")
        if is_api:
            response = await client.api(method, url, json={})
        elif method == "GET":
            response = await client.get(url)
        else:
            response = await client.post_form(url, {})
        refused = {V: (401, 303), M: (403,)}[persona]
        assert response.status_code in refused, (method, path, response.status_code)


async def test_no_route_under_the_admin_areas_answers_a_moderator(world):
    admin_only = sorted((m, p) for m, p in app_routes() if p.startswith(ADMIN_PREFIXES))
    assert len(admin_only) >= 8
    for method, path in admin_only:
        is_api = path.startswith("/api/")
        client = await persona_client(world, D, is_api)
        url = fill(_template(path), world)
        if is_api:
            response = await client.api(method, url, json={})
        elif method == "GET":
            response = await client.get(url)
        else:
            response = await client.post_form(url, {})
        assert response.status_code == 403, (method, path)
