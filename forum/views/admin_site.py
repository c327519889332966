"""Admins run the community (under /admin): categories, the site's name and description,
and the about / guidelines / privacy pages. Pages only: the API has no admin equivalents
for these."""

from __future__ import annotations

from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from forum.actions.categories import (
    create_category,
    delete_category,
    move_category,
    update_category,
)
from forum.actions.site import save_site_page, save_site_settings
from forum.forms import FormInvalid
from forum.models.content import Premoderation
from forum.queries.content import get_category_or_404
from forum.queries.site import PAGES, SiteIdentityHolder, categories_for_admins, site_page
from forum.request_context import context_of
from forum.schemas.base import parse_input
from forum.schemas.site import (
    PREMODERATION_LABELS,
    CategoryIn,
    MoveIn,
    NewCategoryIn,
    SitePageIn,
    SiteSettingsIn,
)
from forum.templating import render
from forum.web import read_form

NEW_CATEGORY = {"allow_anonymous": True, "allow_guests": False,
                "premoderation": Premoderation.NEW_MEMBERS.value}


def _holder(request: Request) -> SiteIdentityHolder:
    holder: SiteIdentityHolder = request.app.state.site_identity
    return holder


async def category_list(request: Request, error: str = "", status_code: int = 200) -> Response:
    return render(request, "admin/categories.html", {
        "rows": await categories_for_admins(), "error": error,
        "premoderation_labels": PREMODERATION_LABELS,
    }, status_code=status_code)


async def category_form(request: Request, errors: dict[str, str] | None = None,
                        values: dict[str, Any] | None = None,
                        status_code: int = 200) -> Response:
    slug = request.path_params.get("slug")
    category = await get_category_or_404(slug) if slug is not None else None
    if values is None:
        values = NEW_CATEGORY if category is None else {
            "name": category.name, "description": category.description,
            "allow_anonymous": category.allow_anonymous,
            "allow_guests": category.allow_guests,
            "premoderation": category.premoderation.value}
    return render(request, "admin/category_form.html", {
        "category": category, "values": values, "errors": errors or {},
        "premoderation_labels": PREMODERATION_LABELS,
    }, status_code=status_code)


async def create(request: Request) -> Response:
    data = await read_form(request)
    try:
        category = await create_category(context_of(request), parse_input(NewCategoryIn, data))
    except FormInvalid as invalid:
        return await category_form(request, invalid.errors, invalid.values, 422)
    return RedirectResponse(f"/admin/categories#category-{category.slug}", status_code=303)


async def save(request: Request) -> Response:
    slug = str(request.path_params["slug"])
    data = await read_form(request)
    try:
        await update_category(context_of(request), slug, parse_input(CategoryIn, data))
    except FormInvalid as invalid:
        return await category_form(request, invalid.errors, invalid.values, 422)
    return RedirectResponse(f"/admin/categories#category-{slug}", status_code=303)


async def move(request: Request) -> Response:
    slug = str(request.path_params["slug"])
    try:
        form = parse_input(MoveIn, await read_form(request))
    except FormInvalid:
        raise HTTPException(400, "Move a category up or down.") from None
    await move_category(context_of(request), slug, form)
    return RedirectResponse(f"/admin/categories#category-{slug}", status_code=303)


async def delete(request: Request) -> Response:
    try:
        await delete_category(context_of(request), str(request.path_params["slug"]))
    except FormInvalid as invalid:
        return await category_list(request, invalid.errors.get("form", ""), invalid.status_code)
    return RedirectResponse("/admin/categories", status_code=303)


async def settings_page(request: Request, errors: dict[str, str] | None = None,
                        values: dict[str, Any] | None = None,
                        status_code: int = 200) -> Response:
    identity = _holder(request).current
    return render(request, "admin/site.html", {
        "values": values or identity.__dict__, "errors": errors or {},
        "pages": PAGES, "saved": request.query_params.get("saved") == "1" and not errors,
    }, status_code=status_code)


async def save_settings(request: Request) -> Response:
    data = await read_form(request)
    try:
        identity = await save_site_settings(context_of(request),
                                            parse_input(SiteSettingsIn, data))
    except FormInvalid as invalid:
        return await settings_page(request, invalid.errors, invalid.values, 422)
    _holder(request).replace(identity)
    if (cache := request.app.state.page_cache) is not None:
        cache.clear()
    return RedirectResponse("/admin/site?saved=1", status_code=303)


def _page_slug(request: Request) -> str:
    slug = str(request.path_params["page"])
    if slug not in PAGES:
        raise HTTPException(404, "We couldn't find that.")
    return slug


async def page_form(request: Request, errors: dict[str, str] | None = None,
                    values: dict[str, Any] | None = None, status_code: int = 200) -> Response:
    page = await site_page(_page_slug(request))
    return render(request, "admin/page_form.html", {
        "page": page, "values": values or {"body": page.body_md}, "errors": errors or {},
    }, status_code=status_code)


async def save_page(request: Request) -> Response:
    slug = _page_slug(request)
    data = await read_form(request)
    try:
        await save_site_page(context_of(request), slug, parse_input(SitePageIn, data))
    except FormInvalid as invalid:
        return await page_form(request, invalid.errors, invalid.values, 422)
    return RedirectResponse(f"/{slug}", status_code=303)
