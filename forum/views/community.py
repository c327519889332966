"""Reactions, following, notifications, profiles and a member's preferences."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from forum import permissions
from forum.actions.community import react as react_to_post
from forum.actions.community import set_following
from forum.actions.preferences import mark_all_read, save_preferences
from forum.forms import CONTENT_WARNINGS, FormInvalid
from forum.models.accounts import User
from forum.models.community import REACTION_LABELS
from forum.preference_forms import NOTIFICATION_KINDS
from forum.queries.community import notifications_for, profile
from forum.queries.content import page_of_post
from forum.queries.note_groups import group_notes, linked_threads
from forum.queries.resources import care_help
from forum.request_context import context_of
from forum.schemas.community import FollowIn, ReactionIn, preferences_from_form
from forum.templating import render
from forum.views.stories import post_link
from forum.web import int_param, read_form, region_of, viewer_of


def _switched_on(data: dict[str, Any]) -> bool:
    """The page's buttons send `on=1` to add and `on=0` to take back."""
    return str(data.get("on", "1")) == "1"


async def react(request: Request) -> Response:
    ctx = context_of(request)
    data = await read_form(request)
    done = await react_to_post(ctx, ReactionIn(post_id=int_param(request, "post_id"),
                                               kind=request.path_params["kind"],
                                               on=_switched_on(data)))
    return RedirectResponse(post_link(done.post, await page_of_post(done.post, ctx.viewer)),
                            status_code=303)


async def follow_thread(request: Request) -> Response:
    data = await read_form(request)
    done = await set_following(context_of(request), FollowIn(
        thread_id=int_param(request, "thread_id"), on=_switched_on(data)))
    return RedirectResponse(f"/stories/{done.story.thread_id}", status_code=303)


async def notifications(request: Request) -> Response:
    viewer: User = permissions.ensure_signed_in(viewer_of(request))
    notes = await notifications_for(viewer)
    return render(request, "accounts/notifications.html", {
        "groups": group_notes(notes, await linked_threads(notes)),
        "care_help": await care_help(notes, region_of(request))})


async def mark_read(request: Request) -> Response:
    await mark_all_read(context_of(request))
    return RedirectResponse("/notifications", status_code=303)


async def profile_page(request: Request) -> Response:
    found = await profile(request.path_params["username"])
    return render(request, "accounts/profile.html",
                  {"profile": found, "labels": REACTION_LABELS})


async def preferences(request: Request, errors: dict[str, str] | None = None,
                      status_code: int = 200) -> Response:
    viewer: User = permissions.ensure_signed_in(viewer_of(request))
    return render(request, "accounts/preferences.html", {
        "kinds": NOTIFICATION_KINDS, "themes": CONTENT_WARNINGS, "errors": errors or {},
        "notice": "Saved." if request.query_params.get("done") == "1" else None,
        "member": viewer,
    }, status_code=status_code)


async def save(request: Request) -> Response:
    ctx = context_of(request)
    try:
        await save_preferences(ctx, preferences_from_form(await read_form(request)))
    except FormInvalid as invalid:
        return await preferences(request, invalid.errors, status_code=invalid.status_code)
    return RedirectResponse("/account/preferences?done=1", status_code=303)
