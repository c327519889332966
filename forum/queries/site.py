"""Reading what admins say about the site: its name, description and expected review wait,
the about / guidelines / privacy pages, the categories as admins manage them, and what a
new member is told after signing up.

The name and description appear on every page, so each app process keeps them in memory
(`SiteIdentityHolder`): read at start-up, replaced at once in the process where an admin
changes them, and read again every `IDENTITY_REFRESH_SECONDS` by every other process.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from importlib import resources

from tortoise.functions import Count

from forum.markup import render_markdown
from forum.models.accounts import Role, User
from forum.models.content import Category, Premoderation, Thread
from forum.models.site import SitePage, SiteSetting
from forum.outage import database_unavailable
from forum.queries.moderation import ApprovalRules

log = logging.getLogger(__name__)

IDENTITY_REFRESH_SECONDS = 15

DEFAULTS = {
    "name": "Hearth",
    "description": ("A place to tell your story — the hard parts too — and to be met with "
                    "kindness by people who understand."),
    # How soon a moderator usually reads a post that waits for approval, as a new member is
    # told after signing up ("within a day", "within a few hours").
    "review_wait": "within a day",
}
SETTING_KEYS = tuple(DEFAULTS)

# slug -> the page's heading. The shipped texts are forum/data/pages/<slug>.md.
PAGES = {
    "about": "About this forum",
    "guidelines": "Community guidelines",
    "privacy": "Privacy: what we keep and why",
}


@dataclass(frozen=True)
class SiteIdentity:
    name: str
    description: str
    review_wait: str

    @classmethod
    def defaults(cls) -> SiteIdentity:
        return cls(**DEFAULTS)


async def site_identity() -> SiteIdentity:
    """One query: the settings admins changed, over the shipped defaults."""
    values = dict(DEFAULTS)
    for key, value in await SiteSetting.filter(key__in=SETTING_KEYS).values_list(
            "key", "value"):
        values[str(key)] = str(value)
    return SiteIdentity(**values)


class SiteIdentityHolder:
    """The identity one app process shows on its pages (see the module docstring)."""

    def __init__(self) -> None:
        self.current = SiteIdentity.defaults()

    def replace(self, identity: SiteIdentity) -> bool:
        """Whether that changed anything."""
        changed = identity != self.current
        self.current = identity
        return changed

    async def refresh(self) -> bool:
        """Read it again; a database that can't be reached leaves the last one standing."""
        try:
            return self.replace(await site_identity())
        except Exception as exc:
            if not database_unavailable(exc):
                raise
            log.warning("site name not read (%s); the last one read stands",
                        type(exc).__name__)
            return False


@dataclass(frozen=True)
class SitePageView:
    slug: str
    title: str
    body_md: str
    body_html: str
    edited_at: datetime | None  # None: the shipped text


def shipped_page_text(slug: str) -> str:
    return resources.files("forum.data").joinpath("pages").joinpath(f"{slug}.md").read_text("utf-8")


@functools.cache
def _shipped_html(slug: str) -> str:
    return render_markdown(shipped_page_text(slug))


async def site_page(slug: str) -> SitePageView:
    """The page as admins wrote it, else as shipped. `slug` must be one of PAGES."""
    row = await SitePage.get_or_none(slug=slug)
    if row is None:
        return SitePageView(slug, PAGES[slug], shipped_page_text(slug), _shipped_html(slug),
                            None)
    return SitePageView(slug, PAGES[slug], row.body_md, row.body_html, row.updated_at)


@dataclass(frozen=True)
class CategoryRow:
    category: Category
    stories: int
    first: bool
    last: bool


async def categories_for_admins() -> list[CategoryRow]:
    """Every category in order, with how many stories it holds (a category with stories
    can't be deleted). Two queries."""
    categories = await Category.all().order_by("position", "id")
    rows = await Thread.all().annotate(n=Count("id")).group_by("category_id").values(
        "category_id", "n")
    counts = {int(r["category_id"]): int(r["n"]) for r in rows}
    last = len(categories) - 1
    return [CategoryRow(c, counts.get(c.id, 0), n == 0, n == last)
            for n, c in enumerate(categories)]


async def category_story_count(category: Category) -> int:
    return await Thread.filter(category_id=category.id).count()


@dataclass(frozen=True)
class Welcome:
    """What a new member is told happens next."""

    held_in: list[str]  # names of categories where a new member's posts wait
    held_everywhere: bool
    review_wait: str


async def welcome_for_new_member(rules: ApprovalRules, identity: SiteIdentity) -> Welcome:
    categories = await Category.all().order_by("position", "id")
    held = [c.name for c in categories
            if c.premoderation is Premoderation.ALL
            or (c.premoderation is Premoderation.NEW_MEMBERS and rules.anyone_can_be_new)]
    return Welcome(held, bool(categories) and len(held) == len(categories),
                   identity.review_wait)


async def any_admin() -> bool:
    return await User.filter(role=Role.ADMIN).exists()


async def keep_identity_fresh(holder: SiteIdentityHolder, on_change: Callable[[], None], *,
                              every: float = IDENTITY_REFRESH_SECONDS) -> None:
    """Run for the life of an app process: read the identity again every `every` seconds
    (another process may have saved a new one) and call `on_change` when it changed."""
    while True:
        await asyncio.sleep(every)
        try:
            if await holder.refresh():
                on_change()
        except Exception:  # never let the loop die: the next round tries again
            log.exception("reading the site name failed")
