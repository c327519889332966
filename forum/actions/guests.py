"""What a guest (no account) does: write a story or a reply, and through the secret manage
link check, edit or delete it — one use-case each, for the page and the API alike.

Guest posts are always held for a moderator; a refused thread (locked, or in a category
that takes no guests) is a 403 through either door, like a member's reply to a locked one.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException

from forum.actions.context import Context, enforce_limit
from forum.actions.posting import (
    GUESTS_NOT_ALLOWED,
    GuestPost,
    create_guest_reply,
    create_guest_story,
    delete_post,
    guest_edit,
)
from forum.actions.stories import Changed, Written, edited
from forum.actions.submissions import submission_key
from forum.guest_forms import check_guest_extras
from forum.models.content import Post, Thread
from forum.outage import after_commit
from forum.queries.content import (
    get_category_or_404,
    get_story_or_404,
    get_thread_for_post,
    post_by_submission,
)
from forum.schemas.posting import (
    GuestEditIn,
    GuestReplyEditIn,
    GuestReplyIn,
    GuestStoryEditIn,
    GuestStoryIn,
)

GUEST_LIMITED = ("Several posts came from this connection in a short time. Please wait about "
                 "{wait} and send it again — your words are kept.")
THREAD_LOCKED = "This thread is locked, so it takes no new replies."


def _values(data: GuestStoryIn | GuestReplyIn | GuestEditIn) -> dict[str, object]:
    """What to put back in the form (never the honeypot)."""
    return data.model_dump(exclude={"website"}, exclude_none=True)


def _extras(data: GuestStoryIn | GuestReplyIn | GuestEditIn) -> None:
    check_guest_extras({"website": data.website}, _values(data), body=data.body,
                       title=getattr(data, "title", None) or "")


async def _limit_unless_resent(ctx: Context, data: GuestStoryIn | GuestReplyIn) -> None:
    """One hit on the guest limit for a new post; a form sent again (the "sent" page
    refreshed) is answered with the post it made, so it must not use up the limit or be
    told to wait as if it had not arrived."""
    key = submission_key(None, data.submission_id)
    if key and await post_by_submission(key):
        return
    await enforce_limit(ctx, "guest", ctx.client, _values(data), GUEST_LIMITED)


async def _written(written: GuestPost) -> Written:
    """The post with its thread and category, read back; as written if that read fails (the
    post is saved, and its manage link must reach the guest: it is shown only once)."""
    reading = get_thread_for_post(written.post)
    if not written.created:
        written.post.thread = await reading
    elif thread := await after_commit("reading the new guest post's thread back", reading):
        written.post.thread = thread
    return Written(written.post, written.created, written.manage_token)


async def write_guest_story(ctx: Context, data: GuestStoryIn) -> Written:
    _extras(data)
    category = await get_category_or_404(data.category)
    await _limit_unless_resent(ctx, data)
    return await _written(await create_guest_story(category, data))


async def thread_for_guest_reply(thread_id: int) -> Thread:
    """The thread a guest may answer: published, unlocked, in a category that takes guests."""
    found = await get_story_or_404(thread_id, None)
    if not found.thread.category.allow_guests:
        raise HTTPException(403, GUESTS_NOT_ALLOWED)
    if found.thread.is_locked:
        raise HTTPException(403, THREAD_LOCKED)
    return found.thread


async def write_guest_reply(ctx: Context, thread_id: int, data: GuestReplyIn) -> Written:
    thread = await thread_for_guest_reply(thread_id)
    _extras(data)
    await _limit_unless_resent(ctx, data)
    return await _written(await create_guest_reply(thread, data))


async def edit_as_guest(ctx: Context, post: Post, data: GuestEditIn) -> Changed:
    """`post` comes from its manage token (`guest_post_by_token`); the edit waits for a
    moderator again, and newly urgent words alert the crisis webhook."""
    fits = isinstance(data, GuestStoryEditIn if post.is_story else GuestReplyEditIn)
    assert fits, "the edit schema must match the post's kind"
    _extras(data)
    return await edited(ctx, post, lambda: guest_edit(post, data))


async def delete_as_guest(ctx: Context, post: Post) -> Changed:
    return Changed(post, await delete_post(post))
