"""Admins look after the crisis resource directory and the crisis alerts (under /admin)."""

from __future__ import annotations

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
from forum.resource_forms import parse_resource
from forum.safety.resources import SHIPPED
from forum.templating import render
from forum.web import int_param, read_form, viewer_of


async def resource_list(request: Request) -> Response:
    return render(request, "admin/resources.html", {
        "resources": await all_resources(), "stale": await stale_resources(),
        "alerts": await recent_alerts(), "countries": SHIPPED.countries,
    })


async def resource_form(request: Request, errors: dict | None = None,
                        values: dict | None = None, status_code: int = 200) -> Response:
    resource = None
    if "resource_id" in request.path_params:
        resource = await get_resource_or_404(int_param(request, "resource_id"))
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


async def save(request: Request) -> Response:
    actor = viewer_of(request)
    assert actor is not None  # the /admin mount's guard let only admins in
    resource = None
    if "resource_id" in request.path_params:
        resource = await get_resource_or_404(int_param(request, "resource_id"))
    data = await read_form(request)
    try:
        values = parse_resource(data)
    except FormInvalid as invalid:
        return await resource_form(request, invalid.errors, invalid.values, status_code=422)
    await save_resource(actor, resource, values)
    return RedirectResponse("/admin/resources", status_code=303)


async def verify(request: Request) -> Response:
    actor = viewer_of(request)
    assert actor is not None
    await verify_resource(actor, await get_resource_or_404(int_param(request, "resource_id")))
    return RedirectResponse("/admin/resources", status_code=303)


async def enable(request: Request) -> Response:
    actor = viewer_of(request)
    assert actor is not None
    resource = await get_resource_or_404(int_param(request, "resource_id"))
    data = await read_form(request)
    await set_resource_enabled(actor, resource, str(data.get("enabled")) == "1")
    return RedirectResponse("/admin/resources", status_code=303)
