"""Posting without an account: always held for a moderator, managed with a secret link."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from forum.actions.posting import (
    create_guest_reply,
    create_guest_story,
    delete_post,
    guest_edit,
)
from forum.anonymity import author_view
from forum.forms import CONTENT_WARNINGS, FormInvalid, parse_edit, parse_reply, parse_story
from forum.guest_forms import check_guest_extras
from forum.models.content import Post
from forum.queries.content import (
    answers_to,
    get_category_or_404,
    get_story_or_404,
    guest_categories,
    guest_post_by_token,
    not_found,
)
from forum.queries.resources import help_for
from forum.safety.followup import follow_up
from forum.templating import render
from forum.views.stories import with_headers
from forum.web import (
    client_address,
    enforce_form_rate_limit,
    int_param,
    new_submission_id,
    read_form,
    region_of,
    settings_of,
    viewer_of,
)

GUEST_LIMITED = ("Several posts came from this connection in a short time. Please wait about "
                 "{wait} and send it again — your words are kept below.")


async def _limit(request: Request, data: dict) -> None:
    await enforce_form_rate_limit(request, "guest", client_address(request), data,
                                  GUEST_LIMITED)


async def story_form(request: Request, errors: dict | None = None, values: dict | None = None,
                     status_code: int = 200) -> Response:
    if viewer_of(request) is not None:
        return RedirectResponse("/stories/new", status_code=303)
    values = values or {"category": request.query_params.get("category", "")}
    return render(request, "guests/new.html", {
        "categories": await guest_categories(), "warnings": CONTENT_WARNINGS,
        "errors": errors or {}, "values": values,
        "submission_id": values.get("submission_id") or new_submission_id(),
    }, status_code=status_code)


async def story(request: Request) -> Response:
    data = await read_form(request)
    try:
        form = parse_story(data)
        check_guest_extras(data, [form.title, form.body], data)
        category = await get_category_or_404(form.category)
        await _limit(request, data)
        written = await create_guest_story(category, form)
    except FormInvalid as invalid:
        return with_headers(await story_form(request, invalid.errors, invalid.values,
                                             status_code=invalid.status_code), invalid)
    return await _posted(request, written.post, written.manage_token)


async def reply_form(request: Request, errors: dict | None = None, values: dict | None = None,
                     status_code: int = 200) -> Response:
    found = await get_story_or_404(int_param(request, "thread_id"), None)
    if not found.thread.category.allow_guests or found.thread.is_locked:
        raise not_found()
    values = values or {}
    return render(request, "guests/reply.html", {
        "thread": found.thread, "errors": errors or {}, "values": values,
        "submission_id": values.get("submission_id") or new_submission_id(),
    }, status_code=status_code)


async def reply(request: Request) -> Response:
    found = await get_story_or_404(int_param(request, "thread_id"), None)
    if not found.thread.category.allow_guests or found.thread.is_locked:
        raise not_found()
    data = await read_form(request)
    try:
        form = parse_reply(data)
        check_guest_extras(data, [form.body], data)
        await _limit(request, data)
        written = await create_guest_reply(found.thread, form)
    except FormInvalid as invalid:
        return with_headers(await reply_form(request, invalid.errors, invalid.values,
                                             status_code=invalid.status_code), invalid)
    return await _posted(request, written.post, written.manage_token)


async def _posted(request: Request, post: Post, token: str) -> Response:
    """The manage link, once; and help first when the words sound like crisis."""
    settings = settings_of(request)
    await follow_up(post, settings)
    in_crisis = post.crisis_level in ("concern", "urgent")
    return render(request, "guests/posted.html", {
        "post": post, "manage_url": f"{settings.base_url}/manage/{token}",
        "help": await help_for(region_of(request)) if in_crisis else None,
    }, status_code=201)


async def manage(request: Request, errors: dict | None = None, values: dict | None = None,
                 status_code: int = 200) -> Response:
    post = await guest_post_by_token(request.path_params["token"])
    answers = await answers_to(post)
    return render(request, "guests/manage.html", {
        "post": post, "thread": post.thread, "token": request.path_params["token"],
        "answers": [{"post": a, "author": author_view(a, None)} for a in answers],
        "errors": errors or {},
        "values": values or {"title": post.thread.title, "body": post.body_md},
        "notice": "Saved. It will appear once a moderator has looked at it."
        if request.query_params.get("done") == "1" else None,
    }, status_code=status_code)


async def manage_edit(request: Request) -> Response:
    token = request.path_params["token"]
    post = await guest_post_by_token(token)
    data = await read_form(request)
    try:
        form = parse_edit(data, is_story=post.is_story)
        check_guest_extras(data, [form.body, form.title or ""], data)
        await guest_edit(post, form)
    except FormInvalid as invalid:
        return with_headers(await manage(request, invalid.errors, invalid.values,
                                         status_code=invalid.status_code), invalid)
    return RedirectResponse(f"/manage/{token}?done=1", status_code=303)


async def manage_delete(request: Request) -> Response:
    post = await guest_post_by_token(request.path_params["token"])
    await delete_post(post)
    return render(request, "guests/deleted.html", {})
