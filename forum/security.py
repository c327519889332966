"""Protection on every request: security headers (HSTS on an https forum), redirects that
point at FORUM_BASE_URL, the body cap, CSRF."""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable
from urllib.parse import parse_qs, urlsplit, urlunsplit

from starlette.datastructures import URL, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from forum.numbers import whole_number
from forum.sessions import csrf_token

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)
SECURITY_HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "referrer-policy": "no-referrer",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
}
# Browsers that once saw an https page come back over https only, for a year, subdomains too.
# Sent only when FORUM_BASE_URL is https: over plain http it would be ignored at best.
HSTS_SECONDS = 365 * 24 * 3600
STRICT_TRANSPORT_SECURITY = f"max-age={HSTS_SECONDS}; includeSubDomains"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
# Unsafe requests that carry their own proof and act for nobody signed in: an email's signed
# one-click unsubscribe link (RFC 8058: the mail client POSTs it with no cookie, no token).
NO_TOKEN_PREFIXES = ("/unsubscribe/",)

ErrorPage = Callable[[Request, int, str | None], Awaitable[Response] | Response]


def apply_security_headers(headers: MutableHeaders, *, private: bool, path: str,
                           https: bool = False) -> None:
    for name, value in SECURITY_HEADERS.items():
        headers[name] = value
    if https:
        headers["strict-transport-security"] = STRICT_TRANSPORT_SECURITY
    if path.startswith("/static/"):
        return
    headers.add_vary_header("Cookie")
    if private:
        # A shared cache must never hand one person's page to another.
        headers["cache-control"] = "private, no-store"
    elif "cache-control" not in headers:
        headers["cache-control"] = "no-cache"


def on_base_url(location: str, scope: Scope, base_url: str) -> str:
    """A redirect's target with this site's scheme and host taken from FORUM_BASE_URL.

    Starlette writes some redirects (the trailing-slash one) as absolute URLs built from the
    request's Host header, which anyone can set: a cache or a link shared from such a reply
    would send readers elsewhere. A target naming the host the request claimed is rewritten
    to the base URL's; same-site paths and other sites' addresses are left as they are.
    """
    target = urlsplit(location)
    if not target.netloc or target.netloc != urlsplit(str(URL(scope=scope))).netloc:
        return location
    base = urlsplit(base_url)
    return urlunsplit((base.scheme, base.netloc, target.path, target.query, target.fragment))


class SecurityHeadersMiddleware:
    """The headers every response carries, and redirects kept on FORUM_BASE_URL."""

    def __init__(self, app: ASGIApp, *, base_url: str) -> None:
        self.app = app
        self.base_url = base_url
        self.https = base_url.startswith("https://")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                state = scope.get("state", {})
                private = bool(state.get("viewer") or state.get("csrf_used"))
                headers = MutableHeaders(scope=message)
                apply_security_headers(headers, private=private, path=scope["path"],
                                       https=self.https)
                if "location" in headers:
                    headers["location"] = on_base_url(headers["location"], scope,
                                                      self.base_url)
            await send(message)

        await self.app(scope, receive, send_with_headers)


DECLARED_SIZE_MAX = 10**18 - 1  # bytes; any longer Content-Length is not a real size
_BAD_LENGTH = "The request's Content-Length header isn't a whole number of bytes."


class BodyTooLarge(HTTPException):
    def __init__(self) -> None:
        super().__init__(413)


async def _respond(error_page: ErrorPage, request: Request, status: int, detail: str | None,
                   send: Send) -> None:
    response = error_page(request, status, detail)
    if not isinstance(response, Response):
        response = await response
    await response(request.scope, request.receive, send)


class BodyLimitMiddleware:
    """Answers 413 past the cap, whether the size is declared up front or streamed."""

    def __init__(self, app: ASGIApp, *, max_bytes: int, error_page: ErrorPage) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.error_page = error_page

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        declared = request.headers.get("content-length")
        size = whole_number(declared, low=0, high=DECLARED_SIZE_MAX) if declared else 0
        if size is None:
            await _respond(self.error_page, request, 400, _BAD_LENGTH, send)
            return
        if size > self.max_bytes:
            await _respond(self.error_page, request, 413, None, send)
            return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge()
            return message

        await self.app(scope, limited_receive, send)


class CSRFMiddleware:
    """Refuses unsafe requests that lack this person's CSRF token or come from another site.

    Forms (urlencoded) carry the token in a hidden field, scripts in the X-CSRF-Token header.
    API calls authenticated with a bearer token carry no ambient credentials and are exempt;
    API calls with no credentials at all (sign-up, token requests) act for nobody: exempt too.
    """

    def __init__(self, app: ASGIApp, *, secret: str, base_url: str, error_page: ErrorPage) -> None:
        self.app = app
        self.secret = secret
        self.base_origin = _origin(base_url)
        self.error_page = error_page

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in UNSAFE_METHODS:
            await self.app(scope, receive, send)
            return
        state = scope.setdefault("state", {})
        if scope["path"].startswith(NO_TOKEN_PREFIXES):
            await self.app(scope, receive, send)
            return
        is_api = scope["path"].startswith("/api/")
        if is_api and (state.get("auth_kind") == "bearer" or not state.get("session")):
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        if not self._same_origin(request):
            await _respond(self.error_page, request, 403, _CROSS_SITE, send)
            return
        try:
            body = await request.body()
        except BodyTooLarge:
            await _respond(self.error_page, request, 413, None, send)
            return
        sent = request.headers.get(CSRF_HEADER) or _form_token(request, body)
        expected = csrf_token(self.secret, state)
        if not sent or not hmac.compare_digest(sent.encode(), expected.encode()):
            await _respond(self.error_page, request, 403, _STALE_FORM, send)
            return
        await self.app(scope, _replay(body, receive), send)

    def _same_origin(self, request: Request) -> bool:
        """Fetch metadata first; the Origin header only for browsers that send none.

        With `Referrer-Policy: no-referrer` browsers send `Origin: null` even on same-origin
        form posts, so Origin alone cannot be trusted to be present and meaningful.
        """
        site = request.headers.get("sec-fetch-site")
        if site is not None:
            return site in ("same-origin", "none")
        origin = request.headers.get("origin")
        if origin is None or origin == "null":
            return True  # nothing to go on: the token alone decides
        own = f"{request.url.scheme}://{request.headers.get('host', '')}"
        return origin in (own, self.base_origin)


_CROSS_SITE = "This request came from another site, so it was refused to keep your account safe."
_STALE_FORM = (
    "This form had expired or was sent from somewhere else. Please go back, reload the "
    "page and try again — what you typed is still in your browser's back history."
)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _form_token(request: Request, body: bytes) -> str | None:
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("application/x-www-form-urlencoded"):
        try:
            values = parse_qs(body.decode("utf-8", "strict"), max_num_fields=200)
        except (UnicodeDecodeError, ValueError):
            return None
        tokens = values.get(CSRF_FIELD)
        return tokens[0] if tokens else None
    return None


def _replay(body: bytes, receive: Receive) -> Receive:
    """Hands the already-read body to the app once, then listens to the client as before."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
