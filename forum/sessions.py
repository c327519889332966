"""Server-side sessions: the cookie holds a random token, the database only its hash."""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import HTTPConnection, Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from forum.models.accounts import Role, Session, SessionKind, User
from forum.outage import database_unavailable, request_ledger
from forum.permissions import is_locked_out
from forum.queries.community import unread_count
from forum.queries.moderation import header_counts
from forum.sealed_side import sealed_side

log = logging.getLogger("forum")

SESSION_COOKIE = "hearth_session"
VISITOR_COOKIE = "hearth_visitor"  # binds a visitor's CSRF token before sign-in
WEB_SESSION_DAYS = 30
API_TOKEN_DAYS = 365
TOKEN_BYTES = 32
# Live sessions kept per account and kind (browsers signed in; API tokens): a new one past
# the cap ends the oldest.
LIVE_SESSIONS = {SessionKind.WEB: 20, SessionKind.API: 10}
# Paths that need no session at all: the same for everyone, and answered without the database.
NO_SESSION_PREFIXES = ("/static/", "/healthz", "/readyz")
# Pages that work while the database is down: served as to a visitor if the session can't
# be read (crisis help from the resources held in memory, its region chooser).
WITHOUT_DATABASE = frozenset({"/help", "/help/region", "/api/v1/resources"})


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def start_session(user: User, kind: SessionKind = SessionKind.WEB) -> str:
    """A fresh token on every sign-in; returns the token (never stored in the clear)."""
    token = new_token()
    days = WEB_SESSION_DAYS if kind is SessionKind.WEB else API_TOKEN_DAYS
    await Session.create(
        user=user,
        token_hash=hash_token(token),
        kind=kind,
        expires_at=datetime.now(UTC) + timedelta(days=days),
    )
    await _keep_newest(user.id, kind)
    return token


async def _keep_newest(user_id: int, kind: SessionKind) -> None:
    """At most LIVE_SESSIONS[kind] live sessions of a kind per account: the oldest end."""
    beyond = await Session.filter(user_id=user_id, kind=kind).order_by("-id").offset(
        LIVE_SESSIONS[kind]).values_list("id", flat=True)
    if beyond:
        await Session.filter(id__in=list(beyond)).delete()


async def end_session(token: str) -> None:
    await Session.filter(token_hash=hash_token(token)).delete()


async def end_all_sessions(user_id: int) -> int:
    return await Session.filter(user_id=user_id).delete()


async def session_for_token(token: str) -> Session | None:
    if not token or len(token) > 100:
        return None
    session = (
        await Session.filter(token_hash=hash_token(token), expires_at__gt=datetime.now(UTC))
        .select_related("user")
        .first()
    )
    if session is None:
        return None
    await sealed_side(session.user)  # limits set through an anonymous post count too
    if is_locked_out(session.user):
        return None  # a suspended or banned member's sessions stop working at once
    return session


def bearer_token(headers: Headers) -> str | None:
    value = headers.get("authorization", "")
    scheme, _, token = value.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


class ViewerMiddleware:
    """Puts the signed-in user (or None) on ``request.state.viewer`` — two queries per request
    (the session with its member, and the member's sealed side).

    Also sets the visitor cookie that CSRF tokens of signed-out people are bound to, when a
    page asked for one.

    While the database can't be reached, the pages in ``WITHOUT_DATABASE`` (crisis help) are
    served as to a visitor; every other request gets the outage page (503) at once, with the
    words of a form it carried given back. Around each request, what its use-cases commit is
    kept (``forum.outage``) for an error page to say.
    """

    def __init__(self, app: ASGIApp, *, secure_cookies: bool,
                 unavailable_page: Callable[..., Awaitable[Response]]) -> None:
        self.app = app
        self.secure_cookies = secure_cookies
        self.unavailable_page = unavailable_page

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state = scope.setdefault("state", {})
        if scope["path"].startswith(NO_SESSION_PREFIXES):
            state["viewer"] = None  # the same for everyone: no session lookup
            await self.app(scope, receive, send)
            return
        with request_ledger() as state["saved"]:
            conn = HTTPConnection(scope)
            try:
                await self._find_viewer(conn, state)
            except Exception as exc:
                if not database_unavailable(exc):
                    raise
                log.warning("database unavailable on %s %s (reading the session): %s",
                            scope["method"], scope["path"], type(exc).__name__)
                if scope["path"] not in WITHOUT_DATABASE:
                    page = await self.unavailable_page(Request(scope, receive), read_form=True)
                    await page(scope, receive, send)
                    return
                state.update(session=None, session_token=None, viewer=None,
                             database_down=True)
            state["visitor_id"] = conn.cookies.get(VISITOR_COOKIE) or None
            await self._serve(scope, receive, send, state)

    async def _find_viewer(self, conn: HTTPConnection, state: dict[str, Any]) -> None:
        token = bearer_token(conn.headers)
        state["auth_kind"] = "bearer" if token else "cookie"
        token = token or conn.cookies.get(SESSION_COOKIE, "")
        session = await session_for_token(token) if token else None
        if state["auth_kind"] == "bearer" and session is None:
            state["bad_bearer"] = True
        state["session"] = session
        state["session_token"] = token if session else None
        state["viewer"] = session.user if session else None
        if session and conn.scope["method"] == "GET" and not conn.url.path.startswith("/api/"):
            state["unread"] = await unread_count(session.user)  # the bell on every page
            if session.user.role in (Role.MODERATOR, Role.ADMIN):
                state["mod_counts"] = await header_counts()  # cached: no query most views

    async def _serve(self, scope: Scope, receive: Receive, send: Send,
                     state: dict[str, Any]) -> None:
        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start" and state.get("new_visitor_id"):
                headers = MutableHeaders(scope=message)
                cookie = (
                    f"{VISITOR_COOKIE}={state['new_visitor_id']}; Path=/; HttpOnly; "
                    "SameSite=Lax; Max-Age=86400"
                )
                headers.append("set-cookie", cookie + ("; Secure" if self.secure_cookies else ""))
            await send(message)

        await self.app(scope, receive, send_with_cookie)


def csrf_token(secret: str, scope_state: dict[str, Any]) -> str:
    """The CSRF token for this person: bound to their session, or to a visitor cookie.

    A page that carries one is personal, so it is marked for no shared cache to keep.
    """
    scope_state["csrf_used"] = True
    binding = scope_state.get("session_token")
    if not binding:
        binding = scope_state.get("visitor_id") or scope_state.get("new_visitor_id")
        if not binding:
            binding = scope_state["new_visitor_id"] = new_token()
            scope_state["visitor_id"] = binding
    return hmac.new(secret.encode(), f"csrf:{binding}".encode(), hashlib.sha256).hexdigest()
