"""Searching published posts: one use-case for the search page and the API."""

from __future__ import annotations

from dataclasses import dataclass

from forum.actions.context import Context, enforce_limit
from forum.models.content import Category
from forum.queries.content import get_category_or_404
from forum.queries.search import SearchPage, search_posts
from forum.reader import hidden_themes
from forum.schemas.community import SearchIn

TOO_MANY_SEARCHES = ("There were too many searches in a short time. Please try again in about "
                     "{wait}.")


@dataclass(frozen=True)
class Searched:
    found: SearchPage
    category: Category | None


async def search(ctx: Context, data: SearchIn) -> Searched:
    """One page of results. A search for something is limited per address (an empty one
    costs nothing); a refusal is a 429 that keeps the words searched for."""
    if data.query.text:
        await enforce_limit(ctx, "search", ctx.client, {"q": data.query.text},
                            TOO_MANY_SEARCHES)
    category = await get_category_or_404(data.category) if data.category else None
    found = await search_posts(data.query, category=category, page=data.page,
                               per_page=data.per_page, hidden_themes=hidden_themes(ctx.viewer))
    return Searched(found, category)
