"""Crisis help, one click from every page, for the reader's region."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from forum.queries.resources import help_for
from forum.safety.resources import REGION_COOKIE, SHIPPED, known_region
from forum.templating import render
from forum.web import read_form, region_of, settings_of

REGION_COOKIE_DAYS = 365


async def help_now(request: Request) -> Response:
    return render(request, "help.html", {"help": await help_for(region_of(request)),
                                         "countries": SHIPPED.countries})


async def choose_region(request: Request) -> Response:
    """Remember the region chosen on /help (a cookie; nothing stored on our side)."""
    data = await read_form(request)
    region = known_region(str(data.get("region", "")))
    response = RedirectResponse("/help", status_code=303)
    if region:
        response.set_cookie(REGION_COOKIE, region, max_age=REGION_COOKIE_DAYS * 86400,
                            httponly=True, samesite="lax",
                            secure=settings_of(request).secure_cookies)
    return response
