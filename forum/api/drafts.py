"""Drafts and previews through the API: the composer's autosave and in-place preview use
these, beside the pages in forum/views/drafts.py — the same use-cases."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from forum.actions import drafts as use
from forum.api.safety import crisis_json
from forum.clock import iso_time
from forum.queries.drafts import OpenDraft
from forum.request_context import context_of
from forum.schemas.base import parse_input
from forum.schemas.drafts import DraftIn, PreviewIn
from forum.web import int_param, read_json


def draft_json(draft: OpenDraft) -> dict[str, Any]:
    return {"id": draft.id, "kind": draft.kind, "category": draft.category,
            "thread_id": draft.thread_id, "reply_to": draft.reply_to, "title": draft.title,
            "body": draft.body, "content_warnings": draft.content_warnings,
            "content_warning_note": draft.content_warning_note,
            "anonymous": draft.anonymous, "updated_at": iso_time(draft.updated_at)}


async def list_drafts(request: Request) -> Response:
    drafts = await use.list_my_drafts(context_of(request))
    return JSONResponse({"drafts": [draft_json(d) for d in drafts]})


async def save(request: Request) -> Response:
    data = parse_input(DraftIn, await read_json(request))
    saved = await use.save_draft(context_of(request), data)
    return JSONResponse({
        "draft": draft_json(saved.draft) if saved.draft else None,
        "crisis": await crisis_json(request, saved.crisis.value, data.title, data.body)})


async def one(request: Request) -> Response:
    draft = await use.open_my_draft(context_of(request), int_param(request, "draft_id"))
    return JSONResponse(draft_json(draft))


async def remove(request: Request) -> Response:
    await use.discard_draft(context_of(request), int_param(request, "draft_id"))
    return Response(status_code=204)


async def preview(request: Request) -> Response:
    data = parse_input(PreviewIn, await read_json(request))
    return JSONResponse({"html": await use.preview(context_of(request), data)})
