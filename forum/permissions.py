"""Who may do what: pure functions of the viewer and the object, no database access.

``can_<verb>`` answers; ``ensure_<verb>`` raises the HTTP error a handler should give.
Things a viewer may not even see are 404s (decided in ``queries``), not 403s.
"""

from __future__ import annotations

from datetime import UTC, datetime

from starlette.exceptions import HTTPException

from forum.anonymity import is_own_post
from forum.models.accounts import Role, User
from forum.models.content import Post, PostStatus, Thread
from forum.read_models import PostFacts, ThreadFacts
from forum.restrictions import in_force

EDITABLE_STATUSES = frozenset({PostStatus.PUBLISHED, PostStatus.PENDING})


def is_moderator(viewer: User | None) -> bool:
    return viewer is not None and viewer.role in (Role.MODERATOR, Role.ADMIN)


def is_admin(viewer: User | None) -> bool:
    return viewer is not None and viewer.role == Role.ADMIN


def is_silenced(user: User, now: datetime | None = None) -> bool:
    """Enforcement: plain limits and those set through an anonymous post (sealed)."""
    until = in_force(user).silenced_until
    return until is not None and until > (now or datetime.now(UTC))


def is_locked_out(user: User, now: datetime | None = None) -> bool:
    """Suspended or banned: cannot sign in, and existing sessions stop working."""
    limits = in_force(user)
    return limits.banned or (limits.suspended_until is not None
                             and limits.suspended_until > (now or datetime.now(UTC)))


def locked_out_message(user: User) -> str:
    limits = in_force(user)
    if limits.banned:
        return "This account has been closed by the moderators."
    return (f"This account is suspended until {limits.suspended_until:%-d %B %Y, %H:%M} UTC. "
            "If you need help now, the Get help link at the top of every page is always there.")


def can_post(viewer: User | None) -> bool:
    return viewer is not None and not is_silenced(viewer) and not is_locked_out(viewer)


def can_write_story(viewer: User | None) -> bool:
    return can_post(viewer)


def can_reply(viewer: User | None, thread: ThreadFacts) -> bool:
    return can_post(viewer) and (not thread.is_locked or is_moderator(viewer))


def can_report(viewer: User | None, post: PostFacts) -> bool:
    """Members report published posts that aren't their own."""
    return (viewer is not None and post.status == PostStatus.PUBLISHED
            and not is_author(viewer, post))


def can_sanction(viewer: User | None, member: User) -> bool:
    """Moderators act on members; admins also on moderators; nobody on themselves or admins."""
    if viewer is None or viewer.id == member.id or member.role == Role.ADMIN:
        return False
    if member.role == Role.MODERATOR:
        return is_admin(viewer)
    return is_moderator(viewer)


def can_set_role(viewer: User | None, member: User) -> bool:
    """Admins set anyone's role but their own."""
    return is_admin(viewer) and viewer is not None and viewer.id != member.id


def is_author(viewer: User | None, post: PostFacts) -> bool:
    """Named or anonymous (the sealed author is opened with the key; no database access)."""
    return is_own_post(viewer, post)


def can_edit_post(viewer: User | None, post: PostFacts) -> bool:
    """Authors edit their own posts, unless silenced (an edit could say anything)."""
    return is_author(viewer, post) and post.status in EDITABLE_STATUSES and can_post(viewer)


def can_delete_post(viewer: User | None, post: PostFacts) -> bool:
    return is_author(viewer, post) and post.status != PostStatus.DELETED


def _ensure(allowed: bool, viewer: User | None, message: str) -> None:
    if allowed:
        return
    if viewer is None:
        raise HTTPException(401, "Please sign in first.")
    raise HTTPException(403, message)


def ensure_signed_in(viewer: User | None) -> User:
    _ensure(viewer is not None, viewer, "")
    assert viewer is not None
    return viewer


def _silenced_message(viewer: User) -> str:
    until = in_force(viewer).silenced_until
    when = f" until {until:%-d %B %Y, %H:%M} UTC" if until else ""
    return (f"A moderator has paused posting on your account{when}. You can still read; "
            "if you need help now, the Get help link at the top of every page is always there.")


def ensure_can_write_story(viewer: User | None) -> None:
    if viewer is not None and is_silenced(viewer):
        raise HTTPException(403, _silenced_message(viewer))
    _ensure(can_write_story(viewer), viewer, "You can't write stories right now.")


def ensure_can_reply(viewer: User | None, thread: Thread) -> None:
    if viewer is not None and is_silenced(viewer):
        raise HTTPException(403, _silenced_message(viewer))
    _ensure(can_reply(viewer, thread), viewer, "This thread is locked, so it takes no new replies.")


def ensure_can_report(viewer: User | None, post: Post) -> None:
    _ensure(can_report(viewer, post), viewer,
            "You can report published posts by others, not your own.")


def ensure_moderator(viewer: User | None) -> User:
    _ensure(is_moderator(viewer), viewer, "This area is for moderators.")
    assert viewer is not None
    return viewer


def ensure_admin(viewer: User | None) -> User:
    _ensure(is_admin(viewer), viewer, "This is for admins only.")
    assert viewer is not None
    return viewer


def ensure_can_sanction(viewer: User | None, member: User) -> None:
    _ensure(can_sanction(viewer, member), viewer,
            "You can't take that action on this account.")


def ensure_can_edit_post(viewer: User | None, post: Post) -> None:
    if viewer is not None and is_author(viewer, post) and is_silenced(viewer):
        raise HTTPException(403, _silenced_message(viewer))
    _ensure(can_edit_post(viewer, post), viewer, "Only the person who wrote this can edit it.")


def ensure_can_delete_post(viewer: User | None, post: Post) -> None:
    _ensure(can_delete_post(viewer, post), viewer, "Only the person who wrote this can delete it.")


def can_react(viewer: User | None, post: PostFacts) -> bool:
    """Members who may post, on published posts that aren't their own."""
    return can_post(viewer) and post.status == PostStatus.PUBLISHED and not is_author(viewer, post)


def can_follow(viewer: User | None, story: PostFacts) -> bool:
    """An anonymous story's author already hears about replies (sealed); a follow row would
    tie them to their thread."""
    return viewer is not None and not (story.is_anonymous and is_author(viewer, story))


def ensure_can_react(viewer: User | None, post: Post) -> None:
    if viewer is not None and is_silenced(viewer):
        raise HTTPException(403, _silenced_message(viewer))
    _ensure(can_react(viewer, post), viewer, "You can't react to this post.")


def ensure_can_follow(viewer: User | None, story: Post) -> None:
    _ensure(can_follow(viewer, story), viewer,
            "You already hear about every reply to your own story.")


# Reading: bookmarks, blocks, and whom a member's posts may notify.

def can_bookmark(viewer: User | None, post: PostFacts) -> bool:
    """Members bookmark published posts (the actions refuse threads they wrote anonymously
    in: a bookmark there would tie their account to the thread)."""
    return viewer is not None and post.status == PostStatus.PUBLISHED


def blockable_author(post: PostFacts) -> int | None:
    """The member (id) a reader could block from this post: only a post shown under its
    author's name. Anonymous and guest posts offer no block — blocking "whoever wrote this"
    would let a reader test who it was — and staff cannot be blocked (they must be able to
    reach everyone)."""
    if post.is_anonymous or post.is_guest or post.author is None:
        return None
    return post.author_id if post.author.role == Role.MEMBER else None


def can_block_author(viewer: User | None, author_id: int | None) -> bool:
    """Whether the reader may block the author `blockable_author` found (not themselves)."""
    return viewer is not None and author_id is not None and author_id != viewer.id


def can_block(viewer: User | None, member: User | None) -> bool:
    return (viewer is not None and member is not None and member.id != viewer.id
            and member.role == Role.MEMBER)


def may_notify(actor_id: int | None, recipient_id: int, blocked_by: frozenset[int]) -> bool:
    """Whether what a member did (``actor_id``, None for an anonymous or guest post) may
    notify ``recipient_id``. ``blocked_by`` holds the members who blocked the actor. An
    anonymous post notifies as any post would: holding its note back from those who blocked
    its author would tell them who wrote it."""
    if actor_id is None:
        return True
    return recipient_id not in blocked_by


def staff_badge(post: PostFacts) -> str:
    """"Moderator" or "Admin" beside a post staff wrote under their name; "" otherwise (never
    on an anonymous or guest post)."""
    if post.is_anonymous or post.is_guest or post.author is None:
        return ""
    return {Role.MODERATOR: "Moderator", Role.ADMIN: "Admin"}.get(Role(post.author.role), "")
