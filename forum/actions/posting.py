"""Writing, editing and deleting stories and replies."""

from __future__ import annotations

import dataclasses
import hashlib
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from forum import sealing
from forum.actions.anonymous import pseudonym_in_thread, remember_anonymous_post
from forum.actions.community import announce_mentions, announce_reply, follow
from forum.anonymity import seal_author, sealed_author_id, thread_author_tag
from forum.forms import EditForm, FormInvalid, ReplyForm, StoryForm
from forum.guest_forms import manage_token_hash
from forum.markup import render_markdown
from forum.models.accounts import User
from forum.models.content import Category, Post, PostRevision, PostStatus, Thread
from forum.models.moderation import Report, ReportReason
from forum.queries.content import post_by_submission
from forum.queries.moderation import ApprovalRules, needs_approval, watched_words_matcher
from forum.safety.crisis import CrisisLevel, Detection, detect_many
from forum.safety.words import WordAction, WordMatch


@dataclass(frozen=True)
class Screening:
    """What the watched words say about a text: refuse, hold, flag, and the masked text."""

    hold: bool
    flagged: list[WordMatch]
    censor: Callable[[str], str]


def blocked_message(matches: list[WordMatch]) -> str:
    words = ", ".join(dict.fromkeys(f"“{m.matched}”" for m in matches))
    return (f"This community has asked that some words not be used here, and your post "
            f"includes {words}. Please reword that part — everything you wrote is kept below.")


async def screen(texts: list[str], values: dict) -> Screening:
    """Apply the watched words to what someone wrote; a `block` word refuses it kindly."""
    matcher = await watched_words_matcher()
    matches = [m for text in texts for m in matcher.find(text)]
    blocked = [m for m in matches if m.action is WordAction.BLOCK]
    if blocked:
        field_name = "body" if "body" in values else "form"
        raise FormInvalid({field_name: blocked_message(blocked)}, values)
    return Screening(
        hold=any(m.action is WordAction.REQUIRE_APPROVAL for m in matches),
        flagged=[m for m in matches if m.action is WordAction.FLAG],
        censor=matcher.censor,
    )


async def flag_for_moderators(post: Post, flagged: list[WordMatch]) -> None:
    if not flagged:
        return
    words = ", ".join(dict.fromkeys(m.pattern for m in flagged))
    await Report.get_or_create(
        open_key=f"{post.id}:words",
        defaults={"post_id": post.id, "reason": ReportReason.WATCHED_WORD,
                  "note": f"Watched words: {words}"},
    )


MANAGE_TOKEN_BYTES = 32  # 256 bits
GUESTS_NOT_ALLOWED = ("This category only takes posts from members. You can join in a "
                      "minute — or choose a category that welcomes guests.")
ANONYMITY_NOT_ALLOWED = ("This category doesn't take anonymous posts. You can post under "
                         "your name, or choose a category that allows anonymous posts.")


def _check_anonymity_allowed(anonymous: bool, category: Category, values: dict) -> None:
    if anonymous and not category.allow_anonymous:
        raise FormInvalid({"anonymous": ANONYMITY_NOT_ALLOWED}, values)


async def _authorship(author: User, thread_id: int, anonymous: bool) -> dict:
    """The author columns of a new post. Anonymous: no author_id, the author sealed, the
    thread's pseudonym, and OP when the (anonymous) story is theirs too."""
    if not anonymous:
        return {"author": author}
    tag = thread_author_tag(thread_id, author.id)
    story = await Post.filter(thread_id=thread_id, is_story=True).first()
    is_op = bool(story and story.is_anonymous and sealed_author_id(story) == author.id)
    return {
        "author": None,
        "is_anonymous": True,
        "sealed_author": seal_author(author.id),
        "pseudonym": await pseudonym_in_thread(thread_id, tag, "Anonymous"),
        "is_op": is_op,
    }


async def bring_to_a_human(post: Post, crisis: Detection) -> None:
    """Urgent crisis language puts the post in the moderators' Urgent tab (a system
    "worried" report). The post itself is never held or hidden for it."""
    if crisis.level is not CrisisLevel.URGENT:
        return
    await Report.get_or_create(
        open_key=f"{post.id}:crisis",
        defaults={"post_id": post.id, "reason": ReportReason.WORRIED,
                  "note": "Crisis language noticed: " + ", ".join(
                      [m for m in crisis.matched if "(" not in m][:5])},
    )


def _form_values(form: object) -> dict:
    return {k: v for k, v in dataclasses.asdict(form).items() if v is not None}  # type: ignore[call-overload]


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


async def create_story(author: User, category: Category, form: StoryForm,
                       rules: ApprovalRules | None) -> tuple[Post, bool]:
    """Returns the story and whether it is new (False: this form was already submitted).

    ``rules`` decide whether a new member's story waits for a moderator (None: never).
    """
    key = submission_key(author, form.submission_id)
    if key and (existing := await post_by_submission(key)):
        return existing, False
    _check_anonymity_allowed(form.anonymous, category, _form_values(form))
    screening = await screen([form.title, form.body], _form_values(form))
    held = screening.hold or await needs_approval(author, category, rules)
    crisis = detect_many(form.title, form.body)
    body_html = render_markdown(screening.censor(form.body))

    async def write() -> Post:
        async with in_transaction():
            thread = await Thread.create(
                category=category,
                title=screening.censor(form.title),
                content_warnings=form.content_warnings,
                content_warning_note=form.content_warning_note,
            )
            story = await Post.create(
                thread=thread,
                is_story=True,
                body_md=form.body,
                body_html=body_html,
                status=PostStatus.PENDING if held else PostStatus.PUBLISHED,
                submission_key=key,
                crisis_level=crisis.level.value,
                **await _authorship(author, thread.id, form.anonymous),
            )
            if form.anonymous:
                await remember_anonymous_post(author, story.id)
            await flag_for_moderators(story, screening.flagged)
            await bring_to_a_human(story, crisis)
        story.thread = thread
        return story

    story, created = await _write_once(key, write)
    if created:
        if not story.is_anonymous:
            await follow(author, story.thread)
        if story.status == PostStatus.PUBLISHED:
            await announce_mentions(story, story.thread, {author.id})
    return story, created


async def create_reply(author: User, thread: Thread, form: ReplyForm,
                       rules: ApprovalRules | None) -> tuple[Post, bool]:
    key = submission_key(author, form.submission_id)
    if key and (existing := await post_by_submission(key)):
        return existing, False
    if form.reply_to is not None and not await Post.filter(
        id=form.reply_to, thread_id=thread.id, status=PostStatus.PUBLISHED
    ).exists():
        raise FormInvalid({"reply_to": "The post you answered is no longer here."},
                          {"body": form.body})
    _check_anonymity_allowed(form.anonymous, thread.category, _form_values(form))
    screening = await screen([form.body], _form_values(form))
    held = screening.hold or await needs_approval(author, thread.category, rules)
    crisis = detect_many(form.body)
    body_html = render_markdown(screening.censor(form.body))

    async def write() -> Post:
        async with in_transaction():
            reply = await Post.create(
                thread=thread,
                body_md=form.body,
                body_html=body_html,
                reply_to_id=form.reply_to,
                status=PostStatus.PENDING if held else PostStatus.PUBLISHED,
                submission_key=key,
                crisis_level=crisis.level.value,
                **await _authorship(author, thread.id, form.anonymous),
            )
            if form.anonymous:
                await remember_anonymous_post(author, reply.id)
            await bring_to_a_human(reply, crisis)
            if not held:
                await Thread.filter(id=thread.id).update(
                    reply_count=F("reply_count") + 1, last_post_at=reply.created_at
                )
            await flag_for_moderators(reply, screening.flagged)
        reply.thread = thread
        return reply

    reply, created = await _write_once(key, write)
    if created:
        await announce_reply(reply, thread, author.id)
    return reply, created


async def edit_post(post: Post, form: EditForm) -> bool:
    """Keep what the post said before as a revision; returns False when nothing changed."""
    thread: Thread = post.thread
    title_changed = form.title is not None and form.title != thread.title
    naming = form.show_my_name and post.is_anonymous
    if form.body == post.body_md and not title_changed and not naming:
        return False
    if naming:
        await _show_author_name(post)
        if form.body == post.body_md and not title_changed:
            return True
    texts = [form.body] + ([form.title] if title_changed and form.title else [])
    screening = await screen(texts, _form_values(form))
    crisis = detect_many(*texts)
    now = datetime.now(UTC)
    async with in_transaction():
        await PostRevision.create(
            post=post, title=thread.title if post.is_story else None, body_md=post.body_md
        )
        post.body_md = form.body
        post.body_html = render_markdown(screening.censor(form.body))
        post.edited_at = now
        post.crisis_level = crisis.level.value
        fields = ["body_md", "body_html", "edited_at", "crisis_level"]
        if screening.hold and post.status == PostStatus.PUBLISHED:
            post.status = PostStatus.PENDING
            fields.append("status")
            if not post.is_story:
                await Thread.filter(id=post.thread_id).update(reply_count=F("reply_count") - 1)
        await post.save(update_fields=fields)
        if title_changed and form.title is not None:
            thread.title = screening.censor(form.title)
            await thread.save(update_fields=["title"])
        await flag_for_moderators(post, screening.flagged)
        await bring_to_a_human(post, crisis)
    return True


async def _show_author_name(post: Post) -> None:
    """An anonymous post becomes named (the reverse is never offered: readers saw the name)."""
    author_id = sealed_author_id(post)
    if author_id is None:
        raise FormInvalid({"show_my_name": "This post's author can't be confirmed any more, "
                                           "so it stays anonymous."}, {"body": post.body_md})
    await Post.filter(id=post.id).update(author_id=author_id, is_anonymous=False,
                                         sealed_author=None, pseudonym="", is_op=False)
    post.author_id, post.is_anonymous, post.sealed_author = author_id, False, None
    post.pseudonym, post.is_op = "", False


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


# --- guests -------------------------------------------------------------------------------

@dataclass(frozen=True)
class GuestPost:
    post: Post
    manage_token: str  # shown once; only its hash is stored


async def _guest_authorship(thread_id: int) -> tuple[dict, str]:
    token = secrets.token_urlsafe(MANAGE_TOKEN_BYTES)
    one_post_tag = sealing.tag("guest", secrets.token_hex(16))
    return {
        "author": None,
        "is_guest": True,
        "pseudonym": await pseudonym_in_thread(thread_id, one_post_tag, "Guest"),
        "manage_token_hash": manage_token_hash(token),
        "status": PostStatus.PENDING,  # a moderator approves every guest post
    }, token


async def create_guest_story(category: Category, form: StoryForm) -> GuestPost:
    values = _form_values(form)
    if not category.allow_guests:
        raise FormInvalid({"category": GUESTS_NOT_ALLOWED}, values)
    screening = await screen([form.title, form.body], values)
    body_html = render_markdown(screening.censor(form.body))
    async with in_transaction():
        thread = await Thread.create(category=category, title=screening.censor(form.title),
                                     content_warnings=form.content_warnings,
                                     content_warning_note=form.content_warning_note)
        authorship, token = await _guest_authorship(thread.id)
        crisis = detect_many(form.title, form.body)
        story = await Post.create(thread=thread, is_story=True, body_md=form.body,
                                  body_html=body_html, crisis_level=crisis.level.value,
                                  **authorship)
        await flag_for_moderators(story, screening.flagged)
        await bring_to_a_human(story, crisis)
    story.thread = thread
    return GuestPost(story, token)


async def create_guest_reply(thread: Thread, form: ReplyForm) -> GuestPost:
    values = _form_values(form)
    if not thread.category.allow_guests:
        raise FormInvalid({"body": GUESTS_NOT_ALLOWED}, values)
    screening = await screen([form.body], values)
    body_html = render_markdown(screening.censor(form.body))
    async with in_transaction():
        authorship, token = await _guest_authorship(thread.id)
        crisis = detect_many(form.body)
        reply = await Post.create(thread=thread, body_md=form.body, body_html=body_html,
                                  reply_to_id=form.reply_to, crisis_level=crisis.level.value,
                                  **authorship)
        await flag_for_moderators(reply, screening.flagged)
        await bring_to_a_human(reply, crisis)
    reply.thread = thread
    return GuestPost(reply, token)


async def guest_edit(post: Post, form: EditForm) -> bool:
    """A guest's edit goes back to the moderators, like the first version did."""
    changed = await edit_post(post, form)
    if changed and post.status == PostStatus.PUBLISHED:
        async with in_transaction():
            moved = await Post.filter(id=post.id, status=PostStatus.PUBLISHED).update(
                status=PostStatus.PENDING)
            if moved and not post.is_story:
                await Thread.filter(id=post.thread_id).update(reply_count=F("reply_count") - 1)
        post.status = PostStatus.PENDING
    return changed
