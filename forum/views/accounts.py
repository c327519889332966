"""Signing up, signing in and out, and account settings."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from forum import permissions
from forum.actions.accounts import (
    change_password,
    sign_in,
    sign_out,
    sign_out_everywhere,
    sign_up,
    update_settings,
)
from forum.forms import FormInvalid
from forum.models.accounts import SessionKind, User
from forum.queries.community import notifications_for
from forum.queries.content import my_posts
from forum.queries.resources import care_help
from forum.queries.site import Welcome, welcome_for_new_member
from forum.recovery_codes import recovery_codes_left
from forum.request_context import context_of
from forum.schemas.accounts import (
    USERNAME_INPUT_MAX,
    PasswordChangeIn,
    SettingsIn,
    SignInIn,
    SignUpIn,
    current_settings,
)
from forum.schemas.base import parse_input
from forum.sessions import SESSION_COOKIE, WEB_SESSION_DAYS
from forum.templating import render
from forum.web import read_form, region_of, session_token_of, settings_of, viewer_of

RECENT_ON_ACCOUNT_PAGE = 10
NO_STORE = {"Cache-Control": "private, no-store"}  # pages that hold secrets shown once


def safe_next(target: str | None) -> str:
    """Only same-site paths: a sign-in link must not bounce people to another site."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else "/"


def _signed_in(request: Request, token: str, target: str) -> Response:
    response = RedirectResponse(target, status_code=303)
    _set_session_cookie(request, response, token)
    return response


def _set_session_cookie(request: Request, response: Response, token: str) -> None:
    response.set_cookie(
        SESSION_COOKIE, token, max_age=WEB_SESSION_DAYS * 86400, httponly=True,
        samesite="lax", secure=settings_of(request).secure_cookies,
    )


async def signup_form(request: Request, errors: dict[str, str] | None = None,
                      values: dict[str, Any] | None = None, status_code: int = 200,
                      headers: dict[str, str] | None = None) -> Response:
    response = render(request, "accounts/signup.html",
                      {"errors": errors or {}, "values": values or {},
                       "next": safe_next(request.query_params.get("next"))},
                      status_code=status_code)
    response.headers.update(headers or {})
    return response


async def signup(request: Request) -> Response:
    data = await read_form(request)
    try:
        joined = await sign_up(context_of(request), parse_input(SignUpIn, data),
                               session=SessionKind.WEB)
    except FormInvalid as invalid:
        return await signup_form(request, invalid.errors, invalid.values,
                                 status_code=invalid.status_code, headers=invalid.headers)
    assert joined.token is not None
    # The recovery codes are shown this once, on the page that signs the new member in,
    # with what happens next (forum.queries.site.welcome_for_new_member).
    welcome = await welcome_for_new_member(context_of(request).approval_rules,
                                           request.app.state.site_identity.current)
    page = recovery_codes_page(request, joined.recovery_codes,
                               next_path=safe_next(str(data.get("next", "/"))), joined=True,
                               welcome=welcome)
    _set_session_cookie(request, page, joined.token)
    return page


def recovery_codes_page(request: Request, codes: list[str] | tuple[str, ...], *,
                        next_path: str = "/account", joined: bool = False,
                        welcome: Welcome | None = None) -> Response:
    """The codes, shown this once."""
    response = render(request, "accounts/recovery_codes.html",
                      {"codes": list(codes), "next": next_path, "joined": joined,
                       "welcome": welcome})
    response.headers.update(NO_STORE)
    return response


async def signin_form(request: Request, errors: dict[str, str] | None = None,
                      values: dict[str, Any] | None = None, status_code: int = 200,
                      headers: dict[str, str] | None = None) -> Response:
    typed = request.query_params.get("username", "")[:USERNAME_INPUT_MAX]
    response = render(request, "accounts/signin.html",
                      {"errors": errors or {}, "values": values or {"username": typed},
                       "next": safe_next(request.query_params.get("next"))},
                      status_code=status_code)
    response.headers.update(headers or {})
    return response


async def signin(request: Request) -> Response:
    data = await read_form(request)
    try:
        signed_in = await sign_in(context_of(request), parse_input(SignInIn, data),
                                  SessionKind.WEB, replacing=session_token_of(request))
    except FormInvalid as invalid:
        return await signin_form(request, invalid.errors, invalid.values,
                                 status_code=_page_status(invalid), headers=invalid.headers)
    assert signed_in.token is not None
    return _signed_in(request, signed_in.token, safe_next(str(data.get("next", "/"))))


def _page_status(invalid: FormInvalid) -> int:
    # Wrong credentials are the API's 401; to a browser, a 401 means "go and sign in", and
    # the page is already the sign-in form shown again with the problem.
    return 422 if invalid.status_code == 401 else invalid.status_code


async def signout(request: Request) -> Response:
    await sign_out(context_of(request), session_token_of(request))
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


async def signout_everywhere(request: Request) -> Response:
    await sign_out_everywhere(context_of(request))
    response = RedirectResponse("/signin?ended=all", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


async def account_page(request: Request, errors: dict[str, str] | None = None,
                       values: dict[str, Any] | None = None, status_code: int = 200,
                       notice: str | None = None,
                       headers: dict[str, str] | None = None) -> Response:
    viewer: User = permissions.ensure_signed_in(viewer_of(request))
    notes = (await notifications_for(viewer))[:RECENT_ON_ACCOUNT_PAGE]
    response = render(request, "accounts/settings.html",
                      {"errors": errors or {}, "values": values or current_settings(viewer),
                       "notifications": notes,
                       "codes_left": await recovery_codes_left(viewer),
                       "care_help": await care_help(notes, region_of(request)),
                       "notice": notice or _notice(request.query_params.get("done"))},
                      status_code=status_code)
    response.headers.update(headers or {})
    return response


def _notice(done: str | None) -> str | None:
    return {"settings": "Your settings are saved.",
            "verified": "Your email address is verified.",
            "link": "A new link is on its way to your email address.",
            "password": "Your password is changed. Other devices have been signed out."}.get(
        done or "")


async def save_settings(request: Request) -> Response:
    ctx = context_of(request)
    try:
        await update_settings(ctx, parse_input(SettingsIn, await read_form(request)))
    except FormInvalid as invalid:
        return await account_page(request, invalid.errors, invalid.values,
                                  status_code=invalid.status_code, headers=invalid.headers)
    return RedirectResponse("/account?done=settings", status_code=303)


async def password(request: Request) -> Response:
    ctx = context_of(request)
    try:
        # Every session ends with the change; this browser gets a new one.
        token = await change_password(ctx, parse_input(PasswordChangeIn,
                                                       await read_form(request)),
                                      SessionKind.WEB)
    except FormInvalid as invalid:
        return await account_page(request, invalid.errors, None,
                                  status_code=invalid.status_code, headers=invalid.headers)
    return _signed_in(request, token, "/account?done=password")


async def my_posts_page(request: Request) -> Response:
    viewer: User = permissions.ensure_signed_in(viewer_of(request))
    return render(request, "accounts/posts.html", {"posts": await my_posts(viewer)})
