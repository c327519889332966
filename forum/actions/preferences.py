"""A member's own preferences and reading their notifications."""

from __future__ import annotations

from datetime import UTC, datetime

from forum.models.accounts import User
from forum.models.notifications import Notification, SealedNotification
from forum.preference_forms import PreferencesForm
from forum.queries.community import own_sealed_notes


async def save_preferences(user: User, form: PreferencesForm) -> None:
    await User.filter(id=user.id).update(
        notification_prefs=form.notification_prefs, hide_activity=form.hide_activity,
        warning_prefs=form.warning_prefs, muted_words=form.muted_words)
    user.notification_prefs = form.notification_prefs
    user.hide_activity = form.hide_activity
    user.warning_prefs = form.warning_prefs
    user.muted_words = form.muted_words


async def mark_all_read(user: User) -> int:
    now = datetime.now(UTC)
    count = await Notification.filter(user_id=user.id, read_at__isnull=True).update(read_at=now)
    sealed = [note.id for note in await own_sealed_notes(user, unread_only=True)]
    if sealed:
        count += await SealedNotification.filter(id__in=sealed).update(read_at=now)
    return count
