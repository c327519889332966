"""Signing up, signing in and out, and account settings."""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from forum import permissions
from forum.actions.accounts import authenticate, change_password, sign_up, update_settings
from forum.forms import (
    FormInvalid,
    parse_password_change,
    parse_settings,
    parse_signin,
    parse_signup,
)
from forum.models.accounts import User
from forum.queries.community import notifications_for
from forum.queries.content import my_posts
from forum.sessions import (
    SESSION_COOKIE,
    WEB_SESSION_DAYS,
    end_all_sessions,
    end_session,
    start_session,
)
from forum.templating import render
from forum.web import (
    client_address,
    enforce_rate_limit,
    read_form,
    session_token_of,
    settings_of,
    viewer_of,
)

RECENT_ON_ACCOUNT_PAGE = 10
SIGNIN_FAILED = "That username and password don't match an account. Please check and try again."


def safe_next(target: str | None) -> str:
    """Only same-site paths: a sign-in link must not bounce people to another site."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else "/"


def _signed_in(request: Request, token: str, target: str) -> Response:
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        SESSION_COOKIE, token, max_age=WEB_SESSION_DAYS * 86400, httponly=True,
        samesite="lax", secure=settings_of(request).secure_cookies,
    )
    return response


async def signup_form(request: Request, errors: dict | None = None, values: dict | None = None,
                      status_code: int = 200) -> Response:
    return render(request, "accounts/signup.html",
                  {"errors": errors or {}, "values": values or {},
                   "next": safe_next(request.query_params.get("next"))},
                  status_code=status_code)


async def signup(request: Request) -> Response:
    data = await read_form(request)
    await enforce_rate_limit(request, "signup", client_address(request))
    try:
        user = await sign_up(parse_signup(data))
    except FormInvalid as invalid:
        return await signup_form(request, invalid.errors, invalid.values, status_code=422)
    token = await start_session(user)
    return _signed_in(request, token, safe_next(str(data.get("next", "/"))))


async def signin_form(request: Request, errors: dict | None = None, values: dict | None = None,
                      status_code: int = 200) -> Response:
    return render(request, "accounts/signin.html",
                  {"errors": errors or {}, "values": values or {},
                   "next": safe_next(request.query_params.get("next"))},
                  status_code=status_code)


async def signin(request: Request) -> Response:
    data = await read_form(request)
    try:
        form = parse_signin(data)
    except FormInvalid as invalid:
        return await signin_form(request, invalid.errors, invalid.values, status_code=422)
    await enforce_rate_limit(request, "signin_ip", client_address(request))
    await enforce_rate_limit(request, "signin", form.username.casefold())
    user = await authenticate(form)
    if user is None:
        return await signin_form(request, {"form": SIGNIN_FAILED},
                                 {"username": form.username}, status_code=422)
    if permissions.is_locked_out(user):
        return await signin_form(request, {"form": permissions.locked_out_message(user)},
                                 {"username": form.username}, status_code=403)
    old_token = session_token_of(request)
    if old_token:
        await end_session(old_token)
    token = await start_session(user)
    return _signed_in(request, token, safe_next(str(data.get("next", "/"))))


async def signout(request: Request) -> Response:
    token = session_token_of(request)
    if token:
        await end_session(token)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


async def signout_everywhere(request: Request) -> Response:
    viewer = permissions.ensure_signed_in(viewer_of(request))
    await end_all_sessions(viewer.id)
    response = RedirectResponse("/signin?ended=all", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


async def account_page(request: Request, errors: dict | None = None, values: dict | None = None,
                       status_code: int = 200, notice: str | None = None) -> Response:
    viewer: User = permissions.ensure_signed_in(viewer_of(request))
    values = values or {
        "display_name": viewer.display_name, "bio": viewer.bio, "email": viewer.email or "",
        "country": viewer.country or "", "expand_warnings": viewer.expand_warnings,
    }
    return render(request, "accounts/settings.html",
                  {"errors": errors or {}, "values": values,
                   "notifications": (await notifications_for(viewer))[:RECENT_ON_ACCOUNT_PAGE],
                   "notice": notice or _notice(request.query_params.get("done"))},
                  status_code=status_code)


def _notice(done: str | None) -> str | None:
    return {"settings": "Your settings are saved.",
            "password": "Your password is changed. Other devices have been signed out."}.get(
        done or "")


async def save_settings(request: Request) -> Response:
    viewer = permissions.ensure_signed_in(viewer_of(request))
    data = await read_form(request)
    try:
        await update_settings(viewer, parse_settings(data))
    except FormInvalid as invalid:
        return await account_page(request, invalid.errors, invalid.values, status_code=422)
    return RedirectResponse("/account?done=settings", status_code=303)


async def password(request: Request) -> Response:
    viewer = permissions.ensure_signed_in(viewer_of(request))
    data = await read_form(request)
    try:
        await change_password(viewer, parse_password_change(data, viewer.username))
    except FormInvalid as invalid:
        return await account_page(request, invalid.errors, None, status_code=422)
    # Every session ended with the change; this browser gets a new one.
    token = await start_session(viewer)
    return _signed_in(request, token, "/account?done=password")


async def my_posts_page(request: Request) -> Response:
    viewer: User = permissions.ensure_signed_in(viewer_of(request))
    return render(request, "accounts/posts.html", {"posts": await my_posts(viewer)})
