"""Marking how far a member has read a thread.

Recorded by a small POST the page sends when the reader reaches the end of what it shows (or
by the "Mark as read" button without JavaScript), never by the page view itself: reading a
page writes nothing. The position only moves forward.

A position is kept under a keyed hash of (member, thread) (forum.models.reading), so it
is kept in threads where the member wrote anonymously too, exactly as anywhere else: a
copy of the database cannot tell whose it is, and a reader with no position, or one left
behind on the post before an anonymous reply, would stand out.
"""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.exceptions import IntegrityError

from forum import permissions
from forum.actions.context import Context
from forum.models.accounts import User
from forum.models.content import Post
from forum.models.reading import ReadPosition
from forum.queries.content import get_story_or_404, not_found
from forum.queries.reading import my_reads, reader_tag, seal_reader
from forum.schemas.reading import ReadIn


@dataclass(frozen=True)
class Read:
    thread_id: int
    last_read_post_id: int
    changed: bool


async def mark_read(ctx: Context, data: ReadIn) -> Read:
    viewer = permissions.ensure_signed_in(ctx.viewer)
    story = await get_story_or_404(data.thread_id, viewer)
    if not await Post.filter(id=data.post_id, thread_id=story.thread_id).exists():
        raise not_found()
    tag = reader_tag(viewer.id, story.thread_id)
    moved = await ReadPosition.filter(reader_tag=tag, thread_id=story.thread_id,
                                      last_read_post_id__lt=data.post_id).update(
        last_read_post_id=data.post_id)
    if moved:
        return Read(story.thread_id, data.post_id, True)
    try:
        await ReadPosition.create(reader_tag=tag, thread_id=story.thread_id,
                                  last_read_post_id=data.post_id,
                                  sealed_reader=seal_reader(viewer.id))
    except IntegrityError:  # already read this far or further (or a twin request won)
        kept = await ReadPosition.get(reader_tag=tag)
        return Read(story.thread_id, kept.last_read_post_id, False)
    return Read(story.thread_id, data.post_id, True)


async def forget_reads(user: User) -> int:
    """Delete every read position of the member's (with their account)."""
    ids = [r.id for r in await my_reads(user)]
    removed: int = await ReadPosition.filter(id__in=ids).delete() if ids else 0
    return removed
