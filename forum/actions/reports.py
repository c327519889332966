"""A member tells the moderators about a post."""

from __future__ import annotations

from tortoise.exceptions import IntegrityError

from forum.forms import FormInvalid
from forum.models.accounts import User
from forum.models.content import Post
from forum.models.moderation import Report
from forum.moderation_forms import ReportForm

ALREADY_REPORTED = ("You've already reported this post, and a moderator will look at it. "
                    "You'll get a private note when they have.")

REPORT_LIMITED = ("You've sent several reports in a short time. Please wait about {wait} and "
                  "send this one again — your note is kept below. If someone is in danger "
                  "right now, the Get help link at the top of the page lists emergency numbers.")


async def report_post(reporter: User, post: Post, form: ReportForm) -> Report:
    """One open report per member per post; a second is refused kindly."""
    try:
        return await Report.create(post=post, reporter=reporter, reason=form.reason,
                                   note=form.note, open_key=f"{post.id}:{reporter.id}")
    except IntegrityError as exc:
        raise FormInvalid({"reason": ALREADY_REPORTED},
                          {"reason": form.reason.value, "note": form.note}) from exc
