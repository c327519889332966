"""The changes behind writing, editing and deleting stories and replies.

The use-cases in `forum.actions.stories` and `forum.actions.guests` call these after the
permission and rate-limit steps; the forms' dataclasses and the input schemas both fit the
`*Fields` protocols below.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from tortoise.expressions import Case, F, Value, When
from tortoise.transactions import in_transaction

from forum import sealing
from forum.actions import reply_news
from forum.actions.anonymous import claim_owner_slot, pseudonym_in_thread
from forum.actions.community import announce_mentions, announce_reply, follow
from forum.actions.status import move_status
from forum.actions.submissions import Sent, already_sent, submission_key, write_once
from forum.anonymity import (
    author_id_of,
    retired_author_tag,
    seal_author,
    sealed_author_id,
    thread_author_tag,
)
from forum.forms import FormInvalid
from forum.guest_forms import manage_token_hash
from forum.markup import render_markdown
from forum.models.accounts import User
from forum.models.content import (
    Category,
    Post,
    PostRevision,
    PostStatus,
    Thread,
    ThreadPseudonym,
)
from forum.models.moderation import Report, ReportReason
from forum.models.notifications import Notification, SealedNotification
from forum.outage import after_commit, note_saved
from forum.queries.mentions import mentioned_members
from forum.queries.moderation import ApprovalRules, needs_approval, watched_words_matcher
from forum.safety.alerts import queue_alert
from forum.safety.crisis import CrisisLevel, Detection, detect_many, noticed
from forum.safety.words import WordAction, WordMatch


class StoryFields(Protocol):
    @property
    def title(self) -> str: ...
    @property
    def body(self) -> str: ...
    @property
    def content_warnings(self) -> list[str]: ...
    @property
    def content_warning_note(self) -> str: ...
    @property
    def submission_id(self) -> str | None: ...
    @property
    def anonymous(self) -> bool: ...


class ReplyFields(Protocol):
    @property
    def body(self) -> str: ...
    @property
    def reply_to(self) -> int | None: ...
    @property
    def submission_id(self) -> str | None: ...
    @property
    def anonymous(self) -> bool: ...


class EditFields(Protocol):
    @property
    def body(self) -> str: ...
    @property
    def show_my_name(self) -> bool: ...


def _edit_title(form: EditFields) -> str | None:
    title = getattr(form, "title", None)
    return title if isinstance(title, str) else None


def _edit_warnings(form: EditFields, thread: Thread) -> tuple[list[str], str] | None:
    """A story's content warnings as the edit leaves them, if it changes them (None: the
    edit says nothing of them, or what it says is what they are)."""
    warnings = getattr(form, "content_warnings", None)
    note = getattr(form, "content_warning_note", None)
    if warnings is None and note is None:
        return None
    chosen = (list(warnings) if warnings is not None else list(thread.content_warnings),
              note if isinstance(note, str) else thread.content_warning_note)
    return None if chosen == (list(thread.content_warnings),
                              thread.content_warning_note) else chosen


async def _set_warnings(thread: Thread, warnings: tuple[list[str], str]) -> None:
    thread.content_warnings, thread.content_warning_note = warnings
    await thread.save(update_fields=["content_warnings", "content_warning_note"])


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


async def screen(texts: list[str], values: dict[str, Any]) -> Screening:
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


async def member_html(body_md: str) -> str:
    """A member's post as readers see it: `@name`s of existing members link to them (a
    guest's post links nobody: guests may not post links)."""
    return render_markdown(body_md, await mentioned_members(body_md))


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
# Only the manage token's hash is kept: a guest whose answer never arrived can't get it back.
MANAGE_LINK_LOST = "its private link to edit or delete it could not be shown and can't be again"
GUESTS_NOT_ALLOWED = ("This category only takes posts from members. You can join in a "
                      "minute — or choose a category that welcomes guests.")
ANONYMITY_NOT_ALLOWED = ("This category doesn't take anonymous posts. You can post under "
                         "your name, or choose a category that allows anonymous posts.")


def _check_anonymity_allowed(anonymous: bool, category: Category,
                             values: dict[str, Any]) -> None:
    if anonymous and not category.allow_anonymous:
        raise FormInvalid({"anonymous": ANONYMITY_NOT_ALLOWED}, values)


async def _authorship(author: User, thread_id: int, anonymous: bool) -> dict[str, Any]:
    """The author columns of a new post. Anonymous: no author_id, the author sealed, the
    thread's pseudonym, and OP when the (anonymous) story is theirs too."""
    if not anonymous:
        return {"author": author}
    slot = await claim_owner_slot(author)  # the account before the thread, as deletion does
    tag = thread_author_tag(thread_id, author.id, await _tag_generation(thread_id, author.id))
    story = await Post.filter(thread_id=thread_id, is_story=True).first()
    is_op = bool(story and story.is_anonymous and sealed_author_id(story) == author.id)
    return {
        "author": None,
        "is_anonymous": True,
        "sealed_author": seal_author(author.id),
        "pseudonym": await pseudonym_in_thread(thread_id, tag, "Anonymous"),
        "is_op": is_op,
        "owner_slot": slot,
    }


async def bring_to_a_human(post: Post, crisis: Detection) -> None:
    """Urgent crisis language puts the post in the moderators' Urgent tab (a system
    "worried" report) and, when it newly arrives there, queues the crisis alert — in the
    transaction that wrote the words. The post itself is never held or hidden for it."""
    if crisis.level is not CrisisLevel.URGENT:
        return
    _report, created = await Report.get_or_create(
        open_key=f"{post.id}:crisis",
        defaults={"post_id": post.id, "reason": ReportReason.WORRIED,
                  "note": noticed(crisis)},
    )
    if created:
        await queue_alert(post.id, crisis.level.value)


_FORM_FIELDS = ("category", "title", "body", "content_warnings", "content_warning_note",
                "reply_to", "submission_id", "anonymous", "show_my_name", "draft_id")


def _form_values(form: object) -> dict[str, Any]:
    """What to put back in the form when the change is refused."""
    return {name: value for name in _FORM_FIELDS
            if (value := getattr(form, name, None)) is not None}


def _story_sent(form: StoryFields, category: Category) -> Sent:
    return Sent(body=form.body, title=form.title, category_id=category.id,
                anonymous=form.anonymous)


def _reply_sent(form: ReplyFields, thread: Thread) -> Sent:
    return Sent(body=form.body, thread_id=thread.id, reply_to=form.reply_to,
                anonymous=form.anonymous)


REPLY_TARGET_GONE = "The post you answered is no longer here."


async def _check_reply_target(thread: Thread, reply_to: int | None, body: str) -> None:
    """`reply_to` must be a published post in this same thread."""
    if reply_to is not None and not await Post.filter(
        id=reply_to, thread_id=thread.id, status=PostStatus.PUBLISHED
    ).exists():
        raise FormInvalid({"reply_to": REPLY_TARGET_GONE}, {"body": body})


async def create_story(author: User, category: Category, form: StoryFields,
                       rules: ApprovalRules | None) -> tuple[Post, bool]:
    """Returns the story and whether it is new (False: this form was already submitted).

    ``rules`` decide whether a new member's story waits for a moderator (None: never).
    """
    key = submission_key(author, form.submission_id)
    values = _form_values(form)
    if existing := await already_sent(key, _story_sent(form, category), values):
        return existing, False
    _check_anonymity_allowed(form.anonymous, category, values)
    screening = await screen([form.title, form.body], values)
    crisis = detect_many(form.title, form.body)
    held = screening.hold or await needs_approval(
        author, category, rules, anonymous=form.anonymous,
        crisis=crisis.level is not CrisisLevel.NONE)
    body_html = await member_html(screening.censor(form.body))

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
            await flag_for_moderators(story, screening.flagged)
            await bring_to_a_human(story, crisis)
        story.thread = thread
        return story

    story, created = await write_once(key, _story_sent(form, category), values, write)
    note_saved("your story", f"/stories/{story.thread_id}", earlier=not created)
    if created:
        if not story.is_anonymous:
            await after_commit("following the new story", follow(author, story.thread))
        if story.status == PostStatus.PUBLISHED:
            await after_commit("telling those mentioned in a story",
                               announce_mentions(story, story.thread, {author.id}))
    return story, created


async def create_reply(author: User, thread: Thread, form: ReplyFields,
                       rules: ApprovalRules | None) -> tuple[Post, bool]:
    key = submission_key(author, form.submission_id)
    values = _form_values(form)
    if existing := await already_sent(key, _reply_sent(form, thread), values):
        return existing, False
    await _check_reply_target(thread, form.reply_to, form.body)
    _check_anonymity_allowed(form.anonymous, thread.category, values)
    screening = await screen([form.body], values)
    crisis = detect_many(form.body)
    held = screening.hold or await needs_approval(
        author, thread.category, rules, anonymous=form.anonymous,
        crisis=crisis.level is not CrisisLevel.NONE)
    body_html = await member_html(screening.censor(form.body))

    async def write() -> Post:
        # Everything that can be worked out first was (checks, watched words, crisis
        # detection, the HTML); the fan-out waits for the commit (reply_news).
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
            await bring_to_a_human(reply, crisis)
            await flag_for_moderators(reply, screening.flagged)
            if not held:
                await reply_news.promise(reply)
                await count_reply(thread.id, reply.created_at)  # last: the thread row's lock
        reply.thread = thread
        return reply

    reply, created = await write_once(key, _reply_sent(form, thread), values, write)
    note_saved("your reply", f"/posts/{reply.id}", earlier=not created)
    if created and reply.status == PostStatus.PUBLISHED:
        await after_commit("telling others of a reply", reply_news.keep(reply, thread, author.id))
    return reply, created


async def count_reply(thread_id: int, at: datetime) -> None:
    """The thread's reply count and latest activity. Its row is the one every writer in the
    thread waits for (PostgreSQL locks it from this update to the commit), so this is the
    last statement of a reply's transaction. Replies racing each other commit in any order,
    so the latest activity only ever moves forward."""
    await Thread.filter(id=thread_id).update(
        reply_count=F("reply_count") + 1,
        last_post_at=Case(
            # Tortoise's hints leave out Value, which it accepts (and quotes as a parameter).
            When(last_post_at__lt=at, then=Value(at)),  # type: ignore[arg-type]
            default=F("last_post_at")))


async def edit_post(post: Post, form: EditFields, *, review_again: bool = False) -> bool:
    """Keep what the post said before as a revision; returns False when nothing changed.

    ``review_again``: the edited post waits for a moderator again (a guest's), decided in
    the edit's own transaction so no edit is ever live unreviewed."""
    thread: Thread = post.thread
    title = _edit_title(form) if post.is_story else None
    title_changed = title is not None and title != thread.title
    naming = form.show_my_name and post.is_anonymous
    warnings = _edit_warnings(form, thread) if post.is_story else None
    words_same = form.body == post.body_md and not title_changed
    if words_same and not naming and warnings is None:
        return False
    if naming:
        await _show_author_name(post)
        note_saved("your name on the post", f"/posts/{post.id}")
    if words_same:
        # Warnings alone are care for readers, not a change of words: no revision, no
        # "edited" (what they say is screened like the words when they change).
        if warnings is not None:
            await screen([warnings[1]], _form_values(form))
            async with in_transaction():
                await _set_warnings(thread, warnings)
            note_saved("the content warnings", f"/posts/{post.id}")
        return True
    texts = [form.body] + ([title] if title_changed and title else []) + (
        [warnings[1]] if warnings is not None and warnings[1] else [])
    screening = await screen(texts, _form_values(form))
    crisis = detect_many(*texts)
    kept_title = thread.title if post.is_story and not title_changed else None
    releasing = await _crisis_releases(post, screening, crisis, kept_title)
    censored = screening.censor(form.body)
    body_html = render_markdown(censored) if post.is_guest else await member_html(censored)
    now = datetime.now(UTC)
    async with in_transaction():
        await PostRevision.create(
            post=post, title=thread.title if post.is_story else None, body_md=post.body_md
        )
        post.body_md = form.body
        post.body_html = body_html
        post.edited_at = now
        post.crisis_level = crisis.level.value
        await post.save(update_fields=["body_md", "body_html", "edited_at", "crisis_level"])
        if screening.hold or review_again:
            await move_status(post, PostStatus.PENDING, (PostStatus.PUBLISHED,))
        elif releasing:
            releasing = await move_status(post, PostStatus.PUBLISHED,
                                          (PostStatus.PENDING,)) is not None
        if title_changed and title is not None:
            thread.title = screening.censor(title)
            await thread.save(update_fields=["title"])
        if warnings is not None:
            await _set_warnings(thread, warnings)
        await flag_for_moderators(post, screening.flagged)
        await bring_to_a_human(post, crisis)
    note_saved("your edit", f"/posts/{post.id}")
    if releasing and not post.is_story:
        await after_commit("telling others of a released reply",
                           announce_reply(post, thread, author_id_of(post) or 0))
    return True


async def _crisis_releases(post: Post, screening: Screening, crisis: Detection,
                           kept_title: str | None) -> bool:
    """Whether an edit publishes a member's waiting post: it now has crisis language and
    nothing in it is held for a watched word — what a new post with these words would be,
    since pre-moderation never holds a cry for help. A guest's post always waits for a
    moderator. ``kept_title``: a story's title that this edit leaves as it was."""
    if post.status != PostStatus.PENDING or post.is_guest or screening.hold:
        return False
    if crisis.level is CrisisLevel.NONE:
        return False
    if kept_title is not None:
        matcher = await watched_words_matcher()
        return not any(m.action in (WordAction.REQUIRE_APPROVAL, WordAction.BLOCK)
                       for m in matcher.find(kept_title))
    return True


RETIRED_LOOKUP_BATCH = 16  # generations of an author's tag checked per query


async def _tag_generation(thread_id: int, author_id: int) -> int:
    """How many pseudonyms this author has retired in this thread (they are numbered 0, 1, …
    with no gap, so counting the first ones present is enough)."""
    start = 0
    while True:
        tags = [retired_author_tag(thread_id, author_id, g)
                for g in range(start, start + RETIRED_LOOKUP_BATCH)]
        found = await ThreadPseudonym.filter(thread_id=thread_id, author_tag__in=tags).count()
        if found < RETIRED_LOOKUP_BATCH:
            return start + found
        start += RETIRED_LOOKUP_BATCH


async def _retire_pseudonym(thread_id: int, author_id: int, pseudonym: str) -> None:
    """The author's current pseudonym in the thread stops being theirs: it stays reserved
    (readers saw it; nobody else may take it) under a retired tag, and their next anonymous
    post there draws a new one. Every pseudonym row of the thread is written again, in a
    random order, so neither the write nor the rows' order singles out the retired one."""
    await Thread.filter(id=thread_id).select_for_update().first()
    generation = await _tag_generation(thread_id, author_id)
    current = thread_author_tag(thread_id, author_id, generation)
    rows = await ThreadPseudonym.filter(thread_id=thread_id)
    retiring = [r for r in rows if r.author_tag == current and r.pseudonym == pseudonym]
    if not retiring:
        return  # already retired (an earlier post under it was named), or not this author's
    kept = [(retired_author_tag(thread_id, author_id, generation) if r is retiring[0]
             else r.author_tag, r.pseudonym) for r in rows]
    random.SystemRandom().shuffle(kept)
    await ThreadPseudonym.filter(thread_id=thread_id).delete()
    await ThreadPseudonym.bulk_create([ThreadPseudonym(thread_id=thread_id, author_tag=tag,
                                                       pseudonym=name) for tag, name in kept])


async def _rename_in_notifications(post_id: int, pseudonym: str, name: str) -> None:
    """News about this post that named its pseudonym ("Anonymous Heron replied …") now says
    the name, so no stored message joins the pseudonym to the named post."""
    link = f"/posts/{post_id}"
    for model in (Notification, SealedNotification):
        for note in await model.filter(link=link, message__startswith=f"{pseudonym} "):
            note.message = name + note.message[len(pseudonym):]
            await note.save(update_fields=["message"])


async def _show_author_name(post: Post) -> None:
    """An anonymous post becomes named (the reverse is never offered: readers saw the name).

    What it reveals, and only that: this post is the author's. Readers who saw it under its
    pseudonym may guess that the author's other posts under that pseudonym are theirs too;
    the stored data must not confirm it, to a reader or to someone holding a copy of the
    database without the key:

    - the post loses its pseudonym, OP mark and sealed author, and gains its author;
    - its pseudonym is retired (``_retire_pseudonym``): the author's remaining anonymous
      posts keep showing it, but no row ties it to the author any more, and their next
      anonymous post in this thread gets a new, unrelated pseudonym;
    - when the story itself is named, the thread has no anonymous OP any more: OP is cleared
      on every post of the thread at once (not just the author's replies, which that write
      would single out);
    - notifications about this post that named the pseudonym now name the author.

    Left as it is: what readers remember, and old row versions a file-level copy of the
    database may hold until they are vacuumed (as for any edit).
    """
    author_id = sealed_author_id(post)
    author = await User.get_or_none(id=author_id) if author_id is not None else None
    if author_id is None or author is None:
        raise FormInvalid({"show_my_name": "This post's author can't be confirmed any more, "
                                           "so it stays anonymous."}, {"body": post.body_md})
    pseudonym = post.pseudonym
    async with in_transaction():
        await Post.filter(id=post.id).update(author_id=author_id, is_anonymous=False,
                                             sealed_author=None, pseudonym="", is_op=False)
        if post.is_story:
            await Post.filter(thread_id=post.thread_id).update(is_op=False)
        if pseudonym:
            await _retire_pseudonym(post.thread_id, author_id, pseudonym)
            await _rename_in_notifications(post.id, pseudonym, author.shown_name)
    post.author_id, post.is_anonymous, post.sealed_author = author_id, False, None
    post.pseudonym, post.is_op = "", False
    post.author = author


DELETABLE_FROM: Sequence[PostStatus] = (PostStatus.PUBLISHED, PostStatus.PENDING,
                                        PostStatus.HIDDEN, PostStatus.REJECTED)


async def delete_post(post: Post) -> bool:
    """The author takes their post down. A deleted story takes its thread out of view.
    Deleting twice (a double-click) changes nothing the second time."""
    async with in_transaction():
        return await move_status(post, PostStatus.DELETED, DELETABLE_FROM) is not None


# --- guests -------------------------------------------------------------------------------

@dataclass(frozen=True)
class GuestPost:
    post: Post
    manage_token: str | None  # shown once; only its hash is stored. None: a resent form
    created: bool = True


async def _guest_authorship(thread_id: int) -> tuple[dict[str, Any], str]:
    token = secrets.token_urlsafe(MANAGE_TOKEN_BYTES)
    one_post_tag = sealing.tag("guest", secrets.token_hex(16))
    return {
        "author": None,
        "is_guest": True,
        "pseudonym": await pseudonym_in_thread(thread_id, one_post_tag, "Guest"),
        "manage_token_hash": manage_token_hash(token),
        "status": PostStatus.PENDING,  # a moderator approves every guest post
    }, token


async def create_guest_story(category: Category, form: StoryFields) -> GuestPost:
    values = _form_values(form)
    if not category.allow_guests:
        raise FormInvalid({"category": GUESTS_NOT_ALLOWED}, values)
    key = submission_key(None, form.submission_id)
    if existing := await already_sent(key, _story_sent(form, category), values):
        return GuestPost(existing, None, created=False)
    screening = await screen([form.title, form.body], values)
    body_html = render_markdown(screening.censor(form.body))
    crisis = detect_many(form.title, form.body)
    token = ""

    async def write() -> Post:
        nonlocal token
        async with in_transaction():
            thread = await Thread.create(category=category, title=screening.censor(form.title),
                                         content_warnings=form.content_warnings,
                                         content_warning_note=form.content_warning_note)
            authorship, token = await _guest_authorship(thread.id)
            story = await Post.create(thread=thread, is_story=True, body_md=form.body,
                                      body_html=body_html, crisis_level=crisis.level.value,
                                      submission_key=key, **authorship)
            await flag_for_moderators(story, screening.flagged)
            await bring_to_a_human(story, crisis)
        story.thread = thread
        return story

    story, created = await write_once(key, _story_sent(form, category), values, write)
    note_saved("your story", None, earlier=not created,
               lost_with_the_page="" if not created else MANAGE_LINK_LOST)
    return GuestPost(story, token if created else None, created=created)


async def create_guest_reply(thread: Thread, form: ReplyFields) -> GuestPost:
    values = _form_values(form)
    if not thread.category.allow_guests:
        raise FormInvalid({"body": GUESTS_NOT_ALLOWED}, values)
    key = submission_key(None, form.submission_id)
    if existing := await already_sent(key, _reply_sent(form, thread), values):
        return GuestPost(existing, None, created=False)
    await _check_reply_target(thread, form.reply_to, form.body)
    screening = await screen([form.body], values)
    body_html = render_markdown(screening.censor(form.body))
    crisis = detect_many(form.body)
    token = ""

    async def write() -> Post:
        nonlocal token
        async with in_transaction():
            authorship, token = await _guest_authorship(thread.id)
            reply = await Post.create(thread=thread, body_md=form.body, body_html=body_html,
                                      reply_to_id=form.reply_to, crisis_level=crisis.level.value,
                                      submission_key=key, **authorship)
            await flag_for_moderators(reply, screening.flagged)
            await bring_to_a_human(reply, crisis)
        reply.thread = thread
        return reply

    reply, created = await write_once(key, _reply_sent(form, thread), values, write)
    note_saved("your reply", None, earlier=not created,
               lost_with_the_page="" if not created else MANAGE_LINK_LOST)
    return GuestPost(reply, token if created else None, created=created)


async def guest_edit(post: Post, form: EditFields) -> bool:
    """A guest's edit goes back to the moderators, like the first version did."""
    return await edit_post(post, form, review_again=True)
