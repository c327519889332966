"""A moderator acts on a member — by name, or as "the author of this post" without learning
who that is — and an admin changes roles or reveals an anonymous author.

One use-case per action, shared by the pages and the API: permission, loading, the verb in
`actions.moderation` (audit row and message included), and the outcome.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from tortoise.transactions import in_transaction

from forum import permissions
from forum.actions import moderation as mod
from forum.actions.accounts import check_password_again
from forum.actions.context import Context
from forum.actions.moderate_posts import Done, done
from forum.anonymity import author_id_of
from forum.forms import FormInvalid
from forum.models.accounts import User
from forum.models.content import Post
from forum.queries.accounts import find_user_by_id
from forum.queries.moderation import get_any_post_or_404, get_member_or_404
from forum.schemas.moderation import (
    LiftInput,
    LimitInput,
    NoteInput,
    RevealInput,
    RoleInput,
    SanctionInput,
)

AUTHOR_UNKNOWN = ("The author of this post can't be identified: it was written by a guest, "
                  "by an account that no longer exists, or sealed with an earlier key.")
AUTHOR_TAKEN = ("Done. If it couldn't apply to the author of this post, it went to an admin "
                "instead; the answer is the same either way, so the author stays unknown.")
OWN_ROLE = "You can't change your own role."
NOT_ANONYMOUS = "This post isn't anonymous."
REVEAL_PASSWORD_WRONG = "That isn't your password. Nothing was revealed or logged."


# --- who is acted on --------------------------------------------------------------------

async def _member(ctx: Context, username: str) -> tuple[User, User]:
    actor = permissions.ensure_moderator(ctx.viewer)
    member = await get_member_or_404(username)
    permissions.ensure_can_sanction(actor, member)
    return actor, member


async def _author(ctx: Context, post_id: int) -> tuple[User, Post, User | None]:
    """The post's writer, kept inside the use-case: the moderator is told only the outcome."""
    actor = permissions.ensure_moderator(ctx.viewer)
    post = await get_any_post_or_404(post_id)
    author_id = author_id_of(post)
    member = await find_user_by_id(author_id) if author_id is not None else None
    return actor, post, member


def _applies(actor: User, member: User | None) -> bool:
    """Whether a verb can reach this author at all: an account, not the moderator
    themself, and one the moderator may act on (not an admin; a moderator only for admins)."""
    return member is not None and permissions.can_sanction(actor, member)


Verb = Callable[[User, User | None, Post], Awaitable[bool]]


async def _on_author(ctx: Context, post_id: int, action: str, reason: str, verb: Verb) -> Done:
    """Apply the verb when it can apply; answer and log alike either way.

    Whoever wrote the post — a member, a moderator, an admin, the moderator themself, a
    guest — and whatever was done before, the moderator gets the same answer and the log
    the same row (naming the post). Through an anonymous post, what could not apply writes
    the very rows it would have written, for nobody: a copy of the database cannot tell
    them apart either. The admins are told every time, in a sealed note of one length.
    """
    actor, post, member = await _author(ctx, post_id)
    logged = mod.AUTHOR_SANCTION_ACTIONS[action]
    async with in_transaction():
        applied = False
        if _applies(actor, member):
            assert member is not None
            applied = await verb(actor, member, post)
        if not applied:
            if post.is_anonymous:
                await verb(actor, None, post)  # the same rows, for nobody
            else:
                await mod.record_author_request(actor, post, logged, reason)
        await mod.tell_admins(actor, post, action, applied)
    return Done(True, AUTHOR_TAKEN)


# --- the verbs, either way --------------------------------------------------------------

async def _warn(actor: User, member: User, form: SanctionInput, via: Post | None) -> Done:
    return done(await mod.warn_user(actor, member, form.reason, via))


async def _silence(actor: User, member: User, form: LimitInput, via: Post | None) -> Done:
    return done(await mod.silence_user(actor, member, form.until(), form.reason, via))


async def _suspend(actor: User, member: User, form: LimitInput, via: Post | None) -> Done:
    return done(await mod.suspend_user(actor, member, form.until(), form.reason, via))


async def _ban(actor: User, member: User, form: SanctionInput, via: Post | None) -> Done:
    return done(await mod.ban_user(actor, member, form.reason, via))


async def _lift(actor: User, member: User, form: LiftInput, via: Post | None) -> Done:
    return done(await mod.lift_sanctions(actor, member, form.reason, via))


# --- a member by name -------------------------------------------------------------------

async def warn_member(ctx: Context, username: str, form: SanctionInput) -> Done:
    return await _warn(*await _member(ctx, username), form, None)


async def silence_member(ctx: Context, username: str, form: LimitInput) -> Done:
    return await _silence(*await _member(ctx, username), form, None)


async def suspend_member(ctx: Context, username: str, form: LimitInput) -> Done:
    return await _suspend(*await _member(ctx, username), form, None)


async def ban_member(ctx: Context, username: str, form: SanctionInput) -> Done:
    return await _ban(*await _member(ctx, username), form, None)


async def lift_member(ctx: Context, username: str, form: LiftInput) -> Done:
    return await _lift(*await _member(ctx, username), form, None)


async def note_member(ctx: Context, username: str, form: NoteInput) -> Done:
    """A private note for the moderators: on any member, moderators and admins included."""
    actor = permissions.ensure_moderator(ctx.viewer)
    member = await get_member_or_404(username)
    return done(await mod.add_note(actor, member, form.body))


# --- the author of a post ---------------------------------------------------------------

async def warn_author(ctx: Context, post_id: int, form: SanctionInput) -> Done:
    return await _on_author(ctx, post_id, "warn", form.reason,
                            lambda actor, member, post: mod.warn_user(
                                actor, member, form.reason, post))


async def silence_author(ctx: Context, post_id: int, form: LimitInput) -> Done:
    return await _on_author(ctx, post_id, "silence", form.reason,
                            lambda actor, member, post: mod.silence_user(
                                actor, member, form.until(), form.reason, post))


async def suspend_author(ctx: Context, post_id: int, form: LimitInput) -> Done:
    return await _on_author(ctx, post_id, "suspend", form.reason,
                            lambda actor, member, post: mod.suspend_user(
                                actor, member, form.until(), form.reason, post))


async def ban_author(ctx: Context, post_id: int, form: SanctionInput) -> Done:
    return await _on_author(ctx, post_id, "ban", form.reason,
                            lambda actor, member, post: mod.ban_user(
                                actor, member, form.reason, post))


async def lift_author(ctx: Context, post_id: int, form: LiftInput) -> Done:
    return await _on_author(ctx, post_id, "lift", form.reason,
                            lambda actor, member, post: mod.lift_sanctions(
                                actor, member, form.reason, post))


# --- admins -----------------------------------------------------------------------------

async def change_role(ctx: Context, username: str, form: RoleInput) -> tuple[Done, User]:
    actor = permissions.ensure_admin(ctx.viewer)
    member = await get_member_or_404(username)
    if not permissions.can_set_role(actor, member):
        raise FormInvalid({"role": OWN_ROLE}, form.model_dump(mode="json"), status_code=403)
    return done(await mod.set_role(actor, member, form.role, form.reason)), member


async def reveal_author(ctx: Context, post_id: int, form: RevealInput) -> tuple[Post, User]:
    """An admin learns who wrote an anonymous post: their own password first, then the
    reveal, which is logged (the reason with it) for every moderator to read."""
    actor = permissions.ensure_admin(ctx.viewer)
    post = await get_any_post_or_404(post_id)
    if not post.is_anonymous:
        raise FormInvalid({"reveal": NOT_ANONYMOUS}, {}, status_code=400)
    await check_password_again(ctx, actor, form.password, field="password",
                               wrong=REVEAL_PASSWORD_WRONG,
                               values={"reveal_reason": form.reason})
    author = await mod.reveal_author(actor, post, form.reason)
    if author is None:
        raise FormInvalid({"reveal": AUTHOR_UNKNOWN}, {}, status_code=409)
    return post, author
