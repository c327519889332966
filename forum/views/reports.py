"""Reporting a post."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from forum import permissions
from forum.actions.reports import REPORT_LIMITED, report_post
from forum.forms import FormInvalid
from forum.moderation_forms import REPORT_REASONS, parse_report
from forum.queries.content import get_post_or_404
from forum.templating import render
from forum.web import enforce_form_rate_limit, int_param, read_form, viewer_of


async def report_form(request: Request, errors: dict | None = None, values: dict | None = None,
                      status_code: int = 200) -> Response:
    viewer = viewer_of(request)
    post = await get_post_or_404(int_param(request, "post_id"), viewer)
    permissions.ensure_can_report(viewer, post)
    return render(request, "stories/report.html", {
        "post": post, "thread": post.thread, "reasons": REPORT_REASONS,
        "errors": errors or {}, "values": values or {},
        "done": request.query_params.get("done") == "1",
    }, status_code=status_code)


async def report(request: Request) -> Response:
    viewer = viewer_of(request)
    post = await get_post_or_404(int_param(request, "post_id"), viewer)
    permissions.ensure_can_report(viewer, post)
    assert viewer is not None
    data = await read_form(request)
    try:
        form = parse_report(data)
        await enforce_form_rate_limit(request, "report", str(viewer.id), data, REPORT_LIMITED)
        await report_post(viewer, post, form)
    except FormInvalid as invalid:
        return await report_form(request, invalid.errors, invalid.values,
                                 status_code=invalid.status_code)
    return RedirectResponse(f"/posts/{post.id}/report?done=1", status_code=303)
