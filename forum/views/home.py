"""The front page and category pages."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from forum.anonymity import author_view
from forum.models.content import Post
from forum.queries.content import (
    category_story_cards,
    get_category_or_404,
    home_story_cards,
    list_categories,
    needs_reply_page,
)
from forum.queries.reading import list_annotations, list_columns, unread_counts
from forum.read_models import StoryCardRow
from forum.reader import hidden_from_lists
from forum.templating import render
from forum.views.reading import with_reading
from forum.web import page_param, viewer_of


async def story_cards(stories: Sequence[Post | StoryCardRow],
                      request: Request) -> list[dict[str, Any]]:
    """Cards for a list, leaving out stories whose warnings the member chose to hide, with
    the member's blocks (`list_columns` / `list_annotations`, in the list's own query) and
    unread counts (`unread_counts`, one more statement for a member)."""
    viewer = viewer_of(request)
    shown = [s for s in stories if not hidden_from_lists(viewer, s.thread)]
    unread = await unread_counts(viewer, [s.thread_id for s in shown])
    return with_reading([{"post": s, "thread": s.thread, "author": author_view(s, viewer)}
                         for s in shown], unread)


async def home(request: Request) -> Response:
    listing = await home_story_cards(reader_columns=list_columns(viewer_of(request)))
    categories = await list_categories()
    return render(request, "home.html",
                  {"stories": await story_cards(listing.stories, request),
                   "categories": categories,
                   "needs_reply": listing.needs_reply})


async def needs_reply(request: Request) -> Response:
    listing = await needs_reply_page(page_param(request),
                                     annotations=list_annotations(viewer_of(request)))
    return render(request, "needs_reply.html", {
        "stories": await story_cards(listing.stories, request),
        "page": listing.page, "pages": listing.pages,
    })


async def category(request: Request) -> Response:
    page = page_param(request)
    found = await get_category_or_404(request.path_params["slug"])
    listing = await category_story_cards(found, page,
                                         reader_columns=list_columns(viewer_of(request)))
    return render(request, "categories/detail.html", {
        "category": found,
        "stories": await story_cards(listing.stories, request),
        "page": listing.page,
        "pages": listing.pages,
    })
