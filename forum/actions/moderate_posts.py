"""A moderator acts on a post or its thread: one use-case per action, for the page and the API.

Each takes the `Context` and the action's input, asks `permissions` first, loads the post,
runs the verb in `actions.moderation` (which writes the audit row and tells whoever should
be told) and says what happened.
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.exceptions import HTTPException

from forum import permissions
from forum.actions import moderation as mod
from forum.actions.context import Context
from forum.models.accounts import User
from forum.models.content import Post
from forum.queries.content import get_category_or_404
from forum.queries.moderation import get_any_post_or_404
from forum.schemas.moderation import (
    CareInput,
    MoveInput,
    NoInput,
    ReasonInput,
    RequiredReasonInput,
    WarningsInput,
)

CHANGED = "Done."
UNCHANGED = "Nothing to change: it was already so."
DELETE_IS_FOR_THREADS = ("Deleting applies to a whole thread: use it on the story. To take "
                         "down one reply, hide it.")


@dataclass(frozen=True)
class Done:
    changed: bool
    message: str
    post: Post | None = None  # the post acted on, as it now is


def done(changed: bool, post: Post | None = None) -> Done:
    return Done(changed, CHANGED if changed else UNCHANGED, post)


async def _moderating(ctx: Context, post_id: int) -> tuple[User, Post]:
    """The moderator first (a member learns nothing about the post), then the post."""
    actor = permissions.ensure_moderator(ctx.viewer)
    return actor, await get_any_post_or_404(post_id)


async def approve(ctx: Context, post_id: int, form: NoInput) -> Done:
    actor, post = await _moderating(ctx, post_id)
    return done(await mod.approve_post(actor, post), post)


async def reject(ctx: Context, post_id: int, form: RequiredReasonInput) -> Done:
    actor, post = await _moderating(ctx, post_id)
    return done(await mod.reject_post(actor, post, form.reason), post)


async def hide(ctx: Context, post_id: int, form: RequiredReasonInput) -> Done:
    actor, post = await _moderating(ctx, post_id)
    return done(await mod.hide_post(actor, post, form.reason), post)


async def restore(ctx: Context, post_id: int, form: NoInput) -> Done:
    actor, post = await _moderating(ctx, post_id)
    return done(await mod.restore_post(actor, post), post)


async def dismiss_reports(ctx: Context, post_id: int, form: ReasonInput) -> Done:
    actor, post = await _moderating(ctx, post_id)
    return done(await mod.dismiss_reports(actor, post, form.reason), post)


async def lock(ctx: Context, post_id: int, form: ReasonInput) -> Done:
    actor, post = await _moderating(ctx, post_id)
    return done(await mod.lock_thread(actor, post.thread, form.reason), post)


async def unlock(ctx: Context, post_id: int, form: ReasonInput) -> Done:
    actor, post = await _moderating(ctx, post_id)
    return done(await mod.unlock_thread(actor, post.thread, form.reason), post)


async def pin(ctx: Context, post_id: int, form: ReasonInput) -> Done:
    actor, post = await _moderating(ctx, post_id)
    return done(await mod.pin_thread(actor, post.thread, form.reason), post)


async def unpin(ctx: Context, post_id: int, form: ReasonInput) -> Done:
    actor, post = await _moderating(ctx, post_id)
    return done(await mod.unpin_thread(actor, post.thread, form.reason), post)


async def move(ctx: Context, post_id: int, form: MoveInput) -> Done:
    actor, post = await _moderating(ctx, post_id)
    category = await get_category_or_404(form.category)
    return done(await mod.move_thread(actor, post.thread, category, form.reason), post)


async def edit_warnings(ctx: Context, post_id: int, form: WarningsInput) -> Done:
    actor, post = await _moderating(ctx, post_id)
    return done(await mod.set_content_warnings(actor, post.thread, form.content_warnings,
                                               form.content_warning_note, form.reason), post)


async def delete_thread(ctx: Context, post_id: int, form: RequiredReasonInput) -> Done:
    actor, post = await _moderating(ctx, post_id)
    if not post.is_story:
        raise HTTPException(400, DELETE_IS_FOR_THREADS)
    return done(await mod.delete_thread(actor, post, form.reason), post)


async def send_care(ctx: Context, post_id: int, form: CareInput) -> Done:
    actor, post = await _moderating(ctx, post_id)
    await mod.send_care_message(actor, post, form.message)  # a guest's post: to the admins
    return done(True, post)
