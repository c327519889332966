"""The caring page a writer sees after posting words that sound like crisis."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from forum.queries.content import get_post_or_404
from forum.queries.resources import help_for_words
from forum.templating import render
from forum.web import int_param, region_of, viewer_of


async def care_page(request: Request) -> Response:
    """Help for the writer's region, what their words touch first (grief and drinking: the
    crisis and alcohol lines before the domestic-abuse ones)."""
    post = await get_post_or_404(int_param(request, "post_id"), viewer_of(request))
    title = post.thread.title if post.is_story else ""
    return render(request, "care.html", {
        "post": post, "help": await help_for_words(region_of(request), title, post.body_md)})
