"""A member's own drafts, opened: only ever for the member who wrote them.

Each draft is one sealed value (see `forum.models.content.Draft`); it names its owner inside
the seal, so a row moved to another account in a copy of the database opens for nobody.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from forum import sealing
from forum.models.accounts import User
from forum.models.content import Category, Draft, Post
from forum.queries.content import _visible, not_found

DRAFT_PURPOSE = "draft"
PAD_TO = 1024  # the sealed text is padded to a multiple of this many characters
DRAFTS_LISTED_MAX = 100


@dataclass(frozen=True)
class OpenDraft:
    id: int
    updated_at: datetime
    kind: str = "story"  # "story" | "reply"
    category: str = ""  # a story's category slug ("" not chosen yet)
    thread_id: int | None = None  # the story a reply answers
    reply_to: int | None = None
    title: str = ""
    body: str = ""
    content_warnings: list[str] = field(default_factory=list)
    content_warning_note: str = ""
    anonymous: bool = False

    def form_values(self) -> dict[str, Any]:
        """What to put in the composer."""
        values: dict[str, Any] = {"draft_id": self.id, "body": self.body,
                                  "anonymous": self.anonymous}
        if self.kind == "story":
            values |= {"category": self.category, "title": self.title,
                       "content_warnings": self.content_warnings,
                       "content_warning_note": self.content_warning_note}
        elif self.reply_to is not None:
            values["reply_to"] = self.reply_to
        return values


_FIELDS = ("kind", "category", "thread_id", "reply_to", "title", "body", "content_warnings",
           "content_warning_note", "anonymous")


def seal_draft(user_id: int, values: dict[str, Any]) -> str:
    """The draft's one sealed value: its owner and fields, padded so its length tells only
    roughly how long it is."""
    text = json.dumps({"owner": user_id, **{k: values.get(k) for k in _FIELDS}},
                      ensure_ascii=False, separators=(",", ":"))
    return sealing.seal(text.ljust(-(-len(text) // PAD_TO) * PAD_TO), DRAFT_PURPOSE)


def open_draft(row: Draft) -> OpenDraft | None:
    """The draft, or None when it can't be opened (another key) or isn't its row's owner's."""
    opened = sealing.unseal(row.sealed, DRAFT_PURPOSE)
    if opened is None:
        return None
    try:
        data = json.loads(opened)
    except ValueError:
        return None
    if not isinstance(data, dict) or data.get("owner") != row.user_id:
        return None
    kept = {k: v for k, v in data.items() if k in _FIELDS and v is not None}
    return OpenDraft(id=row.id, updated_at=row.updated_at, **kept)


async def my_drafts(user: User) -> list[OpenDraft]:
    """The member's drafts, the latest saved first (one query)."""
    rows = await Draft.filter(user_id=user.id).order_by("-updated_at", "-id").limit(
        DRAFTS_LISTED_MAX)
    return [d for row in rows if (d := open_draft(row)) is not None]


async def count_my_drafts(user: User) -> int:
    return await Draft.filter(user_id=user.id).count()


async def my_draft_or_404(user: User, draft_id: int) -> OpenDraft:
    """One of the member's drafts; anyone else's (or none) is a 404, never a 403."""
    row = await Draft.get_or_none(id=draft_id, user_id=user.id)
    draft = open_draft(row) if row is not None else None
    if draft is None:
        raise not_found()
    return draft


async def draft_for(user: User | None, *, kind: str, category: str = "",
                    thread_id: int | None = None) -> OpenDraft | None:
    """The member's latest draft for this composer: a reply to this story, or a story in
    this category (any category when none is chosen)."""
    if user is None:
        return None
    for draft in await my_drafts(user):
        if draft.kind != kind:
            continue
        if kind == "reply" and draft.thread_id == thread_id:
            return draft
        if kind == "story" and (not category or draft.category == category):
            return draft
    return None


@dataclass(frozen=True)
class DraftPlace:
    """Where a draft belongs, as its member may see it now."""

    label: str
    link: str | None  # None: the story is no longer there (the words are kept all the same)


async def draft_places(user: User, drafts: list[OpenDraft]) -> dict[int, DraftPlace]:
    """Draft id -> where it belongs: two queries, whatever the number of drafts."""
    thread_ids = {d.thread_id for d in drafts if d.kind == "reply" and d.thread_id}
    titles = {p.thread_id: p.thread.title for p in await Post.filter(
        await _visible(user), thread_id__in=sorted(thread_ids), is_story=True
    ).select_related("thread")} if thread_ids else {}
    names = {c.slug: c.name for c in await Category.all()}
    places: dict[int, DraftPlace] = {}
    for d in drafts:
        if d.kind == "reply":
            title = titles.get(d.thread_id or 0)
            places[d.id] = (DraftPlace(f"A reply to “{title}”", f"/stories/{d.thread_id}/reply"
                                       f"?draft={d.id}") if title is not None else
                            DraftPlace("A reply to a story that is no longer here", None))
        else:
            where = f" in {names[d.category]}" if d.category in names else ""
            places[d.id] = DraftPlace(f"A story{where}", f"/stories/new?draft={d.id}")
    return places
