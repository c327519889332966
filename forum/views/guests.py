"""Posting without an account: always held for a moderator, managed with a secret link."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from forum.actions import guests as use
from forum.actions.stories import Written
from forum.anonymity import author_view
from forum.forms import CONTENT_WARNINGS, FormInvalid
from forum.queries.content import answers_to, guest_categories, guest_post_by_token
from forum.queries.resources import help_for_words
from forum.request_context import context_of
from forum.schemas.base import parse_input
from forum.schemas.posting import GuestDeleteIn, GuestReplyIn, GuestStoryIn, guest_edit_schema
from forum.templating import render
from forum.views.accounts import NO_STORE
from forum.views.stories import with_headers
from forum.web import int_param, new_submission_id, read_form, region_of, settings_of, viewer_of


def _kept_private(response: Response) -> Response:
    """A page that holds the manage link (or is reached through it): never kept by a cache or
    the browser's history, so a shared device does not hand it to the next person."""
    response.headers.update(NO_STORE)
    return response


async def story_form(request: Request, errors: dict[str, Any] | None = None,
                     values: dict[str, Any] | None = None, status_code: int = 200) -> Response:
    if viewer_of(request) is not None:
        return RedirectResponse("/stories/new", status_code=303)
    values = values or {"category": request.query_params.get("category", "")}
    return render(request, "guests/new.html", {
        "categories": await guest_categories(), "warnings": CONTENT_WARNINGS,
        "errors": errors or {}, "values": values,
        "submission_id": values.get("submission_id") or new_submission_id(),
    }, status_code=status_code)


async def story(request: Request) -> Response:
    try:
        data = parse_input(GuestStoryIn, await read_form(request))
        written = await use.write_guest_story(context_of(request), data)
    except FormInvalid as invalid:
        return with_headers(await story_form(request, invalid.errors, invalid.values,
                                             status_code=invalid.status_code), invalid)
    return await _posted(request, written)


async def reply_form(request: Request, errors: dict[str, Any] | None = None,
                     values: dict[str, Any] | None = None, status_code: int = 200) -> Response:
    thread = await use.thread_for_guest_reply(int_param(request, "thread_id"))
    values = values or {}
    return render(request, "guests/reply.html", {
        "thread": thread, "errors": errors or {}, "values": values,
        "submission_id": values.get("submission_id") or new_submission_id(),
    }, status_code=status_code)


async def reply(request: Request) -> Response:
    try:
        data = parse_input(GuestReplyIn, await read_form(request))
        written = await use.write_guest_reply(context_of(request),
                                              int_param(request, "thread_id"), data)
    except FormInvalid as invalid:
        return with_headers(await reply_form(request, invalid.errors, invalid.values,
                                             status_code=invalid.status_code), invalid)
    return await _posted(request, written)


async def _posted(request: Request, written: Written) -> Response:
    """The manage link, once (a resent form hears that its post arrived before); and help
    first when the words sound like crisis, the lines for what they touch first."""
    post = written.post
    in_crisis = post.crisis_level in ("concern", "urgent")
    title = post.thread.title if post.is_story else ""
    help = await help_for_words(region_of(request), title, post.body_md) if in_crisis else None
    context = {"post": post, "help": help}
    if written.manage_token is None:
        return render(request, "guests/received.html", context)
    manage_url = f"{settings_of(request).base_url}/manage/{written.manage_token}"
    return _kept_private(render(request, "guests/posted.html",
                                {**context, "manage_url": manage_url}, status_code=201))


async def manage(request: Request, errors: dict[str, Any] | None = None,
                 values: dict[str, Any] | None = None, status_code: int = 200) -> Response:
    post = await guest_post_by_token(request.path_params["token"])
    answers = await answers_to(post)
    return _kept_private(render(request, "guests/manage.html", {
        "post": post, "thread": post.thread, "token": request.path_params["token"],
        "answers": [{"post": a, "author": author_view(a, None)} for a in answers],
        "errors": errors or {},
        "values": values or {"title": post.thread.title, "body": post.body_md},
        "notice": "Saved. It will appear once a moderator has looked at it."
        if request.query_params.get("done") == "1" else None,
    }, status_code=status_code))


async def manage_edit(request: Request) -> Response:
    token = request.path_params["token"]
    post = await guest_post_by_token(token)
    try:
        data = parse_input(guest_edit_schema(post.is_story), await read_form(request))
        await use.edit_as_guest(context_of(request), post, data)
    except FormInvalid as invalid:
        return with_headers(await manage(request, invalid.errors, invalid.values,
                                         status_code=invalid.status_code), invalid)
    return RedirectResponse(f"/manage/{token}?done=1", status_code=303)


async def delete_form(request: Request) -> Response:
    """Asks before deleting: a post is gone for good, and so is its manage link."""
    token = request.path_params["token"]
    post = await guest_post_by_token(token)
    return _kept_private(render(request, "guests/delete.html", {"post": post, "token": token}))


async def manage_delete(request: Request) -> Response:
    """Deletes once confirmed; an unconfirmed press (an old page's button) only asks."""
    post = await guest_post_by_token(request.path_params["token"])
    if not parse_input(GuestDeleteIn, await read_form(request)).confirm:
        return await delete_form(request)
    await use.delete_as_guest(context_of(request), post)
    return render(request, "guests/deleted.html", {})
