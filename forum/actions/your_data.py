"""A member's own data: everything in one JSON file, and deleting the account for good.

Both cover anonymous posts (found by the member's keyed slots, forum.sealed_side) and never
include anyone else's words: a reply is exported with its story's id, not its title.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise.expressions import F, Q
from tortoise.transactions import in_transaction

from forum import permissions
from forum.actions.account_lock import hold_account
from forum.actions.accounts import check_password_again
from forum.actions.context import Context
from forum.actions.reading import forget_reads
from forum.actions.retry import retry_on_conflict
from forum.clock import iso_time
from forum.db import purge_erased_text
from forum.forms import FormInvalid
from forum.mail.choices import choices_of
from forum.models.accounts import User
from forum.models.community import Follow, Reaction, ReleasedUsername
from forum.models.content import Post, PostRevision, PostStatus, Thread
from forum.models.moderation import Report, SealedLimit
from forum.models.notifications import Notification, SealedNotification
from forum.queries.accounts import seal_released_skeleton
from forum.queries.community import own_sealed_notes
from forum.queries.content import my_posts
from forum.queries.drafts import my_drafts
from forum.queries.reading import reading_export
from forum.schemas.accounts import AccountDeletionIn, PasswordConfirmIn
from forum.sealed_side import SealedSide, limit_slot, read_sealed_side

USERNAME_COOL_DOWN_DAYS = 30
REMOVED_TITLE = "(removed by its author)"
WRONG_PASSWORD = "That isn't your password. Nothing was changed."
NO_PASSWORD = "Please enter your password again: it keeps your data safe from others."


async def confirm_password(ctx: Context, password: str,
                           values: Mapping[str, Any] | None = None) -> User:
    """The signed-in member, having typed their password again; wrong guesses are limited
    (`check_password_again`), and a refusal keeps `values`."""
    viewer = permissions.ensure_signed_in(ctx.viewer)
    if not password:
        raise FormInvalid({"password": NO_PASSWORD}, dict(values or {}), status_code=403)
    await check_password_again(ctx, viewer, password, field="password", wrong=WRONG_PASSWORD,
                               values=values)
    return viewer


async def export_my_data(ctx: Context, data: PasswordConfirmIn) -> dict[str, Any]:
    """Everything the member wrote and chose, once they confirm their password."""
    return await export(await confirm_password(ctx, data.password))


async def delete_my_account(ctx: Context, data: AccountDeletionIn) -> Deletion:
    """The account gone at once, once the member confirms their password."""
    viewer = await confirm_password(ctx, data.password,
                                    {"posts": "keep" if data.keep_posts else "remove"})
    return await delete_account(viewer, keep_posts=data.keep_posts)


def _when(moment: datetime | None) -> str | None:
    return iso_time(moment) if moment else None


async def export(user: User) -> dict[str, Any]:
    posts = list(reversed(await my_posts(user, limit=None)))
    notes: list[Notification | SealedNotification] = [
        *await Notification.filter(user_id=user.id).order_by("id"),
        *await own_sealed_notes(user)]
    return {
        "format": "hearth-export-1",
        "exported_at": iso_time(datetime.now(UTC)),
        "account": {"username": user.username, "display_name": user.display_name,
                    "bio": user.bio, "email": user.email, "country": user.country,
                    "role": user.role.value, "created_at": _when(user.created_at)},
        "settings": {"expand_warnings": user.expand_warnings,
                     "notification_prefs": user.notification_prefs,
                     "hide_activity": user.hide_activity,
                     "warning_prefs": user.warning_prefs, "muted_words": user.muted_words,
                     "email": {kind: cadence.value for kind, cadence in choices_of(user).items()},
                     "fuller_emails": user.mail_fuller},
        "posts": [{
            "id": p.id, "story_id": p.thread_id, "is_story": p.is_story,
            "title": p.thread.title if p.is_story else None,
            "body": p.body_md, "status": p.status.value, "anonymous": p.is_anonymous,
            "pseudonym": p.pseudonym or None, "created_at": _when(p.created_at),
            "edited_at": _when(p.edited_at),
            "earlier_versions": [r.body_md for r in await PostRevision.filter(post_id=p.id)
                                 .order_by("id")],
        } for p in posts],
        "drafts": [{
            "kind": d.kind, "category": d.category or None, "story_id": d.thread_id,
            "title": d.title, "body": d.body, "content_warnings": d.content_warnings,
            "content_warning_note": d.content_warning_note, "anonymous": d.anonymous,
            "saved_at": _when(d.updated_at),
        } for d in await my_drafts(user)],
        "reactions_given": [{"post_id": r.post_id, "kind": r.kind}
                            for r in await Reaction.filter(user_id=user.id).order_by("id")],
        "follows": [{"story_id": f.thread_id}
                    for f in await Follow.filter(user_id=user.id).order_by("id")],
        "notifications": [{"message": n.message, "link": n.link,
                           "created_at": _when(n.created_at), "read": n.read_at is not None}
                          for n in notes],
        **await reading_export(user),
    }


@dataclass(frozen=True)
class Deletion:
    posts_removed: int
    posts_kept: int


async def delete_account(user: User, *, keep_posts: bool) -> Deletion:
    """Immediate and complete. ``keep_posts``: posts stay as "Former member" (anonymous
    ones keep their pseudonym, with the sealed link to the member erased); otherwise every
    word they wrote is erased. Sessions end; the name is free again after a cool-down.

    One transaction that locks the member's row, then their posts in id order, then
    threads: a post written at the same moment is either in the list or refused, and a
    moderator acting on one of the posts waits rather than deadlocks. Should the database
    still fail it for a concurrent transaction, it runs again."""
    deletion = await retry_on_conflict(lambda: _delete_account(user, keep_posts=keep_posts))
    # Read positions name nobody in the database (forum.models.reading): found by their
    # keyed tags, thread by thread, after the account is gone.
    await forget_reads(user)
    if not keep_posts:
        await purge_erased_text()
    return deletion


async def _delete_account(user: User, *, keep_posts: bool) -> Deletion:
    async with in_transaction():
        fresh = await hold_account(user)  # no anonymous post of theirs can land now
        # Nor a named one: its foreign-key check waits on this row lock, then finds the
        # account gone. (The row is deleted here anyway: locking it tells nothing more.)
        await User.filter(id=fresh.id).select_for_update().first()
        side = await read_sealed_side(fresh)
        posts = await _lock_posts(fresh, side)
        if keep_posts:
            await Post.filter(id__in=side.anonymous_post_ids).update(sealed_author=None,
                                                                    owner_slot=None)
        else:
            await _erase(posts)
        await SealedLimit.filter(slot__in=[
            limit_slot(fresh.id, n) for n in range(side.next_limit_slot)]).delete()
        for note in await own_sealed_notes(fresh):
            await SealedNotification.filter(id=note.id).delete()
        await Report.filter(reporter_id=user.id).update(note="")
        await ReleasedUsername.create(
            sealed_skeleton=seal_released_skeleton(fresh.skeleton),
            available_at=datetime.now(UTC) + timedelta(days=USERNAME_COOL_DOWN_DAYS))
        await User.filter(id=user.id).delete()  # sessions, reactions, follows, notes go too
    return Deletion(0 if keep_posts else len(posts), len(posts) if keep_posts else 0)


async def _lock_posts(user: User, side: SealedSide) -> list[Post]:
    """Every post of the member's, named and anonymous (their slots as they are now),
    locked in id order; the threads are not locked here."""
    mine = Q(author_id=user.id)
    if side.anonymous_post_ids:
        mine = mine | Q(id__in=side.anonymous_post_ids)
    return list(await Post.filter(mine).order_by("id").select_for_update())


async def _erase(posts: list[Post]) -> None:
    """Erase the (locked) posts, then fix their threads in thread id order."""
    ids = [p.id for p in posts]
    await PostRevision.filter(post_id__in=ids).delete()
    await Post.filter(id__in=ids).update(
        body_md="", body_html="", status=PostStatus.DELETED, sealed_author=None,
        owner_slot=None, author_id=None, moderation_reason="")
    stories = {p.thread_id for p in posts if p.is_story}
    counted = Counter(p.thread_id for p in posts
                      if p.status == PostStatus.PUBLISHED and not p.is_story)
    for thread_id in sorted(stories | set(counted)):
        if thread_id in stories:
            await Thread.filter(id=thread_id).update(title=REMOVED_TITLE,
                                                     content_warning_note="")
        if counted[thread_id]:
            await Thread.filter(id=thread_id).update(
                reply_count=F("reply_count") - counted[thread_id])
