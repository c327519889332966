"""The search page: /search?q=&category=&page=.

Not served from the page cache: it answers per request (a rate limit per address, and crisis
resources for the reader's region when the words searched for sound like crisis).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response

from forum.actions.search import search as run_search
from forum.anonymity import author_view
from forum.forms import FormInvalid
from forum.models.accounts import User
from forum.queries.content import list_categories
from forum.queries.resources import help_for_words
from forum.queries.search import SearchHit, parse_query
from forum.request_context import context_of
from forum.safety.crisis import CrisisLevel
from forum.schemas.community import SearchIn
from forum.templating import render
from forum.views.stories import warning_text
from forum.web import page_param, region_of


def _result(hit: SearchHit, viewer: User | None) -> dict[str, Any]:
    thread = hit.post.thread
    warned = bool(thread.content_warnings or thread.content_warning_note)
    return {
        "hit": hit,
        "post": hit.post,
        "thread": thread,
        "author": author_view(hit.post, viewer),
        "url": f"/stories/{thread.id}" if hit.post.is_story else f"/posts/{hit.post.id}",
        # Out of context, a reply in a warned thread is as hard to meet as its story.
        "collapsed": warned and not (viewer is not None and viewer.expand_warnings),
        "warning_text": warning_text(thread) if warned else "",
    }


def _page_url(q: str, slug: str | None, page: int) -> str:
    params: dict[str, str | int] = {"q": q}
    if slug:
        params["category"] = slug
    if page > 1:
        params["page"] = page
    return "/search?" + urlencode(params)


def search_input(request: Request, per_page: int | None = None) -> SearchIn:
    """`?q=&category=&page=` (and the API's `per_page`) -> what to search for."""
    extra = {"per_page": per_page} if per_page is not None else {}
    return SearchIn(query=parse_query(request.query_params.get("q")),
                    category=request.query_params.get("category") or None,
                    page=page_param(request), **extra)


async def search(request: Request) -> Response:
    ctx, data = context_of(request), search_input(request)
    crisis = data.crisis_level
    context: dict[str, Any] = {
        "query": data.query.text,
        "category_slug": data.category,
        "categories": await list_categories(),
        "help": (await help_for_words(region_of(request), data.query.text)
                 if crisis in (CrisisLevel.CONCERN, CrisisLevel.URGENT) else None),
        "results": [], "total": 0, "page": data.page, "pages": 1, "limited": None,
        "prev_url": None, "next_url": None,
    }
    try:
        found = (await run_search(ctx, data)).found
    except FormInvalid as refused:  # kept on the page, with any help it needs to show
        limited = render(request, "search.html",
                         {**context, "limited": " ".join(refused.errors.values())},
                         status_code=refused.status_code)
        limited.headers.update(refused.headers)
        return limited
    q, slug, page = data.query.text, data.category, data.page
    context.update(
        results=[_result(hit, ctx.viewer) for hit in found.hits], total=found.total,
        pages=found.pages,
        prev_url=_page_url(q, slug, page - 1) if page > 1 else None,
        next_url=_page_url(q, slug, page + 1) if page < found.pages else None,
    )
    return render(request, "search.html", context)
