"""Every moderator and admin action, and nothing else changes moderated state.

Each verb checks that something would change, changes it and writes exactly one audit row
in the same transaction, then tells whoever the spec says should be told. A verb that
would change nothing writes nothing and returns False. Status changes are conditional
``UPDATE … WHERE status = <expected>`` statements, so two moderators clicking at the same
moment produce one outcome and one audit row.

The one exception is a request on "the author of this post": its answer and its audit row
must not tell whether anything changed (that would say who wrote the post), so the row is
written either way — see `record_author_request`.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from forum.actions.account_lock import held_sealed_side
from forum.actions.community import announce_mentions, announce_reply
from forum.actions.notify import send
from forum.actions.status import move_status
from forum.anonymity import author_id_of, sealed_author_id
from forum.models.accounts import Role, User
from forum.models.content import Category, Post, PostStatus, Thread
from forum.models.moderation import (
    AuditEntry,
    ModeratorNote,
    Report,
    ReportOutcome,
    Sanction,
    SanctionKind,
    SealedLimit,
    WatchedWord,
)
from forum.notice_recipients import FOR_ADMINS, seal_admin_note
from forum.outage import after_commit
from forum.queries.resources import CARE_MESSAGE
from forum.restrictions import NONE as NO_RESTRICTIONS
from forum.restrictions import Restrictions
from forum.sealed_side import limit_slot, seal_limit, sealed_side
from forum.sessions import end_all_sessions

REPORT_ACTIONED = ("A moderator reviewed the post you reported and took action. "
                   "Thank you for looking out for others.")
REPORT_DISMISSED = ("A moderator reviewed the post you reported and found it within our "
                    "guidelines. Thank you for telling us — it helps keep this place safe.")


def _now() -> datetime:
    return datetime.now(UTC)


CONSOLE = "(server console)"


async def _audit(actor: User | None, action: str, target_type: str, target_id: int,
                 label: str = "", reason: str = "") -> None:
    await AuditEntry.create(actor=actor, actor_name=actor.username if actor else CONSOLE,
                            action=action,
                            target_type=target_type, target_id=target_id,
                            target_label=label[:160], reason=reason)


async def record_admin_action(actor: User | None, action: str, target_type: str,
                              target_id: int, label: str = "", reason: str = "") -> None:
    """For admin verbs kept in other modules (crisis resources, categories, site settings):
    one audit row, written by the caller inside the same transaction as its change. No
    actor: the server console (`forum remove-demo`)."""
    await _audit(actor, action, target_type, target_id, label, reason)


async def notify(user_id: int | None, kind: str, message: str, link: str = "") -> None:
    if user_id is not None:
        await send(user_id, kind, message, link)


async def notify_author(post: Post, kind: str, message: str, link: str = "") -> None:
    """Tell whoever wrote the post. For an anonymous post the note is sealed, so no row ties
    the member to it."""
    if not post.is_anonymous:
        await notify(post.author_id, kind, message, link)
        return
    author_id = sealed_author_id(post)
    if author_id is not None:
        await send(author_id, kind, message, link, sealed=True)


def _post_label(post: Post) -> str:
    what = "story" if post.is_story else "reply"
    return f"{what} #{post.id} in “{post.thread.title}”"


def _post_link(post: Post) -> str:
    return f"/posts/{post.id}"


def _reported(post: Post) -> str:
    """Which post a reporter is told about: the one they reported, by its thread's title."""
    what = "story" if post.is_story else "reply"
    return f"About the {what} you reported in “{post.thread.title}”:"


async def _resolve_reports(post_id: int, outcome: ReportOutcome, about: str = "",
                           link: str = "") -> int:
    """Close the open reports on a post and tell each reporter, privately, how it ended
    (``about``: which post, so the reporter knows what the outcome is of)."""
    reporter_ids = cast(list[int | None], await Report.filter(
        post_id=post_id, resolved_at__isnull=True).values_list("reporter_id", flat=True))
    if not reporter_ids:
        return 0
    await Report.filter(post_id=post_id, resolved_at__isnull=True).update(
        open_key=None, outcome=outcome, resolved_at=_now())
    message = REPORT_ACTIONED if outcome is ReportOutcome.ACTIONED else REPORT_DISMISSED
    if about:
        message = f"{about} {message[0].lower()}{message[1:]}"
    for reporter_id in {r for r in reporter_ids if r is not None}:
        await notify(reporter_id, "report_outcome", message, link)
    return len(reporter_ids)


async def _move_post(actor: User, post: Post, *, action: str, to: PostStatus,
                     from_: tuple[PostStatus, ...], reason: str = "") -> bool:
    async with in_transaction():
        # The status the database really had decides the reply count, not our copy of it.
        if await move_status(post, to, from_, moderation_reason=reason) is None:
            return False
        await _audit(actor, action, "post", post.id, _post_label(post), reason)
        await _resolve_reports(post.id, ReportOutcome.ACTIONED, _reported(post),
                               _post_link(post))
        post.status, post.moderation_reason = to, reason
        return True


async def approve_post(actor: User, post: Post) -> bool:
    if not await _move_post(actor, post, action="approve", to=PostStatus.PUBLISHED,
                            from_=(PostStatus.PENDING,)):
        return False
    await after_commit("telling the author their post was approved", notify_author(
        post, "approved", f"Your {'story' if post.is_story else 'reply'} in "
        f"“{post.thread.title}” was approved and is now published.", _post_link(post)))
    if not post.is_story:
        await after_commit("telling others of an approved reply",
                           announce_reply(post, post.thread, author_id_of(post) or 0))
    elif not post.is_guest:  # a guest's @names link nobody, and so tell nobody
        await after_commit("telling those mentioned in an approved story",
                           announce_mentions(post, post.thread, {author_id_of(post) or 0}))
    return True


async def reject_post(actor: User, post: Post, reason: str) -> bool:
    if not await _move_post(actor, post, action="reject", to=PostStatus.REJECTED,
                            from_=(PostStatus.PENDING,), reason=reason):
        return False
    await after_commit("telling the author their post was not published", notify_author(
        post, "rejected",
        f"A moderator didn't publish your {'story' if post.is_story else 'reply'} in "
        f"“{post.thread.title}”. The reason they gave: {reason}",
        f"/account/posts#post-{post.id}"))
    return True


async def hide_post(actor: User, post: Post, reason: str) -> bool:
    return await _move_post(actor, post, action="hide", to=PostStatus.HIDDEN,
                            from_=(PostStatus.PUBLISHED,), reason=reason)


async def restore_post(actor: User, post: Post) -> bool:
    return await _move_post(actor, post, action="restore", to=PostStatus.PUBLISHED,
                            from_=(PostStatus.HIDDEN, PostStatus.REJECTED))


async def delete_thread(actor: User, story: Post, reason: str) -> bool:
    """Take a whole thread out of view (its rows are kept for the record)."""
    return await _move_post(actor, story, action="delete_thread", to=PostStatus.DELETED,
                            from_=(PostStatus.PUBLISHED, PostStatus.PENDING, PostStatus.HIDDEN),
                            reason=reason)


async def dismiss_reports(actor: User, post: Post, reason: str = "") -> bool:
    async with in_transaction():
        if not await _resolve_reports(post.id, ReportOutcome.DISMISSED, _reported(post),
                                      _post_link(post)):
            return False
        await _audit(actor, "dismiss_reports", "post", post.id, _post_label(post), reason)
        return True


async def _update_thread(actor: User, thread: Thread, action: str, reason: str = "",
                         **changes: Any) -> bool:
    if all(getattr(thread, name) == value for name, value in changes.items()):
        return False
    query = Thread.filter(id=thread.id)
    if not any(isinstance(value, list) for value in changes.values()):
        # Only if some field still differs: a second moderator's identical click is a no-op.
        query = query.filter(Q(*[~Q(**{k: v}) for k, v in changes.items()], join_type="OR"))
    async with in_transaction():
        if not await query.update(**changes):
            return False
        await _audit(actor, action, "thread", thread.id, f"“{thread.title}”", reason)
        story_id = cast(list[int], await Post.filter(
            thread_id=thread.id, is_story=True).values_list("id", flat=True))
        for post_id in story_id:
            await _resolve_reports(post_id, ReportOutcome.ACTIONED,
                                   f"About the story you reported in “{thread.title}”:",
                                   f"/posts/{post_id}")
    for name, value in changes.items():
        setattr(thread, name, value)
    return True


async def lock_thread(actor: User, thread: Thread, reason: str = "") -> bool:
    return await _update_thread(actor, thread, "lock", reason, is_locked=True)


async def unlock_thread(actor: User, thread: Thread, reason: str = "") -> bool:
    return await _update_thread(actor, thread, "unlock", reason, is_locked=False)


async def pin_thread(actor: User, thread: Thread, reason: str = "") -> bool:
    return await _update_thread(actor, thread, "pin", reason, is_pinned=True)


async def unpin_thread(actor: User, thread: Thread, reason: str = "") -> bool:
    return await _update_thread(actor, thread, "unpin", reason, is_pinned=False)


async def move_thread(actor: User, thread: Thread, category: Category, reason: str = "") -> bool:
    return await _update_thread(actor, thread, "move", reason or f"to {category.name}",
                                category_id=category.id)


async def set_content_warnings(actor: User, thread: Thread, warnings: list[str], note: str,
                               reason: str = "") -> bool:
    return await _update_thread(actor, thread, "content_warnings", reason,
                                content_warnings=sorted(warnings), content_warning_note=note)


# --- people -----------------------------------------------------------------------------
#
# Each verb acts on a member directly, or on "the author of this post" (``via``) without
# the moderator learning who that is. Through an anonymous post nothing may tie the member
# to the post in the database: the audit row names only the post, the member's message is
# sealed, no dated history row is written, and an end date is rounded up to a midnight.
#
# ``user=None`` (only through an anonymous post): the request could not apply, and the verb
# writes the very same rows for nobody — a sealed limit with a slot no account has, a sealed
# note no account opens — so the database shows no difference between the two.


async def _sanction(actor: User, user: User | None, kind: SanctionKind, reason: str,
                    ends_at: datetime | None, via: Post | None, **changes: Any) -> None:
    """Plain limits go on the member's row with a dated history entry; limits through an
    anonymous post are a new sealed row (forum.sealed_side) that no row of the member's
    is written beside, with no history entry."""
    if _sealed(via):
        await _add_sealed_limit(user, _restriction_fields(changes))
    else:
        assert user is not None
        await Sanction.create(user=user, kind=kind, reason=reason, ends_at=ends_at)
        if changes:
            await User.filter(id=user.id).update(**changes)
            for name, value in changes.items():
                setattr(user, name, value)
    action = kind.value if kind is not SanctionKind.WARNING else "warn"
    await _audit_person(actor, action, user, via, reason, ends_at)


async def _add_sealed_limit(user: User | None, change: dict[str, Any] | None) -> None:
    """The member's next sealed limit row (``change=None``: lift what was set that way). The
    account is held, never its row written or locked. ``user=None``: the same row for
    nobody."""
    if user is None:
        await SealedLimit.create(slot=secrets.token_hex(20), sealed=seal_limit(0, change))
        return
    side = await held_sealed_side(user)
    await SealedLimit.create(slot=limit_slot(user.id, side.next_limit_slot),
                             sealed=seal_limit(user.id, change))


def _restriction_fields(changes: dict[str, Any]) -> dict[str, Any]:
    fields = {k: v for k, v in changes.items() if k in ("silenced_until", "suspended_until")}
    if "banned_at" in changes:
        fields["banned"] = True
    return fields


def _sealed(via: Post | None) -> bool:
    return via is not None and via.is_anonymous


def _author_label(post: Post) -> str:
    return f"the author of post #{post.id}"


async def _audit_person(actor: User, action: str, user: User | None, via: Post | None,
                        reason: str,
                        ends_at: datetime | None = None) -> None:
    if via is not None:
        # Through a post the row names the post only, with no end date: matched against
        # member pages, either would name the author. `record_author_request` writes the
        # very same row when nothing changed.
        await _audit(actor, action, "post", via.id, _author_label(via), reason)
        return
    assert user is not None
    until = f" until {ends_at:%Y-%m-%d %H:%M} UTC" if ends_at else ""
    await _audit(actor, action, "user", user.id, f"@{user.username}{until}", reason)


async def _tell(user: User | None, via: Post | None, kind: str, message: str) -> None:
    if _sealed(via):
        assert via is not None
        if user is None:
            await send(NOBODY, kind, message, sealed=True)
        else:
            await notify_author(via, kind, message)
    else:
        assert user is not None
        await notify(user.id, kind, message)


async def _end_sessions(user: User | None, via: Post | None) -> None:
    """A suspension or ban ends the member's sessions. Through an anonymous post they are
    left alone — deleting them would write the member's rows in the sanction's transaction
    — and stop working anyway: every request reads the sealed limits (forum.sessions)."""
    if not _sealed(via) and user is not None:
        await end_all_sessions(user.id)


def sanction_end(days_from_now: datetime, via: Post | None) -> datetime:
    """Through an anonymous post, round the end up to midnight UTC (less to match on)."""
    if not _sealed(via):
        return days_from_now
    midnight = days_from_now.replace(hour=0, minute=0, second=0, microsecond=0)
    return midnight + timedelta(days=1) if midnight < days_from_now else midnight


async def _unchanged(user: User | None, via: Post | None,
                     same: Callable[[Restrictions], bool]) -> bool:
    """Whether the request would change nothing for this member (never, for nobody: the
    rows for nobody are always written)."""
    return user is not None and same(await _current(user, via))


async def _current(user: User, via: Post | None) -> Restrictions:
    if _sealed(via):
        return (await sealed_side(user)).restrictions
    return Restrictions(user.silenced_until, user.suspended_until, user.banned_at is not None)


async def warn_user(actor: User, user: User | None, reason: str,
                    via: Post | None = None) -> bool:
    async with in_transaction():
        await _sanction(actor, user, SanctionKind.WARNING, reason, None, via)
        await _tell(user, via, "warning", f"A message from the moderators: {reason}")
    return True


async def _limit_until(actor: User, user: User | None, kind: SanctionKind, field: str,
                       until: datetime, reason: str, via: Post | None, message: str) -> bool:
    """Silence or suspend until a date; nothing happens if that limit already stands."""
    until = sanction_end(until, via)
    if await _unchanged(user, via, lambda now: getattr(now, field) == until):
        return False
    async with in_transaction():
        await _sanction(actor, user, kind, reason, until, via, **{field: until})
        if kind is SanctionKind.SUSPENSION:
            await _end_sessions(user, via)
        await _tell(user, via, kind.value, message.format(
            until=f"{until:%-d %B %Y, %H:%M} UTC", reason=reason))
    return True


async def silence_user(actor: User, user: User | None, until: datetime, reason: str,
                       via: Post | None = None) -> bool:
    return await _limit_until(
        actor, user, SanctionKind.SILENCE, "silenced_until", until, reason, via,
        "A moderator has paused posting on your account until {until}. You can still read. "
        "The reason: {reason}")


async def suspend_user(actor: User, user: User | None, until: datetime, reason: str,
                       via: Post | None = None) -> bool:
    return await _limit_until(
        actor, user, SanctionKind.SUSPENSION, "suspended_until", until, reason, via,
        "Your account was suspended until {until}. The reason: {reason}")


async def ban_user(actor: User, user: User | None, reason: str,
                   via: Post | None = None) -> bool:
    if await _unchanged(user, via, lambda now: now.banned):
        return False
    async with in_transaction():
        await _sanction(actor, user, SanctionKind.BAN, reason, None, via, banned_at=_now())
        await _end_sessions(user, via)
    return True


async def lift_sanctions(actor: User, user: User | None, reason: str = "",
                         via: Post | None = None) -> bool:
    """Lift what was set the same way: on the member, or through the anonymous post."""
    if await _unchanged(user, via, lambda now: now == NO_RESTRICTIONS):
        return False
    async with in_transaction():
        if _sealed(via):
            await _add_sealed_limit(user, None)
        else:
            assert user is not None
            await User.filter(id=user.id).update(silenced_until=None, suspended_until=None,
                                                 banned_at=None)
            user.silenced_until = user.suspended_until = user.banned_at = None
        await _audit_person(actor, "lift", user, via, reason)
        await _tell(user, via, "lifted",
                    "The moderators lifted the limits on your account. Welcome back.")
    return True


# --- "the author of this post", whoever it is ------------------------------------------
#
# A moderator must not learn who wrote a post from how an author action answers. So every
# request through a post writes one audit row of one shape (action, the post, the reason)
# whether it changed anything or not, and a request that could not apply (a staff author,
# the moderator themself, no account behind the post, nothing to change) goes privately
# to the admins — who may reveal the author anyway — instead of back to the moderator.

AUTHOR_SANCTION_ACTIONS = {"warn": "warn", "silence": SanctionKind.SILENCE.value,
                           "suspend": SanctionKind.SUSPENSION.value,
                           "ban": SanctionKind.BAN.value, "lift": "lift"}


async def record_author_request(actor: User, post: Post, action: str, reason: str) -> None:
    """The audit row a verb through ``post`` writes, for a request that changed nothing."""
    await _audit(actor, action, "post", post.id, _author_label(post), reason)


NOBODY = 0  # the recipient of the rows written for nobody (no account has id 0)


async def tell_admins(actor: User, post: Post, action: str, applied: bool) -> None:
    """Tell every admin about a request on a post's author, whether it applied or not.

    The note is written either way, sealed and of one length, so neither its presence nor
    its size says anything about who wrote the post. Why a request could not apply (a staff
    author, the moderator themself, no account, nothing to change) is not written down: an
    admin who needs to know reveals the author, which is logged."""
    admin_ids = cast(list[int], await User.filter(role=Role.ADMIN).values_list("id", flat=True))
    outcome = ("and it was done." if applied else "and it could not apply as asked. Nothing "
               "was changed, and they were not told so.")
    text = f"{actor.username} asked to {action} the author of post #{post.id}, {outcome}"
    for admin_id in admin_ids:
        await notify(admin_id, FOR_ADMINS, seal_admin_note(text), f"/mod/posts/{post.id}")


async def refer_to_admins(actor: User, post: Post, action: str) -> None:
    """A request that could not apply, told to the admins (as ``tell_admins``)."""
    await tell_admins(actor, post, action, applied=False)


CARE_MESSAGE_TEMPLATE = (
    "Hi — I'm one of the moderators here. I read what you wrote and wanted to reach out. "
    "You matter, and you don't have to carry this alone. If things feel unsafe, please "
    "reach out to one of the services below — they're free and confidential. We're glad "
    "you're here.")


async def send_care_message(actor: User, post: Post, message: str) -> bool:
    """A private, kind message to whoever wrote the post — anonymous authors too, without
    anyone learning who they are. Only the words are stored: the helplines shown with them
    are the reader's own, looked up when they read it (forum.queries.resources.care_help).
    Members cannot send these: only moderators, and every one is in the audit log."""
    author_id = author_id_of(post)
    author = await User.get_or_none(id=author_id) if author_id is not None else None
    if author is None:
        # Answered like any other: whether a post has an account behind it is for admins.
        async with in_transaction():
            await _audit(actor, "care_message", "post", post.id, _post_label(post))
            await refer_to_admins(actor, post, "send a care message to")
        return True
    async with in_transaction():
        await notify_author(post, CARE_MESSAGE, message, "/help")
        await _audit(actor, "care_message", "post", post.id, _post_label(post))
    return True


async def reveal_author(actor: User, post: Post, reason: str) -> User | None:
    """An admin learns who wrote an anonymous post; the reveal (not the name) is logged for
    every moderator to read. None: the current key cannot open it, and nothing is logged."""
    author_id = sealed_author_id(post)
    author = await User.get_or_none(id=author_id) if author_id is not None else None
    if author is None:
        return None
    await _audit(actor, "reveal", "post", post.id, _post_label(post), reason)
    return author


async def add_note(actor: User, user: User, body: str) -> bool:
    async with in_transaction():
        await ModeratorNote.create(user=user, author=actor, author_name=actor.username,
                                   body=body)
        await _audit(actor, "note", "user", user.id, f"@{user.username}")
    return True


async def set_role(actor: User | None, user: User, role: Role, reason: str = "") -> bool:
    """``actor=None``: the `forum role` command, run by whoever operates the server."""
    if user.role == role:
        return False
    async with in_transaction():
        await User.filter(id=user.id).update(role=role)
        await _audit(actor, f"role_{role.value}", "user", user.id, f"@{user.username}", reason)
    user.role = role
    return True


# --- watched words ----------------------------------------------------------------------

async def add_watched_word(actor: User, pattern: str, action: str) -> WatchedWord | None:
    """None if that pattern is already watched."""
    if await WatchedWord.exists(pattern=pattern):
        return None
    async with in_transaction():
        word = await WatchedWord.create(pattern=pattern, action=action)
        await _audit(actor, "word_add", "word", word.id, f"“{pattern}” → {action}")
    return word


async def remove_watched_word(actor: User, word: WatchedWord) -> bool:
    async with in_transaction():
        if not await WatchedWord.filter(id=word.id).delete():
            return False
        await _audit(actor, "word_remove", "word", word.id, f"“{word.pattern}” → {word.action}")
    return True
