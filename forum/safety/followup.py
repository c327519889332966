"""After an urgent post is written: an alert for the crisis webhook, sent in the background."""

from __future__ import annotations

from forum.models.content import Post
from forum.models.safety import CrisisAlert
from forum.safety.alerts import send_in_background
from forum.safety.crisis import CrisisLevel
from forum.settings import Settings


async def follow_up(post: Post, settings: Settings, *, newly_urgent: bool = True) -> None:
    if post.crisis_level != CrisisLevel.URGENT or not newly_urgent:
        return
    if not settings.crisis_webhook_url:
        return
    alert = await CrisisAlert.create(post_id=post.id, level=post.crisis_level)
    send_in_background(alert.id, settings.crisis_webhook_url, settings.base_url)
