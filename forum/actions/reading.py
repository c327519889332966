"""Marking how far a member has read a thread.

Recorded by a small POST the page sends when the reader reaches the end of what it shows (or
by the "Mark as read" button without JavaScript), never by the page view itself: reading a
page writes nothing. The position only moves forward.

Nothing is written in a thread where the member wrote anonymously: a read position written
as they post there (the page they land on after posting sends it) would tie their account to
the post in a copy of the database. They still find those threads on their My posts page.
And the position they had there before goes when they write anonymously (`forget_position`):
left as it was, it would stay on the post just before theirs while every other reader's
moved on — pointing at the one reader who stopped being counted the moment it was written.
"""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.exceptions import IntegrityError

from forum import permissions
from forum.actions.context import Context
from forum.models.accounts import User
from forum.models.content import Post
from forum.models.reading import ThreadRead
from forum.queries.content import get_story_or_404, not_found
from forum.queries.reading import wrote_anonymously_in
from forum.schemas.reading import ReadIn


@dataclass(frozen=True)
class Read:
    thread_id: int
    last_read_post_id: int | None  # None: not kept (the member wrote anonymously there)
    changed: bool


async def mark_read(ctx: Context, data: ReadIn) -> Read:
    viewer = permissions.ensure_signed_in(ctx.viewer)
    story = await get_story_or_404(data.thread_id, viewer)
    if not await Post.filter(id=data.post_id, thread_id=story.thread_id).exists():
        raise not_found()
    if await wrote_anonymously_in(viewer, story.thread_id):
        return Read(story.thread_id, None, False)
    moved = await ThreadRead.filter(user_id=viewer.id, thread_id=story.thread_id,
                                    last_read_post_id__lt=data.post_id).update(
        last_read_post_id=data.post_id)
    if moved:
        return Read(story.thread_id, data.post_id, True)
    try:
        await ThreadRead.create(user_id=viewer.id, thread_id=story.thread_id,
                                last_read_post_id=data.post_id)
    except IntegrityError:  # already read this far or further (or a twin request won)
        kept = await ThreadRead.get(user_id=viewer.id, thread_id=story.thread_id)
        return Read(story.thread_id, kept.last_read_post_id, False)
    return Read(story.thread_id, data.post_id, True)


async def forget_position(author: User, thread_id: int) -> int:
    """Let go of the member's read position in a thread they just wrote in anonymously (after
    the post is committed, in a transaction of its own, as drafts are let go)."""
    removed: int = await ThreadRead.filter(user_id=author.id, thread_id=thread_id).delete()
    return removed
