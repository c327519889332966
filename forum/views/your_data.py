"""Export my data, delete my account (both ask for the password again)."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Awaitable
from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response

from forum import permissions
from forum.actions.your_data import delete_my_account, export_my_data
from forum.forms import FormInvalid
from forum.request_context import context_of
from forum.schemas.accounts import AccountDeletionIn, PasswordConfirmIn
from forum.schemas.base import parse_input
from forum.sessions import SESSION_COOKIE
from forum.templating import render
from forum.web import read_form, viewer_of


async def data_page(request: Request, errors: dict[str, str] | None = None,
                    status_code: int = 200, values: dict[str, Any] | None = None,
                    headers: dict[str, str] | None = None) -> Response:
    permissions.ensure_signed_in(viewer_of(request))
    response = render(request, "accounts/data.html",
                      {"errors": errors or {}, "values": values or {}},
                      status_code=status_code)
    response.headers.update(headers or {})
    return response


def _again(request: Request, invalid: FormInvalid) -> Awaitable[Response]:
    return data_page(request, invalid.errors, status_code=invalid.status_code,
                     values=invalid.values, headers=invalid.headers)


async def export_download(request: Request) -> Response:
    ctx = context_of(request)
    try:
        exported = await export_my_data(ctx, parse_input(PasswordConfirmIn,
                                                         await read_form(request)))
    except FormInvalid as invalid:
        return await _again(request, invalid)
    body = json.dumps(exported, ensure_ascii=False, indent=2)
    return Response(body, media_type="application/json", headers={
        "Content-Disposition": attachment(f"hearth-{exported['account']['username']}.json")})


def attachment(filename: str) -> str:
    """A Content-Disposition for any file name: headers are Latin-1, so the name itself goes
    in RFC 6266's `filename*` (UTF-8) with a plain-ASCII `filename` for old clients."""
    ascii_name = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode()
    ascii_name = re.sub(r'[^A-Za-z0-9._-]+', "_", ascii_name)
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


async def delete(request: Request) -> Response:
    ctx = context_of(request)
    try:
        await delete_my_account(ctx, parse_input(AccountDeletionIn, await read_form(request)))
    except FormInvalid as invalid:
        return await _again(request, invalid)
    request.scope["state"]["viewer"] = None
    response = render(request, "accounts/deleted.html", {})
    response.delete_cookie(SESSION_COOKIE)
    return response
