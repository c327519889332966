"""What a member does with posts — write a story, reply, edit, delete — one use-case each.

The page and the API both call these with the request's `Context` and a parsed schema, and
get back what happened; every step between (permission, rate limit, the change, crisis
alerts, notifications and follows) happens here, so the two doors cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass

from forum import permissions
from forum.actions.context import Context, enforce_limit
from forum.actions.posting import create_reply, create_story, delete_post, edit_post
from forum.models.accounts import User
from forum.models.content import Post, PostStatus
from forum.queries.content import get_category_or_404, get_post_or_404, get_story_or_404
from forum.queries.moderation import is_new_member
from forum.safety.crisis import CrisisLevel
from forum.safety.followup import follow_up
from forum.schemas.posting import EditIn, ReplyEditIn, ReplyIn, StoryEditIn, StoryIn

POSTING_TOO_FAST = ("You're posting faster than we can take in. Please wait about {wait} and "
                    "send it again — your words are kept below.")


@dataclass(frozen=True)
class Written:
    """A post as it now stands after someone sent it: new, or the one this form already made
    (`created` False); guests also get their manage token, once."""

    post: Post
    created: bool
    manage_token: str | None = None

    @property
    def pending(self) -> bool:
        return self.post.status == PostStatus.PENDING


@dataclass(frozen=True)
class Changed:
    post: Post
    changed: bool


async def _posting_limit(ctx: Context, author: User, values: dict[str, object]) -> None:
    """Stories and replies per member, stricter for new members."""
    new = await is_new_member(author, ctx.approval_rules)
    await enforce_limit(ctx, "post_new_member" if new else "post", str(author.id), values,
                        POSTING_TOO_FAST)


async def write_story(ctx: Context, data: StoryIn) -> Written:
    permissions.ensure_can_write_story(ctx.viewer)
    author = ctx.viewer
    assert author is not None
    await _posting_limit(ctx, author, data.model_dump(exclude_none=True))
    category = await get_category_or_404(data.category)
    story, created = await create_story(author, category, data, ctx.approval_rules)
    if created:
        await follow_up(story, ctx.settings)
    return Written(await get_post_or_404(story.id, author), created)


async def write_reply(ctx: Context, thread_id: int, data: ReplyIn) -> Written:
    story = await get_story_or_404(thread_id, ctx.viewer)
    permissions.ensure_can_reply(ctx.viewer, story.thread)
    author = ctx.viewer
    assert author is not None
    await _posting_limit(ctx, author, data.model_dump(exclude_none=True))
    reply, created = await create_reply(author, story.thread, data, ctx.approval_rules)
    if created:
        await follow_up(reply, ctx.settings)
    return Written(await get_post_or_404(reply.id, author), created)


async def post_to_edit(ctx: Context, post_id: int) -> Post:
    """The post the viewer asks to edit, if they may (its kind decides the edit schema)."""
    post = await get_post_or_404(post_id, ctx.viewer)
    permissions.ensure_can_edit_post(ctx.viewer, post)
    return post


def edit_fits(post: Post, data: EditIn) -> bool:
    return isinstance(data, StoryEditIn) if post.is_story else isinstance(data, ReplyEditIn)


async def edit(ctx: Context, post: Post, data: EditIn) -> Changed:
    """Edit one's own post; newly urgent words alert the crisis webhook, whichever door."""
    permissions.ensure_can_edit_post(ctx.viewer, post)
    assert edit_fits(post, data), "the edit schema must match the post's kind"
    was_urgent = post.crisis_level == CrisisLevel.URGENT
    changed = await edit_post(post, data)
    if changed:
        await follow_up(post, ctx.settings, newly_urgent=not was_urgent)
    return Changed(post, changed)


async def delete(ctx: Context, post_id: int) -> Changed:
    """Take one's own post down; a second delete of the same post changes nothing."""
    post = await get_post_or_404(post_id, ctx.viewer)
    permissions.ensure_can_delete_post(ctx.viewer, post)
    return Changed(post, await delete_post(post))
