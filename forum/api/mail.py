"""A member's email choices through the JSON API (the unsubscribe link is the same URL for
pages and mail clients: forum.views.mail)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from forum import permissions
from forum.actions.preferences import save_mail_preferences
from forum.mail.addresses import verified_email
from forum.mail.choices import choices_of, is_moderator
from forum.models.accounts import User
from forum.request_context import context_of
from forum.schemas.base import parse_input
from forum.schemas.mail import MailPreferencesIn
from forum.web import read_json, viewer_of


def _answer(user: User, changed: bool | None = None) -> Response:
    body: dict[str, object] = {
        "choices": {k: v.value for k, v in choices_of(user).items()},
        "fuller": user.mail_fuller, "address_verified": verified_email(user) is not None}
    if changed is not None:
        body["changed"] = changed
    return JSONResponse(body)


async def mail_preferences(request: Request) -> Response:
    return _answer(permissions.ensure_signed_in(viewer_of(request)))


async def update_mail_preferences(request: Request) -> Response:
    ctx = context_of(request)
    viewer: User = permissions.ensure_signed_in(ctx.viewer)
    data = parse_input(MailPreferencesIn, await read_json(request)).checked(is_moderator(viewer))
    return _answer(viewer, await save_mail_preferences(ctx, data))
