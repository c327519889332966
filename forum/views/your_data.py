"""Export my data, delete my account (both ask for the password again)."""

from __future__ import annotations

import json
import re
import unicodedata
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response

from forum import permissions
from forum.actions.your_data import delete_account, export
from forum.forms import FormInvalid
from forum.models.accounts import User
from forum.passwords import confirms_password
from forum.sessions import SESSION_COOKIE
from forum.templating import render
from forum.web import read_form, viewer_of

WRONG_PASSWORD = "That isn't your password. Nothing was changed."


async def data_page(request: Request, errors: dict | None = None,
                    status_code: int = 200) -> Response:
    permissions.ensure_signed_in(viewer_of(request))
    return render(request, "accounts/data.html", {"errors": errors or {}},
                  status_code=status_code)


async def _confirmed(request: Request) -> tuple[User, dict]:
    viewer: User = permissions.ensure_signed_in(viewer_of(request))
    data = await read_form(request)
    if not await confirms_password(viewer.password_hash, data.get("password")):
        raise FormInvalid({"password": WRONG_PASSWORD}, {}, status_code=403)
    return viewer, data


async def export_download(request: Request) -> Response:
    try:
        viewer, _data = await _confirmed(request)
    except FormInvalid as invalid:
        return await data_page(request, invalid.errors, status_code=invalid.status_code)
    body = json.dumps(await export(viewer), ensure_ascii=False, indent=2)
    return Response(body, media_type="application/json", headers={
        "Content-Disposition": attachment(f"hearth-{viewer.username}.json")})


def attachment(filename: str) -> str:
    """A Content-Disposition for any file name: headers are Latin-1, so the name itself goes
    in RFC 6266's `filename*` (UTF-8) with a plain-ASCII `filename` for old clients."""
    ascii_name = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode()
    ascii_name = re.sub(r"[^A-Za-z0-9._-]+", "_", ascii_name)
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


async def delete(request: Request) -> Response:
    try:
        viewer, data = await _confirmed(request)
    except FormInvalid as invalid:
        return await data_page(request, invalid.errors, status_code=invalid.status_code)
    if data.get("posts") not in ("keep", "remove"):
        return await data_page(request, {"posts": "Choose what happens to your posts."},
                               status_code=422)
    await delete_account(viewer, keep_posts=data["posts"] == "keep")
    request.scope["state"]["viewer"] = None
    response = render(request, "accounts/deleted.html", {})
    response.delete_cookie(SESSION_COOKIE)
    return response
