"""Help and care through the API: resources, stories waiting for a reply, the draft check."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from forum.actions.safety import check_draft
from forum.api.serialize import story_json
from forum.errors import problem
from forum.models.safety import CrisisResource
from forum.queries.content import needs_reply_page
from forum.queries.resources import resources_for_words
from forum.request_context import context_of
from forum.safety.crisis import CrisisLevel
from forum.safety.phones import format_number
from forum.safety.resources import COUNTRIES, INTL, SHIPPED, emergency_number, known_region
from forum.schemas.base import parse_input
from forum.schemas.community import DraftCheckIn
from forum.web import page_param, per_page_param, read_json, region_of, viewer_of


def resource_json(r: CrisisResource) -> dict[str, Any]:
    return {"name": r.name, "country": r.country, "topics": r.topics,
            "description": r.description, "phone": r.phone,
            "phone_display": (r.phone_display or format_number(r.phone, r.country)
                              if r.phone else None),
            "text": r.text_number,
            "text_display": format_number(r.text_number, r.country) if r.text_number else None,
            "text_keyword": r.text_keyword, "chat_url": r.chat_url,
            "website": r.website, "hours": r.hours, "languages": r.languages,
            "source": r.source, "last_verified": r.last_verified.isoformat()}


async def help_json(region: str, topic: str | None = None, texts: tuple[str, ...] = ()
                    ) -> dict[str, Any]:
    """The region's lines (those for what `texts` touch first), then the international ones."""
    found = await resources_for_words(region, *texts, topic=topic)
    return {"country": region, "emergency_number": emergency_number(region),
            "resources": [resource_json(r) for r in found]}


async def crisis_json(request: Request, level: str, *texts: str) -> dict[str, Any]:
    """The `crisis` object of posting responses: resources only when they may be needed,
    ordered by what the words touch when they are given."""
    if level == CrisisLevel.NONE:
        return {"level": level, "resources": []}
    found = await help_json(region_of(request), texts=texts)
    return {"level": level, "resources": found["resources"]}


async def resources(request: Request) -> Response:
    raw_country = request.query_params.get("country")
    region = known_region(raw_country) if raw_country else region_of(request)
    if raw_country and region is None:
        return problem(400, f"Use one of: {', '.join(COUNTRIES)}.")
    topic = request.query_params.get("topic") or None
    if topic and topic not in SHIPPED.topics:
        return problem(400, f"The topic must be one of: {', '.join(SHIPPED.topics)}.")
    return JSONResponse(await help_json(region or INTL, topic))


async def needs_reply(request: Request) -> Response:
    viewer = viewer_of(request)
    listing = await needs_reply_page(page_param(request), per_page_param(request))
    return JSONResponse({"stories": [story_json(s, viewer) for s in listing.stories],
                         "page": listing.page, "pages": listing.pages,
                         "per_page": listing.per_page, "total": listing.total})


async def check(request: Request) -> Response:
    """The composer's live check of a draft. Nothing is stored or logged."""
    data = parse_input(DraftCheckIn, await read_json(request))
    level = await check_draft(context_of(request), data)
    return JSONResponse(await crisis_json(request, level.value, data.text))
