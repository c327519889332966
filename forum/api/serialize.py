"""Model -> JSON. Authors always go through the one author-display function."""

from __future__ import annotations

from typing import Any

from forum.anonymity import author_view
from forum.clock import iso_time
from forum.models.accounts import User
from forum.models.content import Category, Post, PostStatus, Thread
from forum.permissions import is_moderator


def account_json(user: User) -> dict[str, Any]:
    return {
        "username": user.username,
        "display_name": user.display_name,
        "bio": user.bio,
        "email": user.email,
        "email_verified": bool(user.email and user.email_verified_at),
        "country": user.country,
        "expand_warnings": user.expand_warnings,
        "role": user.role.value,
        "created_at": iso_time(user.created_at),
    }


def category_json(category: Category) -> dict[str, Any]:
    return {
        "slug": category.slug,
        "name": category.name,
        "description": category.description,
        "allow_anonymous": category.allow_anonymous,
        "allow_guests": category.allow_guests,
    }


def post_json(post: Post, viewer: User | None) -> dict[str, Any]:
    hidden = post.status == PostStatus.HIDDEN
    withheld = hidden and not is_moderator(viewer)
    return {
        "id": post.id,
        "story_id": post.thread_id,
        "author": author_view(post, viewer).as_json(),
        "body": None if withheld else post.body_md,
        "body_html": None if withheld else post.body_html,
        "hidden_reason": post.moderation_reason if hidden else None,
        "status": post.status.value,
        "reply_to": post.reply_to_id,
        "created_at": iso_time(post.created_at),
        "edited": post.edited_at is not None,
        "edited_at": iso_time(post.edited_at) if post.edited_at else None,
        "url": f"/posts/{post.id}",
    }


def story_json(story: Post, viewer: User | None) -> dict[str, Any]:
    thread: Thread = story.thread
    return {
        "id": thread.id,
        "title": thread.title,
        "category": thread.category.slug,
        "content_warnings": thread.content_warnings,
        "content_warning_note": thread.content_warning_note,
        "is_locked": thread.is_locked,
        "is_pinned": thread.is_pinned,
        "reply_count": thread.reply_count,
        "last_post_at": iso_time(thread.last_post_at),
        "post": post_json(story, viewer),
        "url": f"/stories/{thread.id}",
    }
