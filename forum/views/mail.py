"""A member's email choices, and the one-click unsubscribe page of every email."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from forum import permissions
from forum.actions.preferences import save_mail_preferences, unsubscribe_by_link
from forum.forms import FormInvalid
from forum.mail.addresses import verified_email
from forum.mail.choices import (
    CADENCE_LABELS,
    MEMBER_CADENCES,
    MEMBER_KINDS,
    MODERATOR_KINDS,
    choices_of,
    is_moderator,
)
from forum.mail.unsubscribe import read_token
from forum.models.accounts import User
from forum.request_context import context_of
from forum.schemas.mail import mail_preferences_from_form
from forum.templating import render
from forum.web import read_form, viewer_of

BAD_LINK = ("This unsubscribe link isn't one of ours, or it was changed on the way. You can "
            "choose your emails after signing in, on the Email page of your account.")


async def email_page(request: Request, errors: dict[str, str] | None = None,
                     status_code: int = 200) -> Response:
    viewer: User = permissions.ensure_signed_in(viewer_of(request))
    moderator = is_moderator(viewer)
    return render(request, "mail/preferences.html", {
        "member_kinds": MEMBER_KINDS, "moderator_kinds": MODERATOR_KINDS if moderator else {},
        "member_cadences": MEMBER_CADENCES, "labels": CADENCE_LABELS,
        "chosen": choices_of(viewer), "fuller": viewer.mail_fuller,
        "verified": verified_email(viewer) is not None, "errors": errors or {},
        "notice": "Saved." if request.query_params.get("done") == "1" else None,
    }, status_code=status_code)


async def save_email_page(request: Request) -> Response:
    ctx = context_of(request)
    viewer: User = permissions.ensure_signed_in(ctx.viewer)
    try:
        await save_mail_preferences(ctx, mail_preferences_from_form(
            await read_form(request), is_moderator(viewer)))
    except FormInvalid as invalid:
        return await email_page(request, invalid.errors, status_code=invalid.status_code)
    return RedirectResponse("/account/email?done=1", status_code=303)


async def unsubscribe_page(request: Request) -> Response:
    """GET only asks (mail scanners open links by themselves); the button POSTs."""
    token = request.path_params["link"]
    found = read_token(request.app.state.settings, token)
    if found is None:
        raise HTTPException(400, BAD_LINK)
    return render(request, "mail/unsubscribe.html", {
        "token": token, "kinds": _labels(found.kinds), "done": False})


async def unsubscribe(request: Request) -> Response:
    """RFC 8058 one-click (a mail client POSTs `List-Unsubscribe=One-Click`) and the page's
    button alike: no sign-in and no form token — the signed link is the proof."""
    done = await unsubscribe_by_link(request.app.state.settings, request.path_params["link"])
    return render(request, "mail/unsubscribe.html", {
        "token": "", "kinds": _labels(done.kinds), "done": True})


def _labels(kinds: tuple[str, ...]) -> list[str]:
    every = {**{k: v[0] for k, v in MEMBER_KINDS.items()},
             **{k: v[0] for k, v in MODERATOR_KINDS.items()}}
    return [every[k] for k in kinds if k in every]
