"""Categories, stories, replies and posts."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from forum import permissions
from forum.actions.posting import (
    create_guest_reply,
    create_guest_story,
    create_reply,
    create_story,
    delete_post,
    edit_post,
    guest_edit,
)
from forum.api.safety import crisis_json
from forum.api.serialize import category_json, post_json, story_json
from forum.forms import parse_edit, parse_reply, parse_story
from forum.guest_forms import check_guest_extras
from forum.models.content import PostStatus, Thread
from forum.queries.content import (
    REPLIES_PER_PAGE,
    category_stories,
    get_category_or_404,
    get_post_or_404,
    get_story_or_404,
    get_thread_for_post,
    get_thread_page,
    guest_post_by_token,
    list_categories,
    not_found,
)
from forum.safety.followup import follow_up
from forum.web import (
    approval_rules_of,
    client_address,
    enforce_form_rate_limit,
    enforce_posting_limit,
    int_param,
    page_param,
    per_page_param,
    read_json,
    settings_of,
    viewer_of,
)


def _with_idempotency_key(request: Request, data: dict) -> dict:
    key = request.headers.get("idempotency-key")
    return {**data, "submission_id": key} if key else data


async def categories(request: Request) -> Response:
    return JSONResponse({"categories": [category_json(c) for c in await list_categories()]})


async def category_story_list(request: Request) -> Response:
    viewer = viewer_of(request)
    page = page_param(request)
    listing = await category_stories(await get_category_or_404(request.path_params["slug"]),
                                     page, per_page_param(request))
    return JSONResponse({
        "stories": [story_json(s, viewer) for s in listing.stories],
        "page": listing.page,
        "pages": listing.pages,
        "per_page": listing.per_page,
        "total": listing.total,
    })


async def new_story(request: Request) -> Response:
    viewer = viewer_of(request)
    if viewer is None and not request.scope["state"].get("bad_bearer"):
        return await _guest_story(request)
    permissions.ensure_can_write_story(viewer)
    assert viewer is not None
    data = _with_idempotency_key(request, await read_json(request))
    form = parse_story(data)
    await enforce_posting_limit(request, viewer, data)
    category = await get_category_or_404(form.category)
    story, created = await create_story(viewer, category, form, approval_rules_of(request))
    if created:
        await follow_up(story, settings_of(request))
    story = await get_story_or_404(story.thread_id, viewer)
    status = 202 if story.status == PostStatus.PENDING else 201 if created else 200
    body = {**story_json(story, viewer), "crisis": await crisis_json(request, story.crisis_level)}
    return JSONResponse(body, status_code=status,
                        headers={"Location": f"/api/v1/stories/{story.thread_id}"})


async def story(request: Request) -> Response:
    viewer = viewer_of(request)
    page = await get_thread_page(int_param(request, "thread_id"), viewer, page_param(request))
    return JSONResponse({
        **story_json(page.story, viewer),
        "replies": [post_json(r, viewer) for r in page.replies],
        "page": page.page,
        "pages": page.pages,
        "per_page": REPLIES_PER_PAGE,  # fixed, so permalinks land on the same page
        "reply_total": page.reply_total,
        "total": page.reply_total,
    })


async def new_reply(request: Request) -> Response:
    viewer = viewer_of(request)
    found = await get_story_or_404(int_param(request, "thread_id"), viewer)
    if viewer is None and not request.scope["state"].get("bad_bearer"):
        return await _guest_reply(request, found.thread)
    permissions.ensure_can_reply(viewer, found.thread)
    assert viewer is not None
    data = _with_idempotency_key(request, await read_json(request))
    form = parse_reply(data)
    await enforce_posting_limit(request, viewer, data)
    reply, created = await create_reply(viewer, found.thread, form, approval_rules_of(request))
    if created:
        await follow_up(reply, settings_of(request))
    reply = await get_post_or_404(reply.id, viewer)
    status = 202 if reply.status == PostStatus.PENDING else 201 if created else 200
    body = {**post_json(reply, viewer), "crisis": await crisis_json(request, reply.crisis_level)}
    return JSONResponse(body, status_code=status,
                        headers={"Location": f"/api/v1/posts/{reply.id}"})


async def update_post(request: Request) -> Response:
    viewer = viewer_of(request)
    if (token := _manage_token(request)) is not None:
        return await _guest_update(request, token)
    post = await get_post_or_404(int_param(request, "post_id"), viewer)
    permissions.ensure_can_edit_post(viewer, post)
    data = await read_json(request)
    if post.is_story and "title" not in data:
        data["title"] = post.thread.title
    await edit_post(post, parse_edit(data, is_story=post.is_story))
    return JSONResponse(post_json(post, viewer))


async def remove_post(request: Request) -> Response:
    viewer = viewer_of(request)
    if (token := _manage_token(request)) is not None:
        post = await guest_post_by_token(token)
        if post.id != int_param(request, "post_id"):
            raise not_found()
        await delete_post(post)
        return Response(status_code=204)
    post = await get_post_or_404(int_param(request, "post_id"), viewer)
    permissions.ensure_can_delete_post(viewer, post)
    await delete_post(post)
    return Response(status_code=204)


# --- guests (no account; a manage token instead) -------------------------------------------

GUEST_LIMITED = ("Several posts came from this connection in a short time. Please wait about "
                 "{wait} and try again.")


def _manage_token(request: Request) -> str | None:
    return request.headers.get("x-manage-token") or None


async def _guest_checks(request: Request, data: dict, texts: list[str]) -> None:
    check_guest_extras(data, texts, data)
    await enforce_form_rate_limit(request, "guest", client_address(request), data,
                                  GUEST_LIMITED)


def _guest_created(post_json_body: dict, token: str, location: str) -> JSONResponse:
    return JSONResponse({**post_json_body, "manage_token": token}, status_code=202,
                        headers={"Location": location})


async def _guest_story(request: Request) -> Response:
    data = await read_json(request)
    form = parse_story(data)
    await _guest_checks(request, data, [form.title, form.body])
    written = await create_guest_story(await get_category_or_404(form.category), form)
    story = written.post
    await follow_up(story, settings_of(request))
    story.thread = await get_thread_for_post(story)
    return _guest_created({**story_json(story, None),
                           "crisis": await crisis_json(request, story.crisis_level)},
                          written.manage_token, f"/api/v1/posts/{story.id}")


async def _guest_reply(request: Request, thread: Thread) -> Response:
    data = await read_json(request)
    form = parse_reply(data)
    await _guest_checks(request, data, [form.body])
    written = await create_guest_reply(thread, form)
    await follow_up(written.post, settings_of(request))
    return _guest_created({**post_json(written.post, None),
                           "crisis": await crisis_json(request, written.post.crisis_level)},
                          written.manage_token, f"/api/v1/posts/{written.post.id}")


async def _guest_update(request: Request, token: str) -> Response:
    post = await guest_post_by_token(token)
    if post.id != int_param(request, "post_id"):
        raise not_found()
    data = await read_json(request)
    if post.is_story and "title" not in data:
        data["title"] = post.thread.title
    form = parse_edit(data, is_story=post.is_story)
    check_guest_extras(data, [form.body, form.title or ""], data)
    await guest_edit(post, form)
    return JSONResponse(post_json(post, None))
