"""Reactions, following, and telling members about replies and mentions.

Every note about an anonymous post or to an anonymous author is sealed (no row ties a
member to their anonymous post), and replies are described by their author as readers see
them (`author_view`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tortoise.exceptions import IntegrityError

from forum import permissions
from forum.actions.context import Context
from forum.actions.notify import send
from forum.anonymity import author_view, sealed_author_id
from forum.models.accounts import User
from forum.models.community import Follow, Reaction, ReactionKind
from forum.models.content import Post, PostStatus, Thread
from forum.queries.content import get_post_or_404, get_story_or_404, not_found
from forum.schemas.community import FollowIn, ReactionIn
from forum.usernames import username_key

MENTION = re.compile(r"(?<![\w@])@([A-Za-z0-9_-]{3,30})\b")
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


async def _tell(user: User, kind: str, message: str, link: str, *, sealed: bool) -> bool:
    """Sends the note unless the member switched this kind off; returns whether it did."""
    if not _wants(user, kind):
        return False
    await send(user.id, kind, message, link, sealed=sealed)
    return True


async def announce_reply(reply: Post, thread: Thread, replier_id: int) -> None:
    """Tell the story's author, the author of the post answered, followers and anyone
    @mentioned — each once, never the replier, in that order of precedence."""
    if reply.status != PostStatus.PUBLISHED:
        return
    who = author_view(reply, None).name
    link = f"/posts/{reply.id}"
    told: set[int] = {replier_id}
    story = await Post.filter(thread_id=thread.id, is_story=True).first()
    targets: list[tuple[Post, str, str]] = []
    if story is not None:
        targets.append((story, "reply_to_story", f"{who} replied to your story "
                                                 f"“{thread.title}”."))
    if reply.reply_to_id and (answered := await Post.get_or_none(id=reply.reply_to_id)):
        targets.append((answered, "reply_to_post", f"{who} answered your post in "
                                                   f"“{thread.title}”."))
    for post, kind, message in targets:
        author_id = sealed_author_id(post) if post.is_anonymous else post.author_id
        if author_id is None or author_id in told:
            continue
        author = await User.get_or_none(id=author_id)
        if author is not None and await _tell(author, kind, message, link,
                                              sealed=post.is_anonymous):
            told.add(author_id)
    for follower in await User.filter(follows__thread_id=thread.id).exclude(id__in=told):
        if await _tell(follower, "followed_thread", f"{who} replied in “{thread.title}”.",
                       link, sealed=False):
            told.add(follower.id)
    await announce_mentions(reply, thread, told)


async def announce_mentions(post: Post, thread: Thread, told: set[int]) -> None:
    keys = list(dict.fromkeys(username_key(m) for m in MENTION.findall(post.body_md)))
    if not keys:
        return
    who = author_view(post, None).name
    for user in await User.filter(username_key__in=keys[:MAX_MENTIONS]).exclude(id__in=told):
        if await _tell(user, "mention", f"{who} mentioned you in “{thread.title}”.",
                       f"/posts/{post.id}", sealed=False):
            told.add(user.id)
