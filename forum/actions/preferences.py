"""A member's own preferences and reading their notifications."""

from __future__ import annotations

from tortoise.expressions import F

from forum import permissions
from forum.actions.accounts import change_own_row
from forum.actions.context import Context
from forum.models.notifications import Notification, SealedNotification
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

    Each note's read time is its own creation time, never one shared moment: a shared time
    would tie the member's plain notes to their sealed ones."""
    viewer = permissions.ensure_signed_in(ctx.viewer)
    count = await Notification.filter(user_id=viewer.id, read_at__isnull=True).update(
        read_at=F("created_at"))
    sealed = [note.id for note in await own_sealed_notes(viewer, unread_only=True)]
    if sealed:
        count += await SealedNotification.filter(id__in=sealed).update(read_at=F("created_at"))
    return count
