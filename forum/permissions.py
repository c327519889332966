"""Who may do what: pure functions of the viewer and the object, no database access.

``can_<verb>`` answers; ``ensure_<verb>`` raises the HTTP error a handler should give.
Things a viewer may not even see are 404s (decided in ``queries``), not 403s.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException

from forum.models.accounts import Role, User
from forum.models.content import Post, PostStatus, Thread

EDITABLE_STATUSES = frozenset({PostStatus.PUBLISHED, PostStatus.PENDING})


def is_moderator(viewer: User | None) -> bool:
    return viewer is not None and viewer.role in (Role.MODERATOR, Role.ADMIN)


def can_write_story(viewer: User | None) -> bool:
    return viewer is not None


def can_reply(viewer: User | None, thread: Thread) -> bool:
    return viewer is not None and (not thread.is_locked or is_moderator(viewer))


def is_author(viewer: User | None, post: Post) -> bool:
    return viewer is not None and post.author_id is not None and post.author_id == viewer.id


def can_edit_post(viewer: User | None, post: Post) -> bool:
    return is_author(viewer, post) and post.status in EDITABLE_STATUSES


def can_delete_post(viewer: User | None, post: Post) -> bool:
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


def ensure_can_write_story(viewer: User | None) -> None:
    _ensure(can_write_story(viewer), viewer, "You can't write stories right now.")


def ensure_can_reply(viewer: User | None, thread: Thread) -> None:
    _ensure(can_reply(viewer, thread), viewer, "This thread is locked, so it takes no new replies.")


def ensure_can_edit_post(viewer: User | None, post: Post) -> None:
    _ensure(can_edit_post(viewer, post), viewer, "Only the person who wrote this can edit it.")


def ensure_can_delete_post(viewer: User | None, post: Post) -> None:
    _ensure(can_delete_post(viewer, post), viewer, "Only the person who wrote this can delete it.")
