"""Categories, threads (a story and its replies), posts and their revisions."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model

if TYPE_CHECKING:
    from forum.models.accounts import User


class Premoderation(StrEnum):
    NONE = "none"
    NEW_MEMBERS = "new_members"
    ALL = "all"


class PostStatus(StrEnum):
    PUBLISHED = "published"
    PENDING = "pending"
    HIDDEN = "hidden"
    REJECTED = "rejected"
    DELETED = "deleted"


class Category(Model):
    id = fields.IntField(primary_key=True)
    slug = fields.CharField(max_length=60, unique=True)
    name = fields.CharField(max_length=80)
    description = fields.TextField(default="")
    position = fields.IntField(default=0)
    allow_anonymous = fields.BooleanField(default=True)
    allow_guests = fields.BooleanField(default=False)
    premoderation = fields.CharEnumField(
        Premoderation, max_length=16, default=Premoderation.NEW_MEMBERS
    )

    class Meta:
        table = "categories"
        ordering = ["position", "id"]


class Thread(Model):
    """A story's thread. The story itself is the thread's first post (``Post.is_story``)."""

    id = fields.IntField(primary_key=True)
    category: fields.ForeignKeyRelation[Category] = fields.ForeignKeyField(
        "models.Category", related_name="threads", on_delete=fields.RESTRICT
    )
    category_id: int
    title = fields.CharField(max_length=150)
    content_warnings: fields.JSONField[list[str]] = fields.JSONField(default=list)
    content_warning_note = fields.CharField(max_length=60, default="")
    is_locked = fields.BooleanField(default=False)
    is_pinned = fields.BooleanField(default=False)
    reply_count = fields.IntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)
    last_post_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "threads"
        indexes = [Index(fields=("category_id", "is_pinned", "last_post_at"))]


class Post(Model):
    id = fields.IntField(primary_key=True)
    thread: fields.ForeignKeyRelation[Thread] = fields.ForeignKeyField(
        "models.Thread", related_name="posts", on_delete=fields.CASCADE
    )
    thread_id: int
    author: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="posts", null=True, on_delete=fields.SET_NULL
    )
    author_id: int | None
    is_story = fields.BooleanField(default=False)
    body_md = fields.TextField()
    # Rendered and sanitised once, at write time; pages never render Markdown.
    body_html = fields.TextField()
    status = fields.CharEnumField(PostStatus, max_length=16, default=PostStatus.PUBLISHED)
    # Shown in place of a hidden post ("Hidden by moderators: …"); a rejection's reason.
    moderation_reason = fields.CharField(max_length=500, default="", db_default="")
    # Anonymous posts: no author_id; who wrote it is sealed (forum.sealing) and shown as
    # the thread's pseudonym. Guest posts: no account at all; managed with a secret link.
    is_anonymous = fields.BooleanField(default=False, db_default=False)
    is_guest = fields.BooleanField(default=False, db_default=False)
    sealed_author = fields.CharField(max_length=120, null=True)
    # The author's keyed "slot" for this post (forum.sealed_side): how the app finds a
    # member's own anonymous posts without any row of theirs being written alongside.
    owner_slot = fields.CharField(max_length=40, null=True, unique=True)
    pseudonym = fields.CharField(max_length=40, default="", db_default="")
    is_op = fields.BooleanField(default=False, db_default=False)
    # What crisis-language detection found when it was written or last edited.
    crisis_level = fields.CharField(max_length=10, default="none", db_default="none")
    manage_token_hash = fields.CharField(max_length=64, null=True, unique=True)
    reply_to: fields.ForeignKeyNullableRelation[Post] = fields.ForeignKeyField(
        "models.Post", related_name="answers", null=True, on_delete=fields.SET_NULL
    )
    reply_to_id: int | None
    # Hash of the form's one-time submission id: a double-submitted form posts once.
    submission_key = fields.CharField(max_length=64, null=True, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    edited_at = fields.DatetimeField(null=True)

    class Meta:
        table = "posts"
        indexes = [
            Index(fields=("thread_id", "is_story", "status", "id")),
            Index(fields=("is_story", "status", "created_at")),
            Index(fields=("author_id", "created_at")),
            Index(fields=("reply_to_id",)),
        ]


class PostRevision(Model):
    """What a post said before an edit. Readable by moderators."""

    id = fields.IntField(primary_key=True)
    post: fields.ForeignKeyRelation[Post] = fields.ForeignKeyField(
        "models.Post", related_name="revisions", on_delete=fields.CASCADE
    )
    title = fields.CharField(max_length=150, null=True)
    body_md = fields.TextField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "post_revisions"
        indexes = [Index(fields=("post_id", "created_at"))]


class ThreadPseudonym(Model):
    """One pseudonym per anonymous author (or guest post) per thread, unique in the thread.

    ``author_tag`` is a keyed hash of (thread, author): equal for one author's posts in one
    thread, unrelated across threads, and meaningless without the key.
    """

    id = fields.IntField(primary_key=True)
    thread: fields.ForeignKeyRelation[Thread] = fields.ForeignKeyField(
        "models.Thread", related_name="pseudonyms", on_delete=fields.CASCADE
    )
    author_tag = fields.CharField(max_length=40)
    pseudonym = fields.CharField(max_length=40)

    class Meta:
        table = "thread_pseudonyms"
        unique_together = (("thread_id", "author_tag"), ("thread_id", "pseudonym"))


class Draft(Model):
    """A story or reply its member is still writing, kept so nothing typed is lost.

    Everything about it — what it is for (a story, in which category; a reply, to which
    thread), the title, words, warnings and whether it is meant to be anonymous — is one
    sealed value (forum.sealing, padded to a multiple of `forum.actions.drafts.PAD_TO`), so a
    copy of the database shows only that a member has some drafts and when they were saved:
    never which thread they are answering, nor that they mean to do it anonymously.
    Deleted with the account (the foreign key cascades)."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="drafts", on_delete=fields.CASCADE
    )
    user_id: int
    sealed = fields.TextField()
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "drafts"
        indexes = [Index(fields=("user_id", "updated_at"))]
