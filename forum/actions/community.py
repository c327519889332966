"""Reactions, following, and telling members about replies and mentions.

Every note about an anonymous post or to an anonymous author is sealed (no row ties a
member to their anonymous post), and replies are described by their author as readers see
them (`author_view`).
"""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.exceptions import IntegrityError

from forum import permissions
from forum.actions.blocks import may_be_notified
from forum.actions.context import Context
from forum.actions.notify import Note, send_plain_event, send_sealed_event
from forum.anonymity import author_view, sealed_author_id
from forum.markup import MENTION
from forum.models.accounts import User
from forum.models.community import Follow, Reaction, ReactionKind
from forum.models.content import Post, PostStatus, Thread
from forum.queries.content import get_post_or_404, get_story_or_404, not_found
from forum.schemas.community import FollowIn, ReactionIn
from forum.usernames import username_key

MAX_MENTIONS = 10

@dataclass(frozen=True)
class Reacted:
    post: Post
    changed: bool


@dataclass(frozen=True)
class Following:
    story: Post
    following: bool
    changed: bool


async def react(ctx: Context, data: ReactionIn) -> Reacted:
    """Add (`on`) or take back one supportive reaction to a post the member can see."""
    post = await get_post_or_404(data.post_id, ctx.viewer)
    if data.kind not in {k.value for k in ReactionKind}:
        raise not_found()
    permissions.ensure_can_react(ctx.viewer, post)
    assert ctx.viewer is not None
    return Reacted(post, await set_reaction(ctx.viewer, post, ReactionKind(data.kind), data.on))


async def set_following(ctx: Context, data: FollowIn) -> Following:
    """Follow (`on`) or stop following a story the member can see."""
    story = await get_story_or_404(data.thread_id, ctx.viewer)
    permissions.ensure_can_follow(ctx.viewer, story)
    assert ctx.viewer is not None
    changed = await (follow if data.on else unfollow)(ctx.viewer, story.thread)
    return Following(story, data.on, changed)


async def set_reaction(user: User, post: Post, kind: ReactionKind, on: bool) -> bool:
    """Add or take back one reaction; returns whether anything changed."""
    if not on:
        return bool(await Reaction.filter(post_id=post.id, user_id=user.id, kind=kind).delete())
    try:
        await Reaction.create(post_id=post.id, user_id=user.id, kind=kind)
    except IntegrityError:
        return False
    return True


async def follow(user: User, thread: Thread) -> bool:
    try:
        await Follow.create(thread_id=thread.id, user_id=user.id)
    except IntegrityError:
        return False
    return True


async def unfollow(user: User, thread: Thread) -> bool:
    return bool(await Follow.filter(thread_id=thread.id, user_id=user.id).delete())


def _wants(user: User, kind: str) -> bool:
    return bool((user.notification_prefs or {}).get(kind, True))


@dataclass(frozen=True)
class _Role:
    """Who is told about an event, and why: each role in order of precedence."""

    user_id: int
    kind: str
    message: str
    # Held as the author of an anonymous post: who that is (and so their notification
    # choices) is not public, so their row is written whatever they chose.
    hidden: bool = False


async def announce_reply(reply: Post, thread: Thread, replier_id: int) -> None:
    """Tell the story's author, the author of the post answered, followers and anyone
    @mentioned.

    A reply that touches an anonymous post (it is one, or answers one, or is in an
    anonymous story) is told in sealed notes: one for every role anyone holds, the replier's
    own roles included as receipts, so the rows of the event are exactly the ones anybody
    could predict from follows, posts and preferences and none is missing for its author.
    Otherwise each member is told once in plain notes, never the replier."""
    if reply.status != PostStatus.PUBLISHED:
        return
    who = author_view(reply, None).name
    story = await Post.filter(thread_id=thread.id, is_story=True).first()
    answered = await Post.get_or_none(id=reply.reply_to_id) if reply.reply_to_id else None
    roles: list[_Role] = []
    for post, kind, message in (
            (story, "reply_to_story", f"{who} replied to your story “{thread.title}”."),
            (answered, "reply_to_post", f"{who} answered your post in “{thread.title}”.")):
        author_id = None if post is None else (
            sealed_author_id(post) if post.is_anonymous else post.author_id)
        if author_id is not None:
            assert post is not None
            roles.append(_Role(author_id, kind, message, hidden=post.is_anonymous))
    roles += [_Role(int(user_id), "followed_thread", f"{who} replied in “{thread.title}”.")
              for (user_id,) in await Follow.filter(thread_id=thread.id).values_list(
                  "user_id")]
    roles += await _mention_roles(reply, thread)
    touched = any(p is not None and p.is_anonymous for p in (reply, story, answered))
    await _fan_out(roles, replier_id, f"/posts/{reply.id}", sealed=touched,
                   named_actor=_named_author(reply, replier_id))


async def announce_mentions(post: Post, thread: Thread, told: set[int]) -> None:
    """Tell the members @mentioned in a story: plain, never its author; sealed with the
    author's own receipt when the story is anonymous."""
    link = f"/posts/{post.id}"
    roles = await _mention_roles(post, thread)
    if post.is_anonymous:
        await _fan_out(roles, sealed_author_id(post) or 0, link, sealed=True, named_actor=None)
    else:
        await _fan_out([r for r in roles if r.user_id not in told], 0, link, sealed=False,
                       named_actor=_named_author(post, post.author_id))


async def _mention_roles(post: Post, thread: Thread) -> list[_Role]:
    keys = list(dict.fromkeys(username_key(m) for m in MENTION.findall(post.body_md)))
    if not keys:
        return []
    who = author_view(post, None).name
    return [_Role(int(user_id), "mention", f"{who} mentioned you in “{thread.title}”.")
            for (user_id,) in await User.filter(username_key__in=keys[:MAX_MENTIONS]).values_list(
                "id")]


def _named_author(post: Post, author_id: int | None) -> int | None:
    """Who wrote the post, when it is shown under their name (blocks apply); else None."""
    return None if post.is_anonymous or post.is_guest else author_id


async def _fan_out(roles: list[_Role], actor_id: int, link: str, *, sealed: bool,
                   named_actor: int | None) -> None:
    members = {u.id: u for u in await User.filter(id__in={r.user_id for r in roles})}
    # Members who blocked the post's (named) author hear nothing of it (forum.actions.blocks).
    allowed = await may_be_notified(named_actor, members)
    if sealed:
        # A row for every role anyone could predict. A member who switched the kind off
        # gets it as a receipt (never shown) when their role is an anonymous post's: its
        # absence would say that post's author is someone who switched it off.
        await send_sealed_event([
            Note(r.user_id, r.kind, r.message,
                 own=r.user_id == actor_id or not _wants(members[r.user_id], r.kind)
                 or r.user_id not in allowed)
            for r in roles if r.user_id in members
            and (r.hidden or _wants(members[r.user_id], r.kind))], link)
        return
    told: set[int] = {actor_id, *(set(members) - allowed)}  # the blockers count as told
    notes: list[Note] = []
    for role in roles:
        user = members.get(role.user_id)
        if user is not None and role.user_id not in told and _wants(user, role.kind):
            notes.append(Note(role.user_id, role.kind, role.message))
            told.add(role.user_id)
    await send_plain_event(notes, link)
