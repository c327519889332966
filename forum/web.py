"""Request helpers shared by the HTML views and the JSON API."""

from __future__ import annotations

import secrets
from ipaddress import ip_address, ip_network
from typing import Any, cast

from starlette.exceptions import HTTPException
from starlette.requests import Request

from forum.forms import parse_page
from forum.json_input import parse_json_object
from forum.models.accounts import User
from forum.numbers import ID_MAX, whole_number
from forum.safety.resources import REGION_COOKIE, resolve_region
from forum.settings import Settings

MULTI_VALUE_FIELDS = frozenset({"content_warnings", "topics", "post_ids"})


def settings_of(request: Request) -> Settings:
    return cast(Settings, request.app.state.settings)


def region_of(request: Request) -> str:
    """Where to look for help: profile country, chooser cookie, browser language, INTL."""
    viewer = viewer_of(request)
    return resolve_region(viewer.country if viewer else None,
                          request.cookies.get(REGION_COOKIE),
                          request.headers.get("accept-language"))


def viewer_of(request: Request) -> User | None:
    return cast(User | None, request.scope.get("state", {}).get("viewer"))


def session_token_of(request: Request) -> str | None:
    return cast(str | None, request.scope.get("state", {}).get("session_token"))


def client_address(request: Request) -> str:
    """The client's address, trusting X-Forwarded-For only from configured proxies."""
    peer = request.client.host if request.client else "unknown"
    trusted = settings_of(request).trusted_proxies
    if not trusted or not _in_networks(peer, trusted):
        return peer
    hops = [h.strip() for h in request.headers.get("x-forwarded-for", "").split(",") if h.strip()]
    for hop in reversed(hops):
        if not _in_networks(hop, trusted):
            return hop
    return peer


def _in_networks(address: str, networks: tuple[str, ...]) -> bool:
    try:
        ip = ip_address(address)
    except ValueError:
        return False
    return any(ip in ip_network(net, strict=False) for net in networks)


async def read_form(request: Request) -> dict[str, Any]:
    try:
        form = await request.form(max_files=0, max_fields=100)
    except HTTPException:
        raise
    except Exception as exc:
        raise HTTPException(400, "The form could not be read. Please try again.") from exc
    data: dict[str, Any] = {}
    for key, value in form.multi_items():
        if not isinstance(value, str):
            raise HTTPException(400, "Files can't be uploaded here.")
        if key in MULTI_VALUE_FIELDS:
            data.setdefault(key, []).append(value)
        else:
            data[key] = value
    # Kept for the outage page, which gives back what was typed if the database is gone.
    request.scope.setdefault("state", {})["form_values"] = data
    return data


async def read_json(request: Request) -> dict[str, Any]:
    return parse_json_object(await request.body())


PER_PAGE_MAX = 50


def per_page_param(request: Request, default: int = 20) -> int:
    """`?per_page=` for the API's lists: 1 to 50."""
    raw = request.query_params.get("per_page")
    if raw is None or raw == "":
        return default
    per_page = whole_number(raw, low=1, high=PER_PAGE_MAX)
    if per_page is None:
        raise HTTPException(400, f"per_page must be a whole number from 1 to {PER_PAGE_MAX}.")
    return per_page


def page_param(request: Request) -> int:
    page = parse_page(request.query_params.get("page"))
    if page is None:
        raise HTTPException(400, "The page number must be a whole number from 1 up.")
    return page


def int_param(request: Request, name: str) -> int:
    value = request.path_params[name]
    if not isinstance(value, int) or not 0 < value <= ID_MAX:
        raise HTTPException(404, "We couldn't find that.")
    return value


def new_submission_id() -> str:
    return secrets.token_urlsafe(18)
