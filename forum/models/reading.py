"""What one member keeps for their own reading: how far they read each thread, the posts
they bookmarked, the members they blocked. Personal data: never shown to anyone else, in
their data export, deleted with their account (every foreign key cascades).

Read positions are keyed by a hash of (member, thread), not by the member (ReadPosition).
No bookmark is written in a thread where the member wrote anonymously
(forum.actions.bookmarks): one made as they post would tie them to the post in a copy of
the database. So these rows carry no time of writing either.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model

if TYPE_CHECKING:
    from forum.models.accounts import User
    from forum.models.content import Post, Thread


class ReadPosition(Model):
    """How far a member has read a thread: the last reply (or the story) they reached.

    Found by ``reader_tag``, a keyed hash of (member, thread) (forum.queries.reading), never
    by the member's id: a copy of the database shows how far *someone* read each thread,
    not who, so a member who wrote there anonymously keeps a position like any other reader
    (one missing, or one left behind, would point at them). ``sealed_reader`` is the
    member's id sealed (padded to one length), for `forum rekey` to tag it again under a new
    key. Deleted with the account (forum.actions.reading.forget_reads) and with the thread.
    """

    id = fields.IntField(primary_key=True)
    reader_tag = fields.CharField(max_length=64, unique=True)
    thread: fields.ForeignKeyRelation[Thread] = fields.ForeignKeyField(
        "models.Thread", related_name="read_positions", on_delete=fields.CASCADE)
    thread_id: int
    last_read_post_id = fields.IntField()
    sealed_reader = fields.TextField()

    class Meta:
        table = "read_positions"
        indexes = [Index(fields=("thread_id",))]


class Bookmark(Model):
    """A post (a story or a reply) a member wants to find again."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="bookmarks", on_delete=fields.CASCADE)
    user_id: int
    post: fields.ForeignKeyRelation[Post] = fields.ForeignKeyField(
        "models.Post", related_name="bookmarks", on_delete=fields.CASCADE)
    post_id: int
    thread: fields.ForeignKeyRelation[Thread] = fields.ForeignKeyField(
        "models.Thread", related_name="bookmarks", on_delete=fields.CASCADE)
    thread_id: int

    class Meta:
        table = "bookmarks"
        unique_together = (("user_id", "post_id"),)
        indexes = [Index(fields=("post_id",)), Index(fields=("thread_id",))]


class Block(Model):
    """A member (``blocker``) blocked another (``blocked``): the blocked member's named posts
    are folded away for the blocker, and their named posts notify the blocker of nothing."""

    id = fields.IntField(primary_key=True)
    blocker: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="blocks_made", on_delete=fields.CASCADE)
    blocker_id: int
    blocked: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="blocked_by", on_delete=fields.CASCADE)
    blocked_id: int

    class Meta:
        table = "blocks"
        unique_together = (("blocker_id", "blocked_id"),)
        indexes = [Index(fields=("blocked_id",))]
