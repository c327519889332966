"""Search through the API: GET /api/v1/search?q=&category=&page=&per_page=."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from forum.actions.search import search as run_search
from forum.api.safety import crisis_json
from forum.api.serialize import post_json
from forum.forms import parse_page
from forum.queries.search import MAX_PER_PAGE, RESULTS_PER_PAGE
from forum.request_context import context_of
from forum.views.search import search_input


def per_page_param(request: Request) -> int:
    raw = request.query_params.get("per_page")
    if raw is None or raw == "":
        return RESULTS_PER_PAGE
    per_page = parse_page(raw)
    if per_page is None or per_page > MAX_PER_PAGE:
        raise HTTPException(400, f"per_page must be a whole number from 1 to {MAX_PER_PAGE}.")
    return per_page


async def search(request: Request) -> Response:
    ctx, data = context_of(request), search_input(request, per_page_param(request))
    found = (await run_search(ctx, data)).found
    return JSONResponse({
        "query": data.query.text,
        "results": [{"post": post_json(hit.post, ctx.viewer), "story_id": hit.post.thread_id,
                     "story_title": hit.post.thread.title,
                     "snippet_html": str(hit.snippet_html)}
                    for hit in found.hits],
        "page": found.page,
        "pages": found.pages,
        "total": found.total,
        "crisis": await crisis_json(request, data.crisis_level.value, data.query.text),
    })
