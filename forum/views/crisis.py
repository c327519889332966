"""Crisis help, one click from every page, for the reader's region."""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from forum.queries.resources import help_for
from forum.safety.resources import COUNTRIES, REGION_COOKIE, known_region, region_choice
from forum.templating import render
from forum.web import read_form, settings_of, viewer_of

REGION_COOKIE_DAYS = 365


async def help_now(request: Request) -> Response:
    """`?region=CA` (what the chooser sends) wins over the profile's country, which wins over
    the chooser's cookie, which wins over a guess from the browser's language."""
    viewer = viewer_of(request)
    choice = region_choice(request.query_params.get("region"),
                           viewer.country if viewer else None,
                           request.cookies.get(REGION_COOKIE),
                           request.headers.get("accept-language"))
    return render(request, "help.html", {
        "help": await help_for(choice.region, suggested=choice.suggested),
        "countries": COUNTRIES, "choice": choice.source,
        "profile_country": known_region(viewer.country) if viewer else None})


async def choose_region(request: Request) -> Response:
    """Remember the region chosen on /help (a cookie; nothing stored on our side) and show it."""
    data = await read_form(request)
    region = known_region(str(data.get("region", "")))
    if region is None:
        return RedirectResponse("/help", status_code=303)
    response = RedirectResponse("/help?" + urlencode({"region": region}), status_code=303)
    response.set_cookie(REGION_COOKIE, region, max_age=REGION_COOKIE_DAYS * 86400,
                        httponly=True, samesite="lax", secure=settings_of(request).secure_cookies)
    return response
