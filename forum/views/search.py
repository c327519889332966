"""The search page: /search?q=&category=&page=.

Not served from the page cache: it answers per request (a rate limit per address, and crisis
resources for the reader's region when the words searched for sound like crisis).
"""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from forum.anonymity import author_view
from forum.models.accounts import User
from forum.queries.content import get_category_or_404, list_categories
from forum.queries.resources import help_for
from forum.queries.search import SearchHit, SearchPage, parse_query, search_posts
from forum.safety.crisis import CrisisLevel, detect
from forum.templating import render
from forum.views.stories import warning_text
from forum.web import client_address, enforce_rate_limit, page_param, region_of, viewer_of


def _result(hit: SearchHit, viewer: User | None) -> dict:
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


async def search(request: Request) -> Response:
    viewer = viewer_of(request)
    query = parse_query(request.query_params.get("q"))
    page = page_param(request)
    slug = request.query_params.get("category") or None
    crisis = detect(query.text).level if query.text else CrisisLevel.NONE
    context: dict = {
        "query": query.text,
        "category_slug": slug,
        "categories": await list_categories(),
        "help": (await help_for(region_of(request))
                 if crisis in (CrisisLevel.CONCERN, CrisisLevel.URGENT) else None),
        "results": [], "total": 0, "page": page, "pages": 1, "limited": None,
        "prev_url": None, "next_url": None,
    }
    if query.text:
        try:
            await enforce_rate_limit(request, "search", client_address(request))
        except HTTPException as exc:  # kept on the page, with any help it needs to show
            if exc.status_code != 429:
                raise
            limited = render(request, "search.html", {**context, "limited": exc.detail},
                             status_code=429)
            limited.headers.update(exc.headers or {})
            return limited
    category = await get_category_or_404(slug) if slug else None
    found: SearchPage = await search_posts(query, category=category, page=page)
    context.update(
        results=[_result(hit, viewer) for hit in found.hits], total=found.total,
        pages=found.pages,
        prev_url=_page_url(query.text, slug, page - 1) if page > 1 else None,
        next_url=_page_url(query.text, slug, page + 1) if page < found.pages else None,
    )
    return render(request, "search.html", context)
