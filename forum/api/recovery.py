"""Getting back in through the API: reset links, recovery codes, address verification."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from forum import permissions
from forum.actions.addresses import resend_verification, verify_email
from forum.actions.recovery import (
    regenerate_recovery_codes,
    request_password_reset,
    reset_password,
)
from forum.request_context import context_of
from forum.schemas.accounts import (
    EmailVerifyIn,
    PasswordConfirmIn,
    PasswordResetConfirmIn,
    PasswordResetIn,
)
from forum.schemas.base import parse_input
from forum.web import read_json


async def ask_for_reset(request: Request) -> Response:
    detail = await request_password_reset(context_of(request),
                                          parse_input(PasswordResetIn, await read_json(request)))
    return JSONResponse({"detail": detail}, status_code=202)


async def confirm_reset(request: Request) -> Response:
    user = await reset_password(context_of(request),
                                parse_input(PasswordResetConfirmIn, await read_json(request)))
    return JSONResponse({"username": user.username})


async def confirm_address(request: Request) -> Response:
    await verify_email(context_of(request), parse_input(EmailVerifyIn, await read_json(request)))
    return Response(status_code=204)


async def send_address_link(request: Request) -> Response:
    await resend_verification(context_of(request))
    return Response(status_code=202)


async def new_recovery_codes(request: Request) -> Response:
    ctx = context_of(request)
    permissions.ensure_signed_in(ctx.viewer)  # a visitor's body is not read
    codes = await regenerate_recovery_codes(ctx, parse_input(PasswordConfirmIn,
                                                             await read_json(request)))
    return JSONResponse({"recovery_codes": codes}, status_code=201)
