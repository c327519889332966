"""Admins look after the crisis resource directory and the crisis alerts (under /admin)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from forum.actions.resources import save_resource, set_resource_enabled, verify_resource
from forum.forms import FormInvalid
from forum.queries.resources import (
    all_resources,
    get_resource_or_404,
    recent_alerts,
    stale_resources,
)
from forum.request_context import context_of
from forum.safety.resources import SHIPPED
from forum.schemas.base import parse_input
from forum.schemas.resources import EnableInput, ResourceInput
from forum.templating import render
from forum.web import int_param, read_form


async def resource_list(request: Request) -> Response:
    return render(request, "admin/resources.html", {
        "resources": await all_resources(), "stale": await stale_resources(),
        "alerts": await recent_alerts(), "countries": SHIPPED.countries,
    })


async def resource_form(request: Request, errors: dict[str, str] | None = None,
                        values: dict[str, Any] | None = None, status_code: int = 200) -> Response:
    resource_id = _resource_id(request)
    resource = await get_resource_or_404(resource_id) if resource_id is not None else None
    if values is None and resource is not None:
        values = {name: getattr(resource, name) for name in (
            "name", "country", "topics", "description", "phone", "phone_display",
            "text_number", "text_keyword", "chat_url", "website", "hours", "source",
            "last_verified", "enabled")}
        values["languages"] = ", ".join(resource.languages)
    return render(request, "admin/resource_form.html", {
        "resource": resource, "values": values or {"enabled": True, "topics": []},
        "errors": errors or {}, "topics": SHIPPED.topics, "countries": SHIPPED.countries,
    }, status_code=status_code)


def _resource_id(request: Request) -> int | None:
    return int_param(request, "resource_id") if "resource_id" in request.path_params else None


async def save(request: Request) -> Response:
    try:
        form = parse_input(ResourceInput, await read_form(request))
        await save_resource(context_of(request), _resource_id(request), form)
    except FormInvalid as invalid:
        return await resource_form(request, invalid.errors, invalid.values, status_code=422)
    return RedirectResponse("/admin/resources", status_code=303)


async def verify(request: Request) -> Response:
    await verify_resource(context_of(request), int_param(request, "resource_id"))
    return RedirectResponse("/admin/resources", status_code=303)


async def enable(request: Request) -> Response:
    form = parse_input(EnableInput, await read_form(request))
    await set_resource_enabled(context_of(request), int_param(request, "resource_id"), form)
    return RedirectResponse("/admin/resources", status_code=303)
