"""Moving a post from one status to another without trusting a copy read earlier.

Two requests can hold the same post (a double-click on Delete, an author deleting while a
moderator hides). Each move is ``UPDATE … WHERE status = <old>`` for one old status at a
time, so the database says which old status it really was, and only a real change moves the
thread's reply count — by a relative amount, in the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Iterable

from tortoise.expressions import F

from forum.models.content import Post, PostStatus, Thread


async def move_status(post: Post, to: PostStatus, from_: Iterable[PostStatus],
                      **also: object) -> PostStatus | None:
    """Move `post` to `to` if it is in one of `from_`; returns the status it really had, or
    None when nothing changed. Call it inside a transaction. `also`: other columns to set."""
    for old in from_:
        if old == to:
            continue
        if await Post.filter(id=post.id, status=old).update(status=to, **also):
            step = (to == PostStatus.PUBLISHED) - (old == PostStatus.PUBLISHED)
            if step and not post.is_story:
                await Thread.filter(id=post.thread_id).update(
                    reply_count=F("reply_count") + step)
            post.status = to
            return old
    return None
