"""The composer's drafts and previews as pages: "Save draft" and "Preview" work without
JavaScript (the form comes back with the draft kept or the preview above it, every word
as typed); "Your drafts" lists them. The autosave and in-place preview use the API twins
(forum.api.drafts), which call the same use-cases."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from forum import permissions
from forum.actions import drafts as use
from forum.forms import FormInvalid
from forum.queries.drafts import draft_places
from forum.request_context import context_of
from forum.schemas.base import parse_input
from forum.schemas.drafts import DraftIn, PreviewIn
from forum.templating import render
from forum.views import guests, stories
from forum.views.stories import with_headers
from forum.web import int_param, read_form

FormPage = Callable[..., Awaitable[Response]]


async def drafts_page(request: Request) -> Response:
    ctx = context_of(request)
    drafts = await use.list_my_drafts(ctx)
    viewer = permissions.ensure_signed_in(ctx.viewer)
    return render(request, "drafts/list.html", {
        "drafts": drafts, "places": await draft_places(viewer, drafts),
        "notice": "The draft was deleted." if request.query_params.get("deleted") else None})


async def delete(request: Request) -> Response:
    await use.discard_draft(context_of(request), int_param(request, "draft_id"))
    return RedirectResponse("/drafts?deleted=1", status_code=303)


async def save_story_draft(request: Request) -> Response:
    form = await read_form(request)
    return await _save(request, {**form, "kind": "story"}, stories.new_story_form)


async def save_reply_draft(request: Request) -> Response:
    form = await read_form(request)
    data = {**form, "kind": "reply", "thread_id": int_param(request, "thread_id")}
    return await _save(request, data, stories.reply_form)


async def _save(request: Request, data: dict[str, Any], again: FormPage) -> Response:
    """Keep the draft and come back to the composer holding it (with a word of care when it
    sounds heavy), or the form again with what was typed and what to fix."""
    try:
        saved = await use.save_draft(context_of(request), parse_input(DraftIn, data))
    except FormInvalid as invalid:
        return with_headers(await again(request, invalid.errors, invalid.values,
                                        status_code=invalid.status_code), invalid)
    care = "&care=1" if saved.crisis.value != "none" else ""
    if saved.draft is None:  # nothing written: nothing kept
        return await again(request, {}, _without_draft(data))
    draft = saved.draft
    if draft.kind == "reply":
        to = f"&to={draft.reply_to}" if draft.reply_to else ""
        return RedirectResponse(f"/stories/{draft.thread_id}/reply?draft={draft.id}&saved=1"
                                f"{to}{care}", status_code=303)
    return RedirectResponse(f"/stories/new?draft={draft.id}&saved=1{care}", status_code=303)


def _without_draft(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in ("draft_id", "csrf_token")} or {
        "body": ""}


# --- previews without JavaScript: the same composer, the preview above it -----------------

async def _preview(request: Request, again: FormPage) -> Response:
    form = await read_form(request)
    try:
        request.state.preview_html = await use.preview(
            context_of(request), parse_input(PreviewIn, {"body": form.get("body", "")}))
    except FormInvalid as invalid:
        return with_headers(await again(request, invalid.errors, form,
                                        status_code=invalid.status_code), invalid)
    return await again(request, {}, form or {"body": ""})


async def preview_story(request: Request) -> Response:
    return await _preview(request, stories.new_story_form)


async def preview_reply(request: Request) -> Response:
    return await _preview(request, stories.reply_form)


async def preview_edit(request: Request) -> Response:
    return await _preview(request, stories.edit_form)


async def preview_guest_story(request: Request) -> Response:
    return await _preview(request, guests.story_form)


async def preview_guest_reply(request: Request) -> Response:
    return await _preview(request, guests.reply_form)
