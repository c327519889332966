"""Reactions, following, notifications, profiles and a member's preferences."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from forum import permissions
from forum.actions.community import NOTIFICATION_KINDS, follow, set_reaction, unfollow
from forum.actions.preferences import mark_all_read, save_preferences
from forum.forms import CONTENT_WARNINGS, FormInvalid
from forum.models.accounts import User
from forum.models.community import REACTION_LABELS, ReactionKind
from forum.preference_forms import parse_preferences
from forum.queries.community import notifications_for, profile
from forum.queries.content import get_post_or_404, get_story_or_404, not_found, page_of_post
from forum.templating import render
from forum.views.stories import post_link
from forum.web import int_param, read_form, viewer_of


def _kind(request: Request) -> ReactionKind:
    kind = request.path_params["kind"]
    if kind not in {k.value for k in ReactionKind}:
        raise not_found()
    return ReactionKind(kind)


async def react(request: Request) -> Response:
    viewer = viewer_of(request)
    post = await get_post_or_404(int_param(request, "post_id"), viewer)
    permissions.ensure_can_react(viewer, post)
    assert viewer is not None
    data = await read_form(request)
    await set_reaction(viewer, post, _kind(request), str(data.get("on", "1")) == "1")
    return RedirectResponse(post_link(post, await page_of_post(post, viewer)), status_code=303)


async def follow_thread(request: Request) -> Response:
    viewer = viewer_of(request)
    story = await get_story_or_404(int_param(request, "thread_id"), viewer)
    permissions.ensure_can_follow(viewer, story)
    assert viewer is not None
    data = await read_form(request)
    if str(data.get("on", "1")) == "1":
        await follow(viewer, story.thread)
    else:
        await unfollow(viewer, story.thread)
    return RedirectResponse(f"/stories/{story.thread_id}", status_code=303)


async def notifications(request: Request) -> Response:
    viewer: User = permissions.ensure_signed_in(viewer_of(request))
    return render(request, "accounts/notifications.html",
                  {"notifications": await notifications_for(viewer)})


async def mark_read(request: Request) -> Response:
    viewer: User = permissions.ensure_signed_in(viewer_of(request))
    await mark_all_read(viewer)
    return RedirectResponse("/notifications", status_code=303)


async def profile_page(request: Request) -> Response:
    found = await profile(request.path_params["username"])
    return render(request, "accounts/profile.html",
                  {"profile": found, "labels": REACTION_LABELS})


async def preferences(request: Request, errors: dict | None = None,
                      status_code: int = 200) -> Response:
    viewer: User = permissions.ensure_signed_in(viewer_of(request))
    return render(request, "accounts/preferences.html", {
        "kinds": NOTIFICATION_KINDS, "themes": CONTENT_WARNINGS, "errors": errors or {},
        "notice": "Saved." if request.query_params.get("done") == "1" else None,
        "member": viewer,
    }, status_code=status_code)


async def save(request: Request) -> Response:
    viewer: User = permissions.ensure_signed_in(viewer_of(request))
    data = await read_form(request)
    try:
        await save_preferences(viewer, parse_preferences(data))
    except FormInvalid as invalid:
        return await preferences(request, invalid.errors, status_code=422)
    return RedirectResponse("/account/preferences?done=1", status_code=303)
