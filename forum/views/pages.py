"""The about, guidelines and privacy pages, linked from every page's footer."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response

from forum.permissions import is_admin
from forum.queries.site import site_page
from forum.templating import render
from forum.web import viewer_of


def page(slug: str) -> Callable[[Request], Awaitable[Response]]:
    async def show(request: Request) -> Response:
        return render(request, "pages/page.html", {
            "page": await site_page(slug), "can_edit": is_admin(viewer_of(request))})

    show.__name__ = f"{slug}_page"
    return show


about = page("about")
guidelines = page("guidelines")
privacy = page("privacy")
