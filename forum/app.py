"""create_app(settings) -> Starlette: assembly only — routes, middleware, lifespan, errors."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from tortoise.contrib.starlette import RegisterTortoise

from forum import errors, sealing
from forum.db import check_sqlite_pragmas, tortoise_config
from forum.forms import FormInvalid
from forum.jobs.runner import JobRunner
from forum.key_location import startup_refusal
from forum.outage import HANDLED_ERRORS
from forum.pagecache import PageCache
from forum.passwords import use_fast_hashing
from forum.queries.resources import remember_all_at_start
from forum.queries.site import SiteIdentityHolder, keep_identity_fresh
from forum.ratelimit import RateLimiter
from forum.routes import routes
from forum.security import BodyLimitMiddleware, CSRFMiddleware, SecurityHeadersMiddleware
from forum.sessions import ViewerMiddleware
from forum.settings import BODY_LIMIT_BYTES, Settings, SettingsError
from forum.templating import make_templates


async def form_invalid(request: Request, exc: Exception) -> Response:
    """Forms that fail validation: HTML views catch this themselves; the API answers 422."""
    assert isinstance(exc, FormInvalid)
    if exc.status_code != 422:
        response = errors.problem(exc.status_code, " ".join(exc.errors.values()))
    else:
        response = errors.problem(422, "Some fields need another look: " + str(exc),
                                  errors=exc.errors)
    response.headers.update(exc.headers)
    return response


def _clear_page_cache(app: Starlette) -> Callable[[], None]:
    """Pages rendered with the old site name must not be served again."""
    def clear() -> None:
        if app.state.page_cache is not None:
            app.state.page_cache.clear()
    return clear


def create_app(settings: Settings, *, manage_database: bool = True,
               strict_templates: bool = False) -> Starlette:
    """The forum. ``manage_database=False`` leaves ORM set-up to the caller (tests).
    SettingsError: a real (https) deployment keeps the anonymity key beside the data."""

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            if not manage_database:
                yield
                return
            async with RegisterTortoise(app, config=tortoise_config(settings.database_url)):
                await check_sqlite_pragmas()
                # Crisis help held in memory, for /help while the database is unreachable.
                await remember_all_at_start()
                # The site's name and description, on every page (forum.queries.site).
                await app.state.site_identity.refresh()
                identity_task = asyncio.create_task(keep_identity_fresh(
                    app.state.site_identity, _clear_page_cache(app)))
                runner = JobRunner(settings) if settings.run_jobs else None
                if runner is not None:
                    runner.start()
                try:
                    yield
                finally:
                    identity_task.cancel()
                    if runner is not None:
                        await runner.stop()
        finally:
            await app.state.rate_limiter.close()

    if refusal := startup_refusal(settings):
        raise SettingsError(refusal)
    use_fast_hashing(settings.password_hashing == "fast")
    sealing.configure(settings.anonymity_secret)
    secret = settings.secret_key.get_secret_value()
    app = Starlette(
        debug=settings.debug,
        routes=routes,
        middleware=[
            Middleware(SecurityHeadersMiddleware, base_url=settings.base_url),
            Middleware(BodyLimitMiddleware, max_bytes=BODY_LIMIT_BYTES,
                       error_page=errors.error_response),
            Middleware(ViewerMiddleware, secure_cookies=settings.secure_cookies,
                       unavailable_page=errors.unavailable_response),
            Middleware(CSRFMiddleware, secret=secret, base_url=settings.base_url,
                       error_page=errors.error_response),
        ],
        exception_handlers={
            HTTPException: errors.http_exception,
            FormInvalid: form_invalid,
            # The database unreachable: 503 with Retry-After (other errors of these kinds
            # go on to the 500 page).
            **dict.fromkeys(HANDLED_ERRORS, errors.database_down),
            500: errors.server_error,
        },
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.site_identity = SiteIdentityHolder()
    app.state.templates = make_templates(settings, strict=strict_templates)
    app.state.page_cache = (
        PageCache(ttl=settings.page_cache_seconds) if settings.page_cache_seconds else None
    )
    app.state.rate_limiter = RateLimiter(
        settings.rate_limits,
        settings.redis_url.get_secret_value() if settings.redis_url else None,
    )
    return app
