"""Categories, stories, replies and posts."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from forum.actions import guests, stories
from forum.actions.stories import Written
from forum.api.safety import crisis_json
from forum.api.serialize import category_json, post_json, story_json
from forum.forms import FormInvalid
from forum.models.content import Post
from forum.queries.content import (
    REPLIES_PER_PAGE,
    category_stories,
    get_category_or_404,
    get_thread_page,
    guest_post_by_token,
    list_categories,
    not_found,
)
from forum.request_context import context_of
from forum.schemas.base import SUBMISSION_ID, parse_input
from forum.schemas.posting import (
    GuestReplyIn,
    GuestStoryIn,
    ReplyIn,
    StoryIn,
    edit_schema,
    guest_edit_schema,
)
from forum.web import int_param, page_param, per_page_param, read_json, viewer_of

ALREADY_RECEIVED = ("This post was already received. Its manage token was given when it was "
                    "first sent and can't be shown again (only a hash of it is kept).")


BAD_IDEMPOTENCY_KEY = ("The Idempotency-Key header must be 16 to 64 characters: letters, "
                       "digits, '_' or '-'. Nothing was saved.")


def _with_idempotency_key(request: Request, data: dict[str, Any]) -> dict[str, Any]:
    key = request.headers.get("idempotency-key")
    if key is None:
        return data
    if not SUBMISSION_ID.fullmatch(key):
        raise FormInvalid({"idempotency_key": BAD_IDEMPOTENCY_KEY}, data)
    return {**data, "submission_id": key}


def _as_guest(request: Request) -> bool:
    """No account and no (bad) bearer token: a guest, who gets a manage token."""
    return viewer_of(request) is None and not request.scope["state"].get("bad_bearer")


async def _written_json(request: Request, written: Written) -> JSONResponse:
    """201 published, 202 held, 200 when this submission was already received."""
    post, viewer = written.post, viewer_of(request)
    body = story_json(post, viewer) if post.is_story else post_json(post, viewer)
    title = post.thread.title if post.is_story else ""
    body["crisis"] = await crisis_json(request, post.crisis_level, title, post.body_md)
    location = f"/api/v1/stories/{post.thread_id}" if post.is_story and viewer else (
        f"/api/v1/posts/{post.id}")
    if viewer is None:  # a guest's post is always held
        body.update({"manage_token": written.manage_token} if written.manage_token
                    else {"notice": ALREADY_RECEIVED})
        return JSONResponse(body, status_code=202, headers={"Location": location})
    status = 202 if written.pending else 201 if written.created else 200
    return JSONResponse(body, status_code=status, headers={"Location": location})


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
    ctx = context_of(request)
    data = _with_idempotency_key(request, await read_json(request))
    if _as_guest(request):
        written = await guests.write_guest_story(ctx, parse_input(GuestStoryIn, data))
    else:
        written = await stories.write_story(ctx, parse_input(StoryIn, data))
    return await _written_json(request, written)


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
    ctx, thread_id = context_of(request), int_param(request, "thread_id")
    data = _with_idempotency_key(request, await read_json(request))
    if _as_guest(request):
        written = await guests.write_guest_reply(ctx, thread_id, parse_input(GuestReplyIn, data))
    else:
        written = await stories.write_reply(ctx, thread_id, parse_input(ReplyIn, data))
    return await _written_json(request, written)


async def update_post(request: Request) -> Response:
    ctx, post_id = context_of(request), int_param(request, "post_id")
    data = await read_json(request)
    if (token := _manage_token(request)) is not None:
        guest_post = await _guest_post(token, post_id)
        edited = await guests.edit_as_guest(
            ctx, guest_post, parse_input(guest_edit_schema(guest_post.is_story), data))
    else:
        post = await stories.post_to_edit(ctx, post_id)
        edited = await stories.edit(ctx, post, parse_input(edit_schema(post.is_story), data))
    return JSONResponse(post_json(edited.post, ctx.viewer))


async def remove_post(request: Request) -> Response:
    ctx, post_id = context_of(request), int_param(request, "post_id")
    if (token := _manage_token(request)) is not None:
        await guests.delete_as_guest(ctx, await _guest_post(token, post_id))
    else:
        await stories.delete(ctx, post_id)
    return Response(status_code=204)


# --- guests (no account; a manage token instead) -------------------------------------------

def _manage_token(request: Request) -> str | None:
    return request.headers.get("x-manage-token") or None


async def _guest_post(token: str, post_id: int) -> Post:
    post = await guest_post_by_token(token)
    if post.id != post_id:
        raise not_found()
    return post
