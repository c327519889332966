"""Rendered pages for signed-out readers, reused until the database changes.

Most readers are signed out, and for them the home page, a category page or a story page is
the same for everyone. Each worker keeps such pages in memory and serves one again only
while the database provably holds what it held when the page was rendered. The proof is one
small query that asks the database itself, so a write by *any* process — a reply, an edit,
a deletion, a moderator hiding a post — is seen on the very next request:

- SQLite: ``data_version`` changes when another connection commits, and ``total_changes()``
  counts this connection's own writes.
- PostgreSQL: ``pg_current_snapshot()`` names exactly which transactions are visible; it only
  changes when a writing transaction starts or ends.

The version is read *before* the page, so a page never carries a version newer than its
content. Entries also expire after ``ttl`` seconds (relative times such as "5 minutes ago"
stay honest) and the least recently used are dropped beyond ``max_entries``.

A page is kept only if nothing personal went into it: the viewer is signed out, the response
is a 200 that sets no cookie, and no CSRF token (which binds a form to one person) was drawn.

No page is served from here while the database can't be asked for its version: the
request fails like any other then (a 503, `forum.outage`), rather than show a page that may
no longer be true.

When an entry is missing, the first request renders it and the others arriving meanwhile for
the same page and version wait for that one rendering (no stampede of identical renders).
"""

from __future__ import annotations

import asyncio
import functools
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response
from tortoise import connections

Endpoint = Callable[[Request], Awaitable[Response]]

SQLITE_VERSION = "SELECT total_changes(), data_version FROM pragma_data_version()"
POSTGRES_VERSION = "SELECT pg_current_snapshot()::text"


@dataclass(frozen=True)
class CachedPage:
    version: str
    expires: float
    body: bytes
    media_type: str | None


class PageCache:
    def __init__(self, ttl: float, max_entries: int = 500) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self._pages: OrderedDict[str, CachedPage] = OrderedDict()
        self._rendering: dict[tuple[str, str], asyncio.Future[CachedPage | None]] = {}

    def get(self, key: str, version: str) -> CachedPage | None:
        page = self._pages.get(key)
        if page is None:
            return None
        if page.version != version or page.expires < time.monotonic():
            del self._pages[key]
            return None
        self._pages.move_to_end(key)
        return page

    def put(self, key: str, version: str, response: Response) -> CachedPage:
        page = CachedPage(version, time.monotonic() + self.ttl, bytes(response.body),
                          response.media_type)
        self._pages[key] = page
        self._pages.move_to_end(key)
        while len(self._pages) > self.max_entries:
            self._pages.popitem(last=False)
        return page

    def rendering(self, key: str, version: str) -> asyncio.Future[CachedPage | None] | None:
        """The rendering of this page and version already under way, if any."""
        return self._rendering.get((key, version))

    def start_rendering(self, key: str, version: str) -> asyncio.Future[CachedPage | None]:
        future: asyncio.Future[CachedPage | None] = asyncio.get_running_loop().create_future()
        self._rendering[(key, version)] = future
        return future

    def finish_rendering(self, key: str, version: str, page: CachedPage | None) -> None:
        future = self._rendering.pop((key, version), None)
        if future is not None and not future.done():
            future.set_result(page)

    def clear(self) -> None:
        self._pages.clear()

    def __len__(self) -> int:
        return len(self._pages)


async def database_version() -> str:
    """A value that changes whenever committed data may have changed (see module docstring)."""
    conn = connections.get("default")
    sql = SQLITE_VERSION if conn.capabilities.dialect == "sqlite" else POSTGRES_VERSION
    _count, rows = await conn.execute_query(sql)
    return "/".join(str(value) for value in tuple(rows[0]))


def _is_anonymous_read(request: Request) -> bool:
    state = request.scope.get("state", {})
    return (request.method in ("GET", "HEAD") and state.get("viewer") is None
            and state.get("auth_kind") != "bearer")


def _is_shareable(request: Request, response: Response) -> bool:
    state = request.scope.get("state", {})
    return (response.status_code == 200 and "set-cookie" not in response.headers
            and not state.get("csrf_used") and not state.get("new_visitor_id"))


def shared_page(endpoint: Endpoint) -> Endpoint:
    """Mark a page as the same for every signed-out reader, so it may be served from cache."""

    @functools.wraps(endpoint)
    async def serve(request: Request) -> Response:
        cache: PageCache | None = request.app.state.page_cache
        if cache is None or not _is_anonymous_read(request):
            return await endpoint(request)
        key = request.scope["path"] + "?" + request.scope["query_string"].decode("latin-1")
        version = await database_version()
        page = cache.get(key, version)
        if page is None and (under_way := cache.rendering(key, version)) is not None:
            page = await asyncio.shield(under_way)
        if page is not None:
            return Response(page.body, media_type=page.media_type)
        cache.start_rendering(key, version)
        kept: CachedPage | None = None
        try:
            response = await endpoint(request)
            if _is_shareable(request, response):
                kept = cache.put(key, version, response)
            return response
        finally:
            cache.finish_rendering(key, version, kept)

    return serve
