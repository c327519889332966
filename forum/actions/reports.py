"""A member tells the moderators about a post."""

from __future__ import annotations

from tortoise.exceptions import IntegrityError

from forum import permissions
from forum.actions.context import Context, enforce_limit
from forum.forms import FormInvalid
from forum.models.accounts import User
from forum.models.content import Post
from forum.models.moderation import Report, ReportReason
from forum.queries.content import get_post_or_404
from forum.schemas.moderation import ReportInput

ALREADY_REPORTED = ("You've already reported this post, and a moderator will look at it. "
                    "You'll get a private note when they have.")

REPORT_LIMITED = ("You've sent several reports in a short time. Please wait about {wait} and "
                  "send this one again — your note is kept below. If someone is in danger "
                  "right now, the Get help link at the top of the page lists emergency numbers.")


async def report_post(ctx: Context, post_id: int, form: ReportInput) -> Report:
    """The whole sequence, for the page and the API: the post as this member may see it,
    whether they may report it, the rate limit, then the report."""
    post = await get_post_or_404(post_id, ctx.viewer)
    permissions.ensure_can_report(ctx.viewer, post)
    reporter = ctx.viewer
    assert reporter is not None  # ensure_can_report refuses visitors
    values = {"reason": form.reason.value, "note": form.note}
    await enforce_limit(ctx, "report", str(reporter.id), values, REPORT_LIMITED)
    return await file_report(reporter, post, form.reason, form.note)


async def file_report(reporter: User, post: Post, reason: ReportReason, note: str) -> Report:
    """One open report per member per post; a second is refused kindly."""
    try:
        return await Report.create(post=post, reporter=reporter, reason=reason, note=note,
                                   open_key=f"{post.id}:{reporter.id}")
    except IntegrityError as exc:
        raise FormInvalid({"reason": ALREADY_REPORTED},
                          {"reason": reason.value, "note": note}) from exc
