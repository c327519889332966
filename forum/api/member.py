"""Reactions, following, notifications, profiles and your data through the JSON API."""

from __future__ import annotations

from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from forum import permissions
from forum.actions.community import follow, set_reaction, unfollow
from forum.actions.preferences import mark_all_read
from forum.actions.your_data import delete_account, export
from forum.errors import problem
from forum.forms import parse_page
from forum.models.accounts import User
from forum.models.community import ReactionKind
from forum.numbers import whole_number
from forum.passwords import confirms_password
from forum.queries.community import notifications_for, profile, reactions_for, unread_count
from forum.queries.content import get_post_or_404, get_story_or_404, not_found
from forum.templating import iso_time
from forum.web import int_param, read_json, viewer_of

PER_PAGE_MAX = 50


async def reaction(request: Request) -> Response:
    viewer = viewer_of(request)
    post = await get_post_or_404(int_param(request, "post_id"), viewer)
    kind = request.path_params["kind"]
    if kind not in {k.value for k in ReactionKind}:
        raise not_found()
    permissions.ensure_can_react(viewer, post)
    assert viewer is not None
    changed = await set_reaction(viewer, post, ReactionKind(kind), request.method == "PUT")
    summary = (await reactions_for([post.id], viewer))[post.id]
    return JSONResponse({"changed": changed, "counts": summary.counts,
                         "mine": sorted(summary.mine)})


async def follow_story(request: Request) -> Response:
    viewer = viewer_of(request)
    story = await get_story_or_404(int_param(request, "thread_id"), viewer)
    permissions.ensure_can_follow(viewer, story)
    assert viewer is not None
    on = request.method == "PUT"
    changed = await (follow if on else unfollow)(viewer, story.thread)
    return JSONResponse({"following": on, "changed": changed})


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
    return JSONResponse({
        "notifications": [{"kind": n.kind, "message": n.message, "link": n.link or None,
                           "created_at": iso_time(n.created_at), "read": n.read_at is not None}
                          for n in chosen],
        "unread": await unread_count(viewer), "total": len(everything),
        "page": page, "per_page": per_page})


async def read_notifications(request: Request) -> Response:
    viewer: User = permissions.ensure_signed_in(viewer_of(request))
    return JSONResponse({"marked_read": await mark_all_read(viewer)})


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
    viewer: User = permissions.ensure_signed_in(viewer_of(request))
    if not await confirms_password(viewer.password_hash,
                                   request.headers.get("x-confirm-password")):
        return problem(403, "Send your password in the X-Confirm-Password header to export.")
    return JSONResponse(await export(viewer))


async def delete_me(request: Request) -> Response:
    viewer: User = permissions.ensure_signed_in(viewer_of(request))
    data = await read_json(request)
    if not await confirms_password(viewer.password_hash, data.get("password")):
        return problem(403, "That isn't your password. Nothing was changed.")
    if not isinstance(data.get("keep_posts"), bool):
        return problem(422, "Say whether to keep your posts as a former member: "
                            "keep_posts true or false.", errors={"keep_posts": "required"})
    result = await delete_account(viewer, keep_posts=data["keep_posts"])
    return JSONResponse({"deleted": True, "posts_removed": result.posts_removed,
                         "posts_kept": result.posts_kept})
