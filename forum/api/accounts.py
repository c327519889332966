"""Accounts, tokens and the signed-in person's own account."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from forum import permissions
from forum.actions.accounts import authenticate, change_password, sign_up, update_settings
from forum.api.serialize import account_json
from forum.errors import problem
from forum.forms import parse_password_change, parse_settings, parse_signin, parse_signup
from forum.models.accounts import SessionKind
from forum.sessions import end_all_sessions, end_session, start_session
from forum.views.accounts import SIGNIN_FAILED
from forum.web import client_address, enforce_rate_limit, read_json, session_token_of, viewer_of


async def create_account(request: Request) -> Response:
    data = await read_json(request)
    await enforce_rate_limit(request, "signup", client_address(request))
    user = await sign_up(parse_signup(data))
    return JSONResponse(account_json(user), status_code=201)


async def create_token(request: Request) -> Response:
    form = parse_signin(await read_json(request))
    await enforce_rate_limit(request, "signin_ip", client_address(request))
    await enforce_rate_limit(request, "token", form.username.casefold())
    user = await authenticate(form)
    if user is None:
        return problem(401, SIGNIN_FAILED)
    if permissions.is_locked_out(user):
        return problem(403, permissions.locked_out_message(user))
    token = await start_session(user, SessionKind.API)
    return JSONResponse({"token": token, "token_type": "Bearer"}, status_code=201)


async def delete_current_token(request: Request) -> Response:
    permissions.ensure_signed_in(viewer_of(request))
    token = session_token_of(request)
    if token:
        await end_session(token)
    return Response(status_code=204)


async def me(request: Request) -> Response:
    viewer = permissions.ensure_signed_in(viewer_of(request))
    return JSONResponse(account_json(viewer))


async def update_me(request: Request) -> Response:
    viewer = permissions.ensure_signed_in(viewer_of(request))
    current = account_json(viewer)
    changes = await read_json(request)
    merged = {k: current[k] for k in ("display_name", "bio", "email", "country",
                                      "expand_warnings")}
    merged.update({k: v for k, v in changes.items() if k in merged})
    merged = {k: ("" if v is None and k != "expand_warnings" else v) for k, v in merged.items()}
    await update_settings(viewer, parse_settings(merged))
    return JSONResponse(account_json(viewer))


async def change_my_password(request: Request) -> Response:
    viewer = permissions.ensure_signed_in(viewer_of(request))
    form = parse_password_change(await read_json(request), viewer.username)
    await change_password(viewer, form)
    token = await start_session(viewer, SessionKind.API)
    return JSONResponse({"token": token, "token_type": "Bearer"})


async def end_my_sessions(request: Request) -> Response:
    viewer = permissions.ensure_signed_in(viewer_of(request))
    await end_all_sessions(viewer.id)
    return Response(status_code=204)
