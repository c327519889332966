"""Keeping what a member is writing — saving, letting go of a draft — and previewing it.

Drafts live on the server, never in the browser (devices are shared, and a browser's storage
outlives the sign-out). They are private: only their member opens them (`forum.queries.
drafts`), they are never searched, they go with the account and into its export only.

Crisis language in a draft is noticed as the composer's live check notices it: the saved
answer carries the level, so the writer is offered help for their region at once. Nothing
goes to the moderators and no alert is sent — a draft is not yet said to anyone, and saving
one every few seconds must not raise the alarm again and again; the post itself is screened,
and brought to a human, when it is sent.
"""

from __future__ import annotations

from dataclasses import dataclass

import anyio.to_thread
from starlette.exceptions import HTTPException
from tortoise.expressions import Q

from forum import permissions
from forum.actions.context import Context, enforce_limit
from forum.forms import REPLY_BODY_MAX, FormInvalid
from forum.markup import render_markdown
from forum.models.accounts import User
from forum.models.content import Draft
from forum.queries.content import get_category_or_404, get_story_or_404
from forum.queries.drafts import (
    OpenDraft,
    count_my_drafts,
    draft_for,
    my_draft_or_404,
    my_drafts,
    open_draft,
    seal_draft,
)
from forum.queries.mentions import mentioned_members
from forum.safety.crisis import CrisisLevel, detect_many
from forum.schemas.drafts import REPLY_TOO_LONG, DraftIn, PreviewIn

DRAFTS_MAX = 50  # per member
SAVING_TOO_FAST = ("Your draft is being saved very often. It will be saved again in about "
                   "{wait} — everything you wrote is still here.")
PREVIEWING_TOO_FAST = ("There were too many previews in a short time. Please try again in "
                       "about {wait} — everything you wrote is still here.")
TOO_MANY_DRAFTS = (f"You have {DRAFTS_MAX} drafts already. Please post or delete one of "
                   "them first (see “Your drafts”) — what you wrote here is still here.")
NO_SUCH_CATEGORY = "That category isn't there any more. Please choose another."


@dataclass(frozen=True)
class Saved:
    """What saving did: the draft as now kept (None: it was empty, so none is kept), and how
    the words sound, for the care the composer offers."""

    draft: OpenDraft | None
    crisis: CrisisLevel


async def save_draft(ctx: Context, data: DraftIn) -> Saved:
    """Keep the composer's text as the member's draft: the draft named by `draft_id` (theirs,
    or a 404), else their draft for the same reply, else a new one. Empty: let it go."""
    viewer = permissions.ensure_signed_in(ctx.viewer)
    values = data.model_dump(exclude_none=True)
    await enforce_limit(ctx, "draft", str(viewer.id), values, SAVING_TOO_FAST)
    await _check_target(viewer, data, values)
    existing = await _existing(viewer, data)
    crisis = detect_many(data.title, data.body).level
    if not data.title.strip() and not data.body.strip():
        if existing is not None:
            await Draft.filter(id=existing.id, user_id=viewer.id).delete()
        return Saved(None, crisis)
    sealed = seal_draft(viewer.id, values)
    if existing is not None:
        await Draft.filter(id=existing.id, user_id=viewer.id).update(sealed=sealed)
        row = await Draft.get(id=existing.id)
    else:
        if await count_my_drafts(viewer) >= DRAFTS_MAX:
            raise FormInvalid({"form": TOO_MANY_DRAFTS}, values)
        row = await Draft.create(user_id=viewer.id, sealed=sealed)
    return Saved(open_draft(row), crisis)


async def _check_target(viewer: User, data: DraftIn, values: dict[str, object]) -> None:
    """A reply's draft answers a story the member can see; a story's category exists."""
    if data.kind == "reply":
        if data.thread_id is None:
            raise FormInvalid({"thread_id": "A reply's draft needs the story it answers."},
                              values)
        await get_story_or_404(data.thread_id, viewer)
        if len(data.body) > REPLY_BODY_MAX:
            raise FormInvalid({"body": REPLY_TOO_LONG}, values)
    elif data.category:
        try:
            await get_category_or_404(data.category)
        except HTTPException:
            raise FormInvalid({"category": NO_SUCH_CATEGORY}, values) from None


async def _existing(viewer: User, data: DraftIn) -> OpenDraft | None:
    if data.draft_id is not None:
        return await my_draft_or_404(viewer, data.draft_id)
    if data.kind == "reply":
        return await draft_for(viewer, kind="reply", thread_id=data.thread_id)
    return None


async def list_my_drafts(ctx: Context) -> list[OpenDraft]:
    """The member's drafts, the latest saved first."""
    return await my_drafts(permissions.ensure_signed_in(ctx.viewer))


async def open_my_draft(ctx: Context, draft_id: int) -> OpenDraft:
    viewer = permissions.ensure_signed_in(ctx.viewer)
    return await my_draft_or_404(viewer, draft_id)


async def discard_draft(ctx: Context, draft_id: int) -> OpenDraft:
    """Delete one of the member's drafts (anyone else's: 404)."""
    viewer = permissions.ensure_signed_in(ctx.viewer)
    draft = await my_draft_or_404(viewer, draft_id)
    await Draft.filter(id=draft.id, user_id=viewer.id).delete()
    return draft


async def discard_posted(author: User, *, draft_id: int | None,
                         thread_id: int | None = None) -> int:
    """Once the post is committed (in a transaction of its own, after it: nothing about the
    member is written beside an anonymous post), the draft it came from goes — the one the
    form named and, for a reply, any draft of theirs answering the same story."""
    ids = {draft_id} if draft_id is not None else set()
    if thread_id is not None and (
            draft := await draft_for(author, kind="reply", thread_id=thread_id)):
        ids.add(draft.id)
    if not ids:
        return 0
    return await Draft.filter(Q(id__in=sorted(ids)), user_id=author.id).delete()


async def preview(ctx: Context, data: PreviewIn) -> str:
    """The text as it would be posted, through the same renderer and sanitiser: a member's
    `@name`s link as they will; a guest's link nobody, as their posts don't. Nothing stored."""
    await enforce_limit(ctx, "preview", ctx.client, {"body": data.body}, PREVIEWING_TOO_FAST)
    members = await mentioned_members(data.body) if ctx.viewer is not None else {}
    # A long story takes a tenth of a second or so to render: not on the event loop.
    return await anyio.to_thread.run_sync(render_markdown, data.body, members)
