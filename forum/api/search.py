"""Search through the API: GET /api/v1/search?q=&category=&page=&per_page=."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from forum.api.safety import crisis_json
from forum.api.serialize import post_json
from forum.forms import parse_page
from forum.queries.content import get_category_or_404
from forum.queries.search import MAX_PER_PAGE, RESULTS_PER_PAGE, parse_query, search_posts
from forum.safety.crisis import CrisisLevel, detect
from forum.web import client_address, enforce_rate_limit, page_param, viewer_of


def per_page_param(request: Request) -> int:
    raw = request.query_params.get("per_page")
    if raw is None or raw == "":
        return RESULTS_PER_PAGE
    per_page = parse_page(raw)
    if per_page is None or per_page > MAX_PER_PAGE:
        raise HTTPException(400, f"per_page must be a whole number from 1 to {MAX_PER_PAGE}.")
    return per_page


async def search(request: Request) -> Response:
    viewer = viewer_of(request)
    query = parse_query(request.query_params.get("q"))
    page, per_page = page_param(request), per_page_param(request)
    slug = request.query_params.get("category") or None
    if query.text:
        await enforce_rate_limit(request, "search", client_address(request))
    category = await get_category_or_404(slug) if slug else None
    found = await search_posts(query, category=category, page=page, per_page=per_page)
    level = detect(query.text).level if query.text else CrisisLevel.NONE
    return JSONResponse({
        "query": query.text,
        "results": [{"post": post_json(hit.post, viewer), "story_id": hit.post.thread_id,
                     "story_title": hit.post.thread.title,
                     "snippet_html": str(hit.snippet_html), "rank": round(hit.rank, 6)}
                    for hit in found.hits],
        "page": found.page,
        "pages": found.pages,
        "total": found.total,
        "crisis": await crisis_json(request, level.value),
    })
