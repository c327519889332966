"""Bookmarking posts (a story or a reply) to find them again on the Bookmarks page.

A member cannot bookmark in a thread where they wrote anonymously: the bookmark would tie
their account to the thread in a copy of the database (their My posts page lists it).
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.exceptions import HTTPException
from tortoise.exceptions import IntegrityError

from forum import permissions
from forum.actions.context import Context
from forum.models.content import Post
from forum.models.reading import Bookmark
from forum.queries.content import get_post_or_404
from forum.queries.reading import wrote_anonymously_in
from forum.schemas.reading import BookmarkIn

ANONYMOUS_THREAD = ("You wrote anonymously in this thread, so it can't be bookmarked: a "
                    "bookmark would link your account to it. Your My posts page keeps it "
                    "for you.")
NOT_BOOKMARKABLE = "Only published posts can be bookmarked."


@dataclass(frozen=True)
class Bookmarked:
    post: Post
    on: bool
    changed: bool


async def set_bookmark(ctx: Context, data: BookmarkIn) -> Bookmarked:
    """Bookmark (`on`) a post the member can see, or remove their bookmark of it. Removing
    works whatever has become of the post since."""
    viewer = permissions.ensure_signed_in(ctx.viewer)
    if not data.on:
        removed = await Bookmark.filter(user_id=viewer.id, post_id=data.post_id).delete()
        if not removed:  # nothing to remove: say no more about the post than a page would
            return Bookmarked(await get_post_or_404(data.post_id, viewer), False, False)
        return Bookmarked(await Post.get(id=data.post_id), False, True)
    post = await get_post_or_404(data.post_id, viewer)
    if not permissions.can_bookmark(viewer, post):
        raise HTTPException(403, NOT_BOOKMARKABLE)
    if await wrote_anonymously_in(viewer, post.thread_id):
        raise HTTPException(403, ANONYMOUS_THREAD)
    try:
        await Bookmark.create(user_id=viewer.id, post_id=post.id, thread_id=post.thread_id)
    except IntegrityError:
        return Bookmarked(post, True, False)
    return Bookmarked(post, True, True)
