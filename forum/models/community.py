"""Supportive reactions, following threads, and names waiting to be free again."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model

if TYPE_CHECKING:
    from forum.models.accounts import User
    from forum.models.content import Post, Thread


class ReactionKind(StrEnum):
    HUG = "hug"
    ME_TOO = "me_too"
    THANK_YOU = "thank_you"
    STRENGTH = "strength"


REACTION_LABELS = {
    ReactionKind.HUG: "Hug",
    ReactionKind.ME_TOO: "Me too",
    ReactionKind.THANK_YOU: "Thank you",
    ReactionKind.STRENGTH: "Strength",
}


class Reaction(Model):
    """Counts are public, who reacted is not (no page or API lists reactors)."""

    id = fields.IntField(primary_key=True)
    post: fields.ForeignKeyRelation[Post] = fields.ForeignKeyField(
        "models.Post", related_name="reactions", on_delete=fields.CASCADE)
    post_id: int
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="reactions", on_delete=fields.CASCADE)
    user_id: int
    kind = fields.CharField(max_length=12)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "reactions"
        unique_together = (("post_id", "user_id", "kind"),)
        indexes = [Index(fields=("user_id",))]


class Follow(Model):
    """A member follows a thread. Authors of named stories follow theirs automatically. An
    anonymous story's author hears about replies through sealed notifications instead, so
    no row ties them to their thread."""

    id = fields.IntField(primary_key=True)
    thread: fields.ForeignKeyRelation[Thread] = fields.ForeignKeyField(
        "models.Thread", related_name="follows", on_delete=fields.CASCADE)
    thread_id: int
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="follows", on_delete=fields.CASCADE)
    user_id: int
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "follows"
        unique_together = (("thread_id", "user_id"),)
        indexes = [Index(fields=("user_id",))]


class ReleasedUsername(Model):
    """A deleted account's name, kept from new sign-ups until the cool-down ends.

    Only its look-alike skeleton, sealed (forum.sealing): a readable name here, beside the
    posts the deletion touched, would say whose they were. Sign-up opens the few rows still
    cooling down (forum.queries.accounts)."""

    id = fields.IntField(primary_key=True)
    sealed_skeleton = fields.TextField()
    available_at = fields.DatetimeField(db_index=True)

    class Meta:
        table = "released_usernames"
