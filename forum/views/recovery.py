"""Getting back in: asking for a reset link, setting a new password with it or with a
recovery code, verifying an address, and seeing new recovery codes."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from forum.actions.addresses import resend_verification, verify_email
from forum.actions.recovery import (
    regenerate_recovery_codes,
    request_password_reset,
    reset_link_works,
    reset_password,
)
from forum.forms import FormInvalid
from forum.request_context import context_of
from forum.schemas.accounts import (
    LINK_NOT_WORKING,
    TOKEN_CHARACTERS,
    TOKEN_INPUT_MAX,
    EmailVerifyIn,
    PasswordConfirmIn,
    PasswordResetConfirmIn,
    PasswordResetIn,
)
from forum.schemas.base import parse_input
from forum.templating import render
from forum.views.accounts import NO_STORE, account_page, recovery_codes_page
from forum.web import read_form


def _page(request: Request, name: str, context: dict[str, Any], status_code: int = 200,
          headers: dict[str, str] | None = None) -> Response:
    response = render(request, name, {"errors": {}, "values": {}, **context},
                      status_code=status_code)
    response.headers.update({**NO_STORE, **(headers or {})})
    return response


def _query_token(request: Request) -> str:
    token = request.query_params.get("token", "")
    ok = len(token) <= TOKEN_INPUT_MAX and TOKEN_CHARACTERS.fullmatch(token)
    return token if ok else ""


async def reset_request_form(request: Request) -> Response:
    return _page(request, "accounts/reset_request.html", {})


async def reset_request(request: Request) -> Response:
    try:
        message = await request_password_reset(
            context_of(request), parse_input(PasswordResetIn, await read_form(request)))
    except FormInvalid as invalid:
        return _page(request, "accounts/reset_request.html",
                     {"errors": invalid.errors, "values": invalid.values},
                     status_code=invalid.status_code, headers=invalid.headers)
    return _page(request, "accounts/reset_sent.html", {"message": message})


async def reset_confirm_form(request: Request) -> Response:
    """The new-password form behind a reset link (the link is checked, not used, so a mail
    scanner opening it spends nothing)."""
    token = _query_token(request)
    if not token or not await reset_link_works(token):
        return _page(request, "accounts/reset_confirm.html",
                     {"token": "", "errors": {"token": LINK_NOT_WORKING}}, status_code=410)
    return _page(request, "accounts/reset_confirm.html", {"token": token})


async def recovery_form(request: Request) -> Response:
    return _page(request, "accounts/recover_with_code.html", {})


async def reset_confirm(request: Request) -> Response:
    """Either form lands here; done, the person signs in with the new password (see the
    README: the browser then offers to save it with the username)."""
    data = await read_form(request)
    with_code = not data.get("token")
    try:
        user = await reset_password(context_of(request),
                                    parse_input(PasswordResetConfirmIn, data))
    except FormInvalid as invalid:
        template = ("accounts/recover_with_code.html" if with_code
                    else "accounts/reset_confirm.html")
        return _page(request, template,
                     {"errors": invalid.errors, "values": invalid.values,
                      "token": "" if "token" in invalid.errors else str(data.get("token", ""))},
                     status_code=invalid.status_code, headers=invalid.headers)
    query = urlencode({"reset": "done", "username": user.username})
    return RedirectResponse(f"/signin?{query}", status_code=303)


async def verify_form(request: Request) -> Response:
    """A verification link opens a page with one button: opening the link alone changes
    nothing (mail scanners open links)."""
    token = _query_token(request)
    status = 200 if token else 410
    errors = {} if token else {"token": LINK_NOT_WORKING}
    return _page(request, "accounts/verify_email.html", {"token": token, "errors": errors},
                 status_code=status)


async def verify(request: Request) -> Response:
    ctx = context_of(request)
    try:
        user = await verify_email(ctx, parse_input(EmailVerifyIn, await read_form(request)))
    except FormInvalid as invalid:
        return _page(request, "accounts/verify_email.html",
                     {"token": "", "errors": invalid.errors}, status_code=invalid.status_code)
    mine = ctx.viewer is not None and ctx.viewer.id == user.id
    target = "/account?done=verified" if mine else "/signin?verified=1"
    return RedirectResponse(target, status_code=303)


async def resend(request: Request) -> Response:
    try:
        await resend_verification(context_of(request))
    except FormInvalid as invalid:
        return await account_page(request, invalid.errors, None,
                                  status_code=invalid.status_code, headers=invalid.headers)
    return RedirectResponse("/account?done=link", status_code=303)


async def new_codes(request: Request) -> Response:
    try:
        codes = await regenerate_recovery_codes(
            context_of(request), parse_input(PasswordConfirmIn, await read_form(request)))
    except FormInvalid as invalid:
        return await account_page(request, invalid.errors, None,
                                  status_code=invalid.status_code, headers=invalid.headers)
    return recovery_codes_page(request, codes)
