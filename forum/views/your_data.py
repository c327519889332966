"""Export my data, delete my account (both ask for the password again)."""

from __future__ import annotations

import json

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
        "Content-Disposition": f'attachment; filename="hearth-{viewer.username}.json"'})


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
