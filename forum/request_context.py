"""The request -> the use-case `Context` (the one place handlers get it from)."""

from __future__ import annotations

from starlette.requests import Request

from forum.actions.context import Context
from forum.web import client_address, settings_of, viewer_of


def context_of(request: Request) -> Context:
    return Context(viewer=viewer_of(request), client=client_address(request),
                   settings=settings_of(request), limiter=request.app.state.rate_limiter)
