"""Crisis help, one click from every page."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from forum.templating import render


async def help_now(request: Request) -> Response:
    return render(request, "help.html")
