"""Accounts, tokens and the signed-in person's own account."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from forum import permissions
from forum.actions.accounts import (
    change_password,
    sign_in,
    sign_out_everywhere,
    sign_out_token,
    sign_up,
    update_settings,
)
from forum.api.serialize import account_json
from forum.models.accounts import SessionKind
from forum.request_context import context_of
from forum.schemas.accounts import PasswordChangeIn, SettingsIn, SignInIn, SignUpIn, patched
from forum.schemas.base import parse_input
from forum.web import read_json, session_token_of, viewer_of


async def create_account(request: Request) -> Response:
    joined = await sign_up(context_of(request), parse_input(SignUpIn, await read_json(request)))
    return JSONResponse({**account_json(joined.user),
                         "recovery_codes": list(joined.recovery_codes)}, status_code=201)


async def create_token(request: Request) -> Response:
    signed_in = await sign_in(context_of(request),
                              parse_input(SignInIn, await read_json(request)), SessionKind.API)
    return JSONResponse({"token": signed_in.token, "token_type": "Bearer"}, status_code=201)


async def delete_current_token(request: Request) -> Response:
    await sign_out_token(context_of(request), session_token_of(request))
    return Response(status_code=204)


async def me(request: Request) -> Response:
    viewer = permissions.ensure_signed_in(viewer_of(request))
    return JSONResponse(account_json(viewer))


async def update_me(request: Request) -> Response:
    ctx = context_of(request)
    viewer = permissions.ensure_signed_in(ctx.viewer)  # a visitor's body is not read
    await update_settings(ctx, parse_input(SettingsIn, patched(viewer, await read_json(request))))
    return JSONResponse(account_json(viewer))


async def change_my_password(request: Request) -> Response:
    ctx = context_of(request)
    permissions.ensure_signed_in(ctx.viewer)  # a visitor's body is not read
    token = await change_password(ctx, parse_input(PasswordChangeIn, await read_json(request)),
                                  SessionKind.API)
    return JSONResponse({"token": token, "token_type": "Bearer"})


async def end_my_sessions(request: Request) -> Response:
    await sign_out_everywhere(context_of(request))
    return Response(status_code=204)
