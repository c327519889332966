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
from forum.queries.moderation import describe_post, get_any_post_or_404, posts_by_id
from forum.schemas.mod_bulk import BulkInput
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
# What a moderator is told they did, naming the post (never a bare "Done.").
DID: dict[str, str] = {
    "approve": "Approved and published", "reject": "Not published (the author was told why)",
    "hide": "Hidden", "restore": "Restored", "dismiss": "Reports closed",
    "lock": "Thread locked", "unlock": "Thread unlocked", "pin": "Thread pinned",
    "unpin": "Thread unpinned", "move": "Thread moved", "warnings": "Content warnings saved",
    "delete": "Whole thread deleted", "care": "Care message sent",
}
NO_LONGER_WAITING = "It was no longer waiting: another moderator may have dealt with it."
NO_SUCH_POST = "It no longer exists."
DELETE_IS_FOR_THREADS = ("Deleting applies to a whole thread: use it on the story. To take "
                         "down one reply, hide it.")


@dataclass(frozen=True)
class Done:
    changed: bool
    message: str
    post: Post | None = None  # the post acted on, as it now is


def done(changed: bool, post: Post | None = None, action: str = "") -> Done:
    return Done(changed, did_message(action, post, changed), post)


def did_message(action: str, post: Post | None, changed: bool = True) -> str:
    """"Approved and published: the reply in “Title”." — or the bare words without a post."""
    if post is None or action not in DID:
        return CHANGED if changed else UNCHANGED
    if not changed:
        return f"Nothing to change: {describe_post(post)} was already so."
    return f"{DID[action]}: {describe_post(post)}."


async def _moderating(ctx: Context, post_id: int) -> tuple[User, Post]:
    """The moderator first (a member learns nothing about the post), then the post."""
    actor = permissions.ensure_moderator(ctx.viewer)
    return actor, await get_any_post_or_404(post_id)


async def approve(ctx: Context, post_id: int, form: NoInput) -> Done:
    actor, post = await _moderating(ctx, post_id)
    return done(await mod.approve_post(actor, post), post, "approve")


async def reject(ctx: Context, post_id: int, form: RequiredReasonInput) -> Done:
    actor, post = await _moderating(ctx, post_id)
    return done(await mod.reject_post(actor, post, form.reason), post, "reject")


async def hide(ctx: Context, post_id: int, form: RequiredReasonInput) -> Done:
    actor, post = await _moderating(ctx, post_id)
    return done(await mod.hide_post(actor, post, form.reason), post, "hide")


async def restore(ctx: Context, post_id: int, form: NoInput) -> Done:
    actor, post = await _moderating(ctx, post_id)
    return done(await mod.restore_post(actor, post), post, "restore")


async def dismiss_reports(ctx: Context, post_id: int, form: ReasonInput) -> Done:
    actor, post = await _moderating(ctx, post_id)
    return done(await mod.dismiss_reports(actor, post, form.reason), post, "dismiss")


async def lock(ctx: Context, post_id: int, form: ReasonInput) -> Done:
    actor, post = await _moderating(ctx, post_id)
    return done(await mod.lock_thread(actor, post.thread, form.reason), post, "lock")


async def unlock(ctx: Context, post_id: int, form: ReasonInput) -> Done:
    actor, post = await _moderating(ctx, post_id)
    return done(await mod.unlock_thread(actor, post.thread, form.reason), post, "unlock")


async def pin(ctx: Context, post_id: int, form: ReasonInput) -> Done:
    actor, post = await _moderating(ctx, post_id)
    return done(await mod.pin_thread(actor, post.thread, form.reason), post, "pin")


async def unpin(ctx: Context, post_id: int, form: ReasonInput) -> Done:
    actor, post = await _moderating(ctx, post_id)
    return done(await mod.unpin_thread(actor, post.thread, form.reason), post, "unpin")


async def move(ctx: Context, post_id: int, form: MoveInput) -> Done:
    actor, post = await _moderating(ctx, post_id)
    category = await get_category_or_404(form.category)
    return done(await mod.move_thread(actor, post.thread, category, form.reason), post,
                "move")


async def edit_warnings(ctx: Context, post_id: int, form: WarningsInput) -> Done:
    actor, post = await _moderating(ctx, post_id)
    return done(await mod.set_content_warnings(actor, post.thread, form.content_warnings,
                                               form.content_warning_note, form.reason), post,
                "warnings")


async def delete_thread(ctx: Context, post_id: int, form: RequiredReasonInput) -> Done:
    actor, post = await _moderating(ctx, post_id)
    if not post.is_story:
        raise HTTPException(400, DELETE_IS_FOR_THREADS)
    return done(await mod.delete_thread(actor, post, form.reason), post, "delete")


async def send_care(ctx: Context, post_id: int, form: CareInput) -> Done:
    actor, post = await _moderating(ctx, post_id)
    await mod.send_care_message(actor, post, form.message)  # a guest's post: to the admins
    return done(True, post, "care")


# --- many at once -----------------------------------------------------------------------

@dataclass(frozen=True)
class Failed:
    post_id: int
    what: str  # how the moderator knows the post
    why: str


@dataclass(frozen=True)
class BulkDone:
    """Approving or rejecting several held posts: each one went through the audited verb on
    its own (its own transaction and audit row); those that could not are said, with why."""

    action: str
    done: list[Post]
    failed: list[Failed]

    @property
    def message(self) -> str:
        verb = "Approved and published" if self.action == "approve" else "Not published"
        if len(self.done) == 1:
            return did_message(self.action, self.done[0])
        return f"{verb}: {len(self.done)} posts." if self.done else "Nothing was changed."


async def act_on_many(ctx: Context, form: BulkInput) -> BulkDone:
    """Approve or reject the chosen held posts, in the order given. The posts are read in one
    query; each then goes through `actions.moderation` exactly as one chosen alone would."""
    actor = permissions.ensure_moderator(ctx.viewer)
    posts = await posts_by_id(form.post_ids)
    done_now: list[Post] = []
    failed: list[Failed] = []
    for post_id in form.post_ids:
        post = posts.get(post_id)
        if post is None:
            failed.append(Failed(post_id, f"post #{post_id}", NO_SUCH_POST))
            continue
        if form.action == "approve":
            changed = await mod.approve_post(actor, post)
        else:
            changed = await mod.reject_post(actor, post, form.reason)
        if changed:
            done_now.append(post)
        else:
            failed.append(Failed(post_id, describe_post(post), NO_LONGER_WAITING))
    return BulkDone(form.action, done_now, failed)
