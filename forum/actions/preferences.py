"""A member's own preferences (the site's and email's), one-click unsubscribing, and reading
their notifications."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from starlette.exceptions import HTTPException
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from forum import permissions
from forum.actions.accounts import change_own_row
from forum.actions.context import Context
from forum.mail.choices import Cadence, is_moderator
from forum.mail.unsubscribe import read_token
from forum.models.accounts import User
from forum.models.notifications import Notification
from forum.queries.community import own_sealed_notes
from forum.schemas.community import PreferencesIn
from forum.schemas.mail import MailPreferencesIn
from forum.settings import Settings


async def save_preferences(ctx: Context, data: PreferencesIn) -> bool:
    """Notification choices, warned themes, muted words, activity on the profile; whether
    anything changed."""
    viewer = permissions.ensure_signed_in(ctx.viewer)
    changes = {"notification_prefs": data.notification_prefs,
               "hide_activity": data.hide_activity,
               "warning_prefs": data.warning_prefs, "muted_words": data.muted_words}
    return await change_own_row(viewer, changes)


async def mark_all_read(ctx: Context) -> int:
    """Every notification of the signed-in member read (sealed ones too); how many.

    It writes the member's plain notes and their own row, never a sealed note: a sealed
    note written in the same transaction as the member's rows would be tied to them.
    Sealed notes created before this moment count as read (``sealed_notes_read_before``).
    Each plain note's read time is its own creation time, never one shared moment."""
    viewer = permissions.ensure_signed_in(ctx.viewer)
    sealed = len(await own_sealed_notes(viewer, unread_only=True))
    moment = datetime.now(UTC)
    async with in_transaction():
        count = await Notification.filter(user_id=viewer.id, read_at__isnull=True).update(
            read_at=F("created_at"))
        await User.filter(id=viewer.id).update(sealed_notes_read_before=moment)
    viewer.sealed_notes_read_before = moment
    return count + sealed


async def save_mail_preferences(ctx: Context, data: MailPreferencesIn) -> bool:
    """How often each kind of notification is emailed, and how much the emails say;
    whether anything changed."""
    viewer = permissions.ensure_signed_in(ctx.viewer)
    data.checked(is_moderator(viewer))
    changes: dict[str, object] = {
        "mail_prefs": {**(viewer.mail_prefs or {}), **data.choices}}
    if data.fuller is not None:
        changes["mail_fuller"] = data.fuller
    return await change_own_row(viewer, changes)


@dataclass(frozen=True)
class Unsubscribed:
    kinds: tuple[str, ...]
    changed: bool


async def unsubscribe_by_link(settings: Settings, token: str) -> Unsubscribed:
    """The one-click unsubscribe of an email (no sign-in: the signed link is the proof):
    its kinds switched to "no email". Doing it again changes nothing and is fine."""
    found = read_token(settings, token)
    if found is None:
        raise HTTPException(400, "This unsubscribe link isn't one of ours, or it was changed "
                                 "on the way. You can choose your emails after signing in, "
                                 "on the Email page of your account.")
    async with in_transaction():
        user = await User.get_or_none(id=found.user_id)
        if user is None:
            raise HTTPException(404, "This account no longer exists, so it gets no email.")
        prefs = dict(user.mail_prefs or {})
        changed = any(prefs.get(kind) != Cadence.NONE.value for kind in found.kinds)
        prefs.update(dict.fromkeys(found.kinds, Cadence.NONE.value))
        if changed:
            await User.filter(id=user.id).update(mail_prefs=prefs)
    return Unsubscribed(found.kinds, changed)
