"""The composer's live check of a draft for crisis language. Nothing is stored or logged."""

from __future__ import annotations

from forum.actions.context import Context, enforce_limit
from forum.safety.crisis import CrisisLevel, detect
from forum.schemas.community import DraftCheckIn

TOO_MANY_CHECKS = ("There were too many checks in a short time. Please try again in about "
                   "{wait}.")


async def check_draft(ctx: Context, data: DraftCheckIn) -> CrisisLevel:
    """How the draft sounds (none, concern, urgent), limited per address."""
    await enforce_limit(ctx, "safety_check", ctx.client, {}, TOO_MANY_CHECKS)
    return detect(data.text).level
