"""Writing, editing and deleting stories and replies."""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from forum.forms import EditForm, FormInvalid, ReplyForm, StoryForm
from forum.markup import render_markdown
from forum.models.accounts import User
from forum.models.content import Category, Post, PostRevision, PostStatus, Thread
from forum.queries.content import post_by_submission


def submission_key(author: User, submission_id: str | None) -> str | None:
    if not submission_id:
        return None
    return hashlib.sha256(f"{author.id}:{submission_id}".encode()).hexdigest()


async def _write_once(key: str | None,
                      write: Callable[[], Awaitable[Post]]) -> tuple[Post, bool]:
    """Run `write` unless this submission already made a post; returns (post, is_new).

    Two copies of one form racing each other meet at the unique submission key: the second
    gets the first one's post back.
    """
    if key and (existing := await post_by_submission(key)):
        return existing, False
    try:
        return await write(), True
    except IntegrityError:
        if key and (existing := await post_by_submission(key)):
            return existing, False
        raise


async def create_story(author: User, category: Category, form: StoryForm) -> tuple[Post, bool]:
    """Returns the story and whether it is new (False: this form was already submitted)."""
    key = submission_key(author, form.submission_id)
    body_html = render_markdown(form.body)

    async def write() -> Post:
        async with in_transaction():
            thread = await Thread.create(
                category=category,
                title=form.title,
                content_warnings=form.content_warnings,
                content_warning_note=form.content_warning_note,
            )
            story = await Post.create(
                thread=thread,
                author=author,
                is_story=True,
                body_md=form.body,
                body_html=body_html,
                status=PostStatus.PUBLISHED,
                submission_key=key,
            )
        story.thread = thread
        return story

    return await _write_once(key, write)


async def create_reply(author: User, thread: Thread, form: ReplyForm) -> tuple[Post, bool]:
    key = submission_key(author, form.submission_id)
    if form.reply_to is not None and not await Post.filter(
        id=form.reply_to, thread_id=thread.id, status=PostStatus.PUBLISHED
    ).exists():
        raise FormInvalid({"reply_to": "The post you answered is no longer here."},
                          {"body": form.body})
    body_html = render_markdown(form.body)

    async def write() -> Post:
        async with in_transaction():
            reply = await Post.create(
                thread=thread,
                author=author,
                body_md=form.body,
                body_html=body_html,
                reply_to_id=form.reply_to,
                status=PostStatus.PUBLISHED,
                submission_key=key,
            )
            await Thread.filter(id=thread.id).update(
                reply_count=F("reply_count") + 1, last_post_at=reply.created_at
            )
        reply.thread = thread
        return reply

    return await _write_once(key, write)


async def edit_post(post: Post, form: EditForm) -> bool:
    """Keep what the post said before as a revision; returns False when nothing changed."""
    thread: Thread = post.thread
    title_changed = form.title is not None and form.title != thread.title
    if form.body == post.body_md and not title_changed:
        return False
    now = datetime.now(UTC)
    async with in_transaction():
        await PostRevision.create(
            post=post, title=thread.title if post.is_story else None, body_md=post.body_md
        )
        post.body_md = form.body
        post.body_html = render_markdown(form.body)
        post.edited_at = now
        await post.save(update_fields=["body_md", "body_html", "edited_at"])
        if title_changed and form.title is not None:
            thread.title = form.title
            await thread.save(update_fields=["title"])
    return True


async def delete_post(post: Post) -> bool:
    """The author takes their post down. A deleted story takes its thread out of view."""
    if post.status == PostStatus.DELETED:
        return False
    async with in_transaction():
        was_published = post.status == PostStatus.PUBLISHED
        post.status = PostStatus.DELETED
        await post.save(update_fields=["status"])
        if was_published and not post.is_story:
            await Thread.filter(id=post.thread_id).update(reply_count=F("reply_count") - 1)
    return True
