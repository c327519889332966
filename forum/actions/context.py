"""Who is acting and with what: the one argument every use-case takes besides its input.

A page handler and its API twin build the same `Context` from the request (see
`forum.request_context.context_of`), so a use-case sees the same viewer, client address,
settings and rate limiter whichever door the person came through.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from forum.forms import FormInvalid
from forum.models.accounts import User
from forum.queries.moderation import ApprovalRules
from forum.ratelimit import RateLimiter
from forum.settings import Settings


@dataclass(frozen=True)
class Context:
    viewer: User | None
    client: str  # the client's address, for per-address limits only (never stored)
    settings: Settings
    limiter: RateLimiter

    @property
    def approval_rules(self) -> ApprovalRules:
        return ApprovalRules(self.settings.new_member_days, self.settings.new_member_posts)


def wait_text(seconds: int) -> str:
    """How long to wait, as a person would say it: minutes, or hours past an hour and a half."""
    if seconds >= 90 * 60:
        hours = round(seconds / 3600)
        return f"{hours} hours"
    minutes = max(1, round(seconds / 60))
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


async def enforce_limit(ctx: Context, name: str, key: str, values: Mapping[str, Any],
                        message: str, *, at: float | None = None) -> None:
    """One hit on a rate limit; a refusal is a 429 that keeps what the person wrote.
    `message` may say `{wait}` for how long to wait; `at` as in `RateLimiter.hit`."""
    refusal = await ctx.limiter.hit(name, key, at=at)
    if refusal is None:
        return
    raise FormInvalid({"form": message.format(wait=wait_text(refusal.retry_after))}, values,
                      status_code=429, headers={"Retry-After": str(refusal.retry_after)})
