"""Reactions, following, notifications, profiles and your data through the JSON API."""

from __future__ import annotations

from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from forum import permissions
from forum.actions.community import react, set_following
from forum.actions.preferences import mark_all_read
from forum.actions.your_data import delete_my_account, export_my_data
from forum.clock import iso_time
from forum.forms import parse_page
from forum.models.accounts import User
from forum.numbers import whole_number
from forum.queries.community import notifications_for, profile, reactions_for, unread_count
from forum.queries.resources import care_help, note_text
from forum.request_context import context_of
from forum.schemas.accounts import AccountDeletionIn, PasswordConfirmIn
from forum.schemas.base import parse_input
from forum.schemas.community import FollowIn, ReactionIn
from forum.web import int_param, read_json, region_of, viewer_of

PER_PAGE_MAX = 50


async def reaction(request: Request) -> Response:
    ctx = context_of(request)
    done = await react(ctx, ReactionIn(post_id=int_param(request, "post_id"),
                                       kind=request.path_params["kind"],
                                       on=request.method == "PUT"))
    summary = (await reactions_for([done.post.id], ctx.viewer))[done.post.id]
    return JSONResponse({"changed": done.changed, "counts": summary.counts,
                         "mine": sorted(summary.mine)})


async def follow_story(request: Request) -> Response:
    done = await set_following(context_of(request), FollowIn(
        thread_id=int_param(request, "thread_id"), on=request.method == "PUT"))
    return JSONResponse({"following": done.following, "changed": done.changed})


def _page_params(request: Request) -> tuple[int, int]:
    page, per_page = request.query_params.get("page", "1"), request.query_params.get(
        "per_page", "20")
    page_number = parse_page(page)
    size = whole_number(per_page, low=1, high=PER_PAGE_MAX)
    if page_number is None or size is None:
        raise HTTPException(400, f"page must be a whole number from 1 up and per_page a whole "
                                 f"number from 1 to {PER_PAGE_MAX}.")
    return page_number, size


async def notifications(request: Request) -> Response:
    viewer: User = permissions.ensure_signed_in(viewer_of(request))
    page, per_page = _page_params(request)
    everything = await notifications_for(viewer)
    chosen = everything[(page - 1) * per_page: page * per_page]
    help_lines = await care_help(chosen, region_of(request))
    return JSONResponse({
        "notifications": [{"kind": n.kind, "message": note_text(n, help_lines),
                           "link": n.link or None,
                           "created_at": iso_time(n.created_at), "read": n.read_at is not None}
                          for n in chosen],
        "unread": await unread_count(viewer), "total": len(everything),
        "page": page, "per_page": per_page})


async def read_notifications(request: Request) -> Response:
    return JSONResponse({"marked_read": await mark_all_read(context_of(request))})


async def user_profile(request: Request) -> Response:
    found = await profile(request.path_params["username"])
    body: dict[str, Any] = {
        "username": found.user.username, "display_name": found.user.shown_name,
        "bio": found.user.bio, "joined": iso_time(found.user.created_at),
        "activity_hidden": found.user.hide_activity,
        "reactions_received": found.reactions_received,
        "posts": [{"id": p.id, "story_id": p.thread_id, "is_story": p.is_story,
                   "story_title": p.thread.title, "created_at": iso_time(p.created_at),
                   "url": f"/posts/{p.id}"} for p in found.posts],
    }
    return JSONResponse(body)


async def export_me(request: Request) -> Response:
    """The password comes in the X-Confirm-Password header (a GET has no body)."""
    confirmation = {"password": request.headers.get("x-confirm-password")}
    return JSONResponse(await export_my_data(context_of(request),
                                             parse_input(PasswordConfirmIn, confirmation)))


async def delete_me(request: Request) -> Response:
    ctx = context_of(request)
    permissions.ensure_signed_in(ctx.viewer)  # a visitor's body is not read
    result = await delete_my_account(ctx, parse_input(AccountDeletionIn,
                                                      await read_json(request)))
    return JSONResponse({"deleted": True, "posts_removed": result.posts_removed,
                         "posts_kept": result.posts_kept})
