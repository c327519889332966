"""Read positions, bookmarks and blocks through the JSON API (the same use-cases as the
pages: forum.actions.reading, bookmarks, blocks)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from forum import permissions
from forum.actions.blocks import set_block
from forum.actions.bookmarks import set_bookmark
from forum.actions.reading import mark_read as record_read
from forum.anonymity import author_view
from forum.queries.reading import my_blocks, my_bookmarks
from forum.request_context import context_of
from forum.schemas.base import parse_input
from forum.schemas.reading import BlockIn, BookmarkIn, ReadBody, ReadIn
from forum.web import int_param, read_json, viewer_of


async def mark_read(request: Request) -> Response:
    """`{post_id}`: read up to this post of the story's thread (never moves back)."""
    body = parse_input(ReadBody, await read_json(request))
    done = await record_read(context_of(request), ReadIn(
        thread_id=int_param(request, "thread_id"), post_id=body.post_id))
    return JSONResponse({"story_id": done.thread_id, "last_read_post_id": done.last_read_post_id,
                         "changed": done.changed})


async def bookmark(request: Request) -> Response:
    done = await set_bookmark(context_of(request), BookmarkIn(
        post_id=int_param(request, "post_id"), on=request.method == "PUT"))
    return JSONResponse({"bookmarked": done.on, "changed": done.changed})


async def bookmarks(request: Request) -> Response:
    viewer = permissions.ensure_signed_in(viewer_of(request))
    return JSONResponse({"bookmarks": [{
        "post_id": b.post_id, "story_id": b.thread_id, "is_story": b.post.is_story,
        "title": b.thread.title, "author": author_view(b.post, viewer).as_json(),
        "link": f"/posts/{b.post_id}"} for b in await my_bookmarks(viewer)]})


async def blocks(request: Request) -> Response:
    viewer = permissions.ensure_signed_in(viewer_of(request))
    return JSONResponse({"blocked": [{"username": b.blocked.username,
                                      "display_name": b.blocked.shown_name}
                                     for b in await my_blocks(viewer)]})


async def block(request: Request) -> Response:
    done = await set_block(context_of(request), parse_input(BlockIn, {
        "username": request.path_params["username"], "on": request.method == "PUT"}))
    return JSONResponse({"username": done.member.username, "blocked": done.on,
                         "changed": done.changed})
