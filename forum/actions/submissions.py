"""A form or an Idempotency-Key sent twice makes one post.

Each submission's one-time id is stored hashed on the post it made (`Post.submission_key`,
unique). The same id again answers with that post — unless what was sent differs from what
the post was first written with, which is refused: answering with someone else's words
would hide the mistake. What was sent is compared with the post itself (its first revision
after an edit), so no extra column is needed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from tortoise.exceptions import IntegrityError

from forum import sealing
from forum.actions.account_lock import account_gone
from forum.actions.retry import retry_on_conflict
from forum.forms import FormInvalid
from forum.models.accounts import User
from forum.models.content import Post, PostRevision, Thread
from forum.queries.content import post_by_submission
from forum.queries.moderation import watched_words_matcher

SUBMITTED_WITH_OTHER_WORDS = (
    "This form (or Idempotency-Key) was already used to send a different post. To send "
    "something new, reload the page or use a new key — what you wrote is kept.")
FOREIGN_KEY_VIOLATION = "23503"  # SQLSTATE


def submission_key(author: User | None, submission_id: str | None) -> str | None:
    """The stored hash of a form's one-time id: per member, or in the guests' own space.

    Keyed (forum.sealing): an API client may choose ids anyone could guess ("1", "2"), and
    a plain hash of (member, id) would let a copy of the database try every member's id
    against an anonymous post's key."""
    if not submission_id:
        return None
    owner = "guest" if author is None else str(author.id)
    return sealing.tag("submission", owner, submission_id)


@dataclass(frozen=True)
class Sent:
    """What a person sent, to recognise the same submission arriving again."""

    body: str
    title: str | None = None  # stories
    category_id: int | None = None  # stories
    thread_id: int | None = None  # replies: the same words sent to another thread are new
    reply_to: int | None = None  # replies
    anonymous: bool = False


async def _as_first_sent(post: Post) -> Sent:
    """What the post said when it was written: its first revision keeps that after edits."""
    first = await PostRevision.filter(post_id=post.id).order_by("id").first()
    thread = await Thread.get(id=post.thread_id)
    return Sent(
        body=first.body_md if first else post.body_md,
        title=((first.title if first else None) or thread.title) if post.is_story else None,
        category_id=thread.category_id if post.is_story else None,
        thread_id=None if post.is_story else post.thread_id,
        reply_to=post.reply_to_id,
        anonymous=post.is_anonymous or bool(post.sealed_author),
    )


async def _ensure_same_submission(existing: Post, sent: Sent, values: dict[str, Any]) -> None:
    """The same submission id with other words is a mistake, not a replay: say so (422)
    rather than answer with a post that isn't what was sent."""
    first = await _as_first_sent(existing)
    title_matches = sent.title is None or first.title in (
        sent.title, (await watched_words_matcher()).censor(sent.title))
    if (first.body, first.category_id, first.thread_id, first.reply_to, first.anonymous) != (
            sent.body, sent.category_id, sent.thread_id, sent.reply_to, sent.anonymous
    ) or not title_matches:
        raise FormInvalid({"form": SUBMITTED_WITH_OTHER_WORDS}, values)


async def already_sent(key: str | None, sent: Sent, values: dict[str, Any]) -> Post | None:
    if key and (existing := await post_by_submission(key)):
        await _ensure_same_submission(existing, sent, values)
        return existing
    return None


def _is_foreign_key_violation(exc: IntegrityError) -> bool:
    """A row the new post points at is gone (PostgreSQL SQLSTATE 23503; SQLite says so)."""
    causes = [exc, exc.__cause__, *exc.args]
    return any(getattr(c, "sqlstate", None) == FOREIGN_KEY_VIOLATION
               or "FOREIGN KEY constraint failed" in str(c) for c in causes if c is not None)


async def write_once(key: str | None, sent: Sent, values: dict[str, Any],
                      write: Callable[[], Awaitable[Post]]) -> tuple[Post, bool]:
    """Run `write` for a submission the caller found not sent yet (`already_sent`, before
    the work of checking and screening it); returns (post, is_new).

    Two copies of one form racing each other meet at the unique submission key: the second
    gets the first one's post back. `write` (one transaction) runs again after a deadlock.
    A post whose author's account was deleted meanwhile is refused like a signed-out
    request (401): the author is what can vanish under it (threads and posts are kept).
    """
    try:
        return await retry_on_conflict(write), True
    except IntegrityError as exc:
        if existing := await already_sent(key, sent, values):
            return existing, False
        if _is_foreign_key_violation(exc):
            raise account_gone() from exc
        raise
