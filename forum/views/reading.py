"""Reading for oneself: marking a thread read, bookmarks, blocked members."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from forum import permissions
from forum.actions.blocks import set_block
from forum.actions.bookmarks import set_bookmark
from forum.actions.reading import mark_read as record_read
from forum.anonymity import author_view
from forum.forms import FormInvalid
from forum.queries.reading import my_blocks, my_bookmarks
from forum.request_context import context_of
from forum.schemas.base import parse_input
from forum.schemas.reading import BlockIn, BookmarkIn, ReadIn
from forum.templating import render
from forum.views.accounts import safe_next
from forum.web import int_param, read_form, viewer_of


def _switched_on(data: dict[str, object]) -> bool:
    return str(data.get("on", "1")) == "1"


def _back(data: dict[str, object], fallback: str) -> Response:
    target = safe_next(str(data.get("next") or "")) if data.get("next") else fallback
    return RedirectResponse(target, status_code=303)


async def mark_read(request: Request) -> Response:
    """The page's "Mark as read" (sent by the page's script when the reader reaches the end,
    or pressed): back to the thread."""
    data = await read_form(request)
    thread_id = int_param(request, "thread_id")
    try:
        done = await record_read(context_of(request), parse_input(
            ReadIn, {"thread_id": thread_id, "post_id": data.get("post_id")}))
    except FormInvalid:
        return RedirectResponse(f"/stories/{thread_id}", status_code=303)
    if request.headers.get("sec-fetch-mode", "navigate") != "navigate":
        return Response(status_code=204)  # the page's script: nothing to show
    return RedirectResponse(f"/stories/{done.thread_id}", status_code=303)


async def bookmark(request: Request) -> Response:
    data = await read_form(request)
    done = await set_bookmark(context_of(request), BookmarkIn(
        post_id=int_param(request, "post_id"), on=_switched_on(data)))
    return _back(data, f"/posts/{done.post.id}")


async def bookmarks_page(request: Request) -> Response:
    viewer = permissions.ensure_signed_in(viewer_of(request))
    marks = await my_bookmarks(viewer)
    return render(request, "reading/bookmarks.html", {"bookmarks": [
        {"mark": b, "post": b.post, "thread": b.thread, "author": author_view(b.post, viewer)}
        for b in marks]})


async def blocks_page(request: Request, error: str = "", typed: str = "",
                      status_code: int = 200) -> Response:
    viewer = permissions.ensure_signed_in(viewer_of(request))
    return render(request, "reading/blocks.html", {
        "blocks": await my_blocks(viewer), "error": error, "typed": typed},
        status_code=status_code)


async def block(request: Request) -> Response:
    """Block or unblock a member by username, from a post's menu or the blocks page."""
    data = await read_form(request)
    try:
        choice = parse_input(BlockIn, {"username": str(data.get("username") or "").strip(),
                                       "on": _switched_on(data)})
    except FormInvalid:
        return await blocks_page(request, "Please write the username of the member to block.",
                                 status_code=422)
    try:
        await set_block(context_of(request), choice)
    except HTTPException as refused:
        if refused.status_code not in (403, 404):
            raise
        message = refused.detail if refused.status_code == 403 else (
            f"We couldn't find a member called “{choice.username}”.")
        return await blocks_page(request, message, choice.username,
                                 status_code=refused.status_code)
    return _back(data, "/account/blocks")


def with_reading(cards: list[dict[str, Any]], unread: Mapping[int, int]) -> list[dict[str, Any]]:
    """A list's story cards with the member's own marks: how many replies are new since they
    last read each thread (``unread``, by thread id: forum.queries.reading.unread_counts),
    and the named stories of members they blocked folded away (from the column the list's
    query added, ``list_annotations``)."""
    for card in cards:
        post = card["post"]
        blocked = bool(getattr(post, "reader_blocked", 0))
        card["blocked"] = blocked and permissions.blockable_author(post) is not None
        card["unread"] = unread.get(int(post.thread_id), 0)
    return cards
