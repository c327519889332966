"""What a member does with posts — write a story, reply, edit, delete — one use-case each.

The page and the API both call these with the request's `Context` and a parsed schema, and
get back what happened; every step between (permission, rate limit, the change, crisis
alerts, notifications and follows) happens here, so the two doors cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from forum import permissions
from forum.actions.context import Context, enforce_limit
from forum.actions.drafts import discard_posted
from forum.actions.posting import create_reply, create_story, delete_post, edit_post
from forum.anonymity import my_anonymous_post_ids
from forum.forms import FormInvalid
from forum.models.accounts import User
from forum.models.content import Post, PostStatus
from forum.outage import after_commit
from forum.queries.content import get_category_or_404, get_post_or_404, get_story_or_404
from forum.queries.moderation import is_new_member
from forum.schemas.posting import EditIn, ReplyEditIn, ReplyIn, StoryEditIn, StoryIn

POSTING_TOO_FAST = ("You're posting faster than we can take in. Please wait about {wait} and "
                    "send it again — your words are kept below.")


NAMED_AFTER_ANONYMOUS_STATUS = 409  # the form comes back: nothing posted until confirmed
NAMED_AFTER_ANONYMOUS = (
    "You have written in this thread as {pseudonyms}. Posting this reply under your name "
    "shows “{name}” beside it, in the same thread — readers may guess you are the same "
    "person. Tick “Post anonymously” to stay anonymous, or confirm that you want your name "
    "on this reply. Nothing was posted yet, and your words are kept.")


async def my_pseudonyms_in(viewer: User | None, thread_id: int) -> list[str]:
    """The pseudonyms the viewer's anonymous posts in this thread show (still up, not yet
    named): anonymity is sticky there. One query beyond their sealed side; writes nothing."""
    if viewer is None or not (mine := await my_anonymous_post_ids(viewer)):
        return []
    names = await Post.filter(id__in=mine, thread_id=thread_id, is_anonymous=True).exclude(
        status=PostStatus.DELETED).order_by("id").values_list("pseudonym", flat=True)
    return list(dict.fromkeys(str(name) for name in names))


async def _confirm_named_after_anonymous(author: User, thread_id: int, data: ReplyIn) -> None:
    if data.anonymous or data.confirm_named:
        return
    if pseudonyms := await my_pseudonyms_in(author, thread_id):
        quoted = " and ".join(f"“{name}”" for name in pseudonyms)
        message = NAMED_AFTER_ANONYMOUS.format(pseudonyms=quoted, name=author.shown_name)
        raise FormInvalid({"confirm_named": message}, data.model_dump(exclude_none=True),
                          status_code=NAMED_AFTER_ANONYMOUS_STATUS)


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


async def as_it_now_stands(written: Post, author: User, created: bool) -> Post:
    """The post read back for the answer, with its thread, category and author. If that
    read fails, a new post as it was written (it carries them too): it is saved either way.
    (A post sent before carries nothing: the error says that it had already arrived.)"""
    reading = get_post_or_404(written.id, author)
    if not created:
        return await reading
    return await after_commit("reading the new post back", reading) or written


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
    await after_commit("letting go of the story's draft",
                       discard_posted(author, draft_id=data.draft_id))
    return Written(await as_it_now_stands(story, author, created), created)


async def write_reply(ctx: Context, thread_id: int, data: ReplyIn) -> Written:
    """Anonymity is sticky in a thread: a named reply by someone who wrote there anonymously
    is refused (409, the text kept) until they confirm it (``confirm_named``)."""
    story = await get_story_or_404(thread_id, ctx.viewer)
    permissions.ensure_can_reply(ctx.viewer, story.thread)
    author = ctx.viewer
    assert author is not None
    await _confirm_named_after_anonymous(author, story.thread_id, data)
    await _posting_limit(ctx, author, data.model_dump(exclude_none=True))
    reply, created = await create_reply(author, story.thread, data, ctx.approval_rules)
    await after_commit("letting go of the reply's draft",
                       discard_posted(author, draft_id=data.draft_id, thread_id=story.thread_id))
    return Written(await as_it_now_stands(reply, author, created), created)


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
    return await edited(ctx, post, lambda: edit_post(post, data))


async def edited(ctx: Context, post: Post, change: Callable[[], Awaitable[bool]]) -> Changed:
    """Any edit of a post, by its member or by its guest (words that put it in the Urgent
    tab queue the crisis alert in the edit's own transaction)."""
    return Changed(post, await change())


async def delete(ctx: Context, post_id: int) -> Changed:
    """Take one's own post down; a second delete of the same post changes nothing."""
    post = await get_post_or_404(post_id, ctx.viewer)
    permissions.ensure_can_delete_post(ctx.viewer, post)
    return Changed(post, await delete_post(post))
