"""Categories, stories, replies and posts."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from forum import permissions
from forum.actions.posting import create_reply, create_story, delete_post, edit_post
from forum.api.serialize import category_json, post_json, story_json
from forum.forms import parse_edit, parse_reply, parse_story
from forum.models.content import PostStatus
from forum.queries.content import (
    category_stories,
    get_category_or_404,
    get_post_or_404,
    get_story_or_404,
    get_thread_page,
    list_categories,
)
from forum.web import (
    approval_rules_of,
    enforce_posting_limit,
    int_param,
    page_param,
    read_json,
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
    listing = await category_stories(await get_category_or_404(request.path_params["slug"]), page)
    return JSONResponse({
        "stories": [story_json(s, viewer) for s in listing.stories],
        "page": listing.page,
        "pages": listing.pages,
    })


async def new_story(request: Request) -> Response:
    viewer = viewer_of(request)
    permissions.ensure_can_write_story(viewer)
    assert viewer is not None
    data = _with_idempotency_key(request, await read_json(request))
    form = parse_story(data)
    await enforce_posting_limit(request, viewer, data)
    category = await get_category_or_404(form.category)
    story, created = await create_story(viewer, category, form, approval_rules_of(request))
    story = await get_story_or_404(story.thread_id, viewer)
    status = 202 if story.status == PostStatus.PENDING else 201 if created else 200
    return JSONResponse(story_json(story, viewer), status_code=status,
                        headers={"Location": f"/api/v1/stories/{story.thread_id}"})


async def story(request: Request) -> Response:
    viewer = viewer_of(request)
    page = await get_thread_page(int_param(request, "thread_id"), viewer, page_param(request))
    return JSONResponse({
        **story_json(page.story, viewer),
        "replies": [post_json(r, viewer) for r in page.replies],
        "page": page.page,
        "pages": page.pages,
        "reply_total": page.reply_total,
    })


async def new_reply(request: Request) -> Response:
    viewer = viewer_of(request)
    found = await get_story_or_404(int_param(request, "thread_id"), viewer)
    permissions.ensure_can_reply(viewer, found.thread)
    assert viewer is not None
    data = _with_idempotency_key(request, await read_json(request))
    form = parse_reply(data)
    await enforce_posting_limit(request, viewer, data)
    reply, created = await create_reply(viewer, found.thread, form, approval_rules_of(request))
    reply = await get_post_or_404(reply.id, viewer)
    status = 202 if reply.status == PostStatus.PENDING else 201 if created else 200
    return JSONResponse(post_json(reply, viewer), status_code=status,
                        headers={"Location": f"/api/v1/posts/{reply.id}"})


async def update_post(request: Request) -> Response:
    viewer = viewer_of(request)
    post = await get_post_or_404(int_param(request, "post_id"), viewer)
    permissions.ensure_can_edit_post(viewer, post)
    data = await read_json(request)
    if post.is_story and "title" not in data:
        data["title"] = post.thread.title
    await edit_post(post, parse_edit(data, is_story=post.is_story))
    return JSONResponse(post_json(post, viewer))


async def remove_post(request: Request) -> Response:
    viewer = viewer_of(request)
    post = await get_post_or_404(int_param(request, "post_id"), viewer)
    permissions.ensure_can_delete_post(viewer, post)
    await delete_post(post)
    return Response(status_code=204)
