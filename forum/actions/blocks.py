"""Blocking a member, and the one answer to "may this member's post notify that member?".

What a block does, for the blocker only: the blocked member's posts written under their name
are folded away ("You blocked this member — show") on story pages and lists, and those posts
notify the blocker of nothing — no reply, answer, mention or followed-thread note. The
blocked member can still read and reply in public threads (this is a support forum; a
thread is not the blocker's to close), and is not told of the block.

Anonymous posts are left alone, both ways: a reader cannot block "the author of an
anonymous post" (they would learn who it was from whose posts fold away), and an anonymous
post by a member someone blocked is shown and notifies as any other — folding it, or holding
its note back, would tell the blocker who wrote it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from starlette.exceptions import HTTPException
from tortoise.exceptions import IntegrityError

from forum import permissions
from forum.actions.context import Context
from forum.models.accounts import User
from forum.models.reading import Block
from forum.queries.accounts import find_user_by_username
from forum.queries.content import not_found
from forum.queries.reading import blockers_of
from forum.schemas.reading import BlockIn

CANNOT_BLOCK_SELF = "You can't block yourself."
CANNOT_BLOCK_STAFF = ("Moderators and admins can't be blocked: they need to be able to reach "
                      "everyone. If one of them troubles you, please write to another.")


@dataclass(frozen=True)
class Blocked:
    member: User
    on: bool
    changed: bool


async def set_block(ctx: Context, data: BlockIn) -> Blocked:
    """Block (`on`) a member by their username, or lift the block."""
    viewer = permissions.ensure_signed_in(ctx.viewer)
    member = await find_user_by_username(data.username)
    if member is None:
        raise not_found()
    if not data.on:
        removed = await Block.filter(blocker_id=viewer.id, blocked_id=member.id).delete()
        return Blocked(member, False, bool(removed))
    if not permissions.can_block(viewer, member):
        raise HTTPException(403, CANNOT_BLOCK_SELF if member.id == viewer.id
                            else CANNOT_BLOCK_STAFF)
    try:
        await Block.create(blocker_id=viewer.id, blocked_id=member.id)
    except IntegrityError:
        return Blocked(member, True, False)
    return Blocked(member, True, True)


async def may_be_notified(actor_id: int | None, recipient_ids: Iterable[int]) -> frozenset[int]:
    """Of these members, those a post by ``actor_id`` may notify. Pass ``None`` for an
    anonymous or guest post (everyone may be notified: see the module's note). Every
    notification fan-out about a member's post asks here (forum.actions.community)."""
    recipients = list(dict.fromkeys(int(r) for r in recipient_ids))
    if actor_id is None:
        return frozenset(recipients)
    blocked_by = await blockers_of(actor_id, recipients)
    return frozenset(r for r in recipients
                     if permissions.may_notify(actor_id, r, blocked_by))
