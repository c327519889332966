"""A member's own preferences and reading their notifications."""

from __future__ import annotations

from datetime import UTC, datetime

from tortoise.expressions import F
from tortoise.transactions import in_transaction

from forum import permissions
from forum.actions.accounts import change_own_row
from forum.actions.context import Context
from forum.models.accounts import User
from forum.models.notifications import Notification
from forum.queries.community import own_sealed_notes
from forum.schemas.community import PreferencesIn


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
