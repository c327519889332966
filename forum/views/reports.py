"""Reporting a post."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from forum import permissions
from forum.actions.reports import report_post
from forum.forms import FormInvalid
from forum.moderation_forms import REPORT_REASONS
from forum.queries.content import get_post_or_404
from forum.request_context import context_of
from forum.schemas.base import parse_input
from forum.schemas.moderation import ReportInput
from forum.templating import render
from forum.web import int_param, read_form, viewer_of


async def report_form(request: Request, errors: dict[str, str] | None = None,
                      values: dict[str, Any] | None = None, status_code: int = 200) -> Response:
    viewer = viewer_of(request)
    post = await get_post_or_404(int_param(request, "post_id"), viewer)
    permissions.ensure_can_report(viewer, post)
    return render(request, "stories/report.html", {
        "post": post, "thread": post.thread, "reasons": REPORT_REASONS,
        "errors": errors or {}, "values": values or {},
        "done": request.query_params.get("done") == "1",
    }, status_code=status_code)


async def report(request: Request) -> Response:
    post_id = int_param(request, "post_id")
    try:
        form = parse_input(ReportInput, await read_form(request))
        await report_post(context_of(request), post_id, form)
    except FormInvalid as invalid:
        return await report_form(request, invalid.errors, invalid.values,
                                 status_code=invalid.status_code)
    return RedirectResponse(f"/posts/{post_id}/report?done=1", status_code=303)
