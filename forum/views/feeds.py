"""Atom feeds of the latest stories, for the forum and per category.

Authors appear as readers see them (`author_view`: anonymous and guest authors by
pseudonym); a story with content warnings carries only the warning, never its words.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from jinja2 import Environment
from starlette.requests import Request
from starlette.responses import Response

from forum.anonymity import author_view
from forum.clock import iso_time
from forum.models.content import Post
from forum.queries.content import category_stories, get_category_or_404, latest_stories
from forum.templating import site_name
from forum.views.stories import warning_text
from forum.web import settings_of

ATOM = "application/atom+xml; charset=utf-8"


def _entries(stories: list[Post]) -> list[dict[str, Any]]:
    return [{
        "title": s.thread.title, "thread_id": s.thread_id,
        "published": iso_time(s.created_at), "updated": iso_time(s.edited_at or s.created_at),
        "author": author_view(s, None).name, "category": s.thread.category.name,
        "warning": warning_text(s.thread) if (s.thread.content_warnings
                                              or s.thread.content_warning_note) else "",
        "body_html": s.body_html,
    } for s in stories]


def _feed(request: Request, title: str, alternate: str, stories: list[Post]) -> Response:
    entries = _entries(stories)
    updated = entries[0]["updated"] if entries else iso_time(datetime.now(UTC))
    body = render_feed(request.app.state.templates.env, title=title,
                       base_url=settings_of(request).base_url, path=request.url.path,
                       alternate=alternate, updated=updated, entries=entries,
                       site=site_name(request))
    return Response(body, media_type=ATOM)


def render_feed(env: Environment, *, title: str, base_url: str, path: str, alternate: str,
                updated: str, entries: list[dict[str, Any]], site: str) -> str:
    """The Atom document: always well-formed XML, whatever the stored titles and posts hold."""
    body = env.get_template("feeds/atom.xml").render(
        title=title, base_url=base_url, path=path, alternate=alternate, updated=updated,
        entries=entries, site_name=site)
    return xml_text(body)


# What XML 1.0 allows (its `Char` production); anything else makes the feed unreadable.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    """`text` without the characters XML 1.0 forbids (older rows may hold them)."""
    return _NOT_XML.sub("", text)


async def latest(request: Request) -> Response:
    return _feed(request, f"{site_name(request)}: latest stories", "/", await latest_stories())


async def category(request: Request) -> Response:
    found = await get_category_or_404(request.path_params["slug"])
    listing = await category_stories(found, 1)
    return _feed(request, f"{site_name(request)}: {found.name}", f"/c/{found.slug}",
                 listing.stories)
