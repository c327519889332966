"""Admins see the background jobs waiting and failed, and try a failed one again."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from forum.actions.jobs import retry_job
from forum.queries.jobs import jobs_overview
from forum.request_context import context_of
from forum.templating import render
from forum.web import int_param


async def job_list(request: Request) -> Response:
    return render(request, "admin/jobs.html", {"jobs": await jobs_overview()})


async def retry(request: Request) -> Response:
    await retry_job(context_of(request), int_param(request, "job_id"))
    return RedirectResponse("/admin/jobs", status_code=303)
