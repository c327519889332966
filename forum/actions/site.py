"""Admins change what the site says about itself: its name, description and usual review
wait, and its about / guidelines / privacy pages. Each change writes one audit row in the
same transaction; a change that changes nothing writes nothing."""

from __future__ import annotations

from tortoise.transactions import in_transaction

from forum import permissions
from forum.actions.context import Context
from forum.actions.moderation import record_admin_action
from forum.markup import render_markdown
from forum.models.site import SitePage, SiteSetting
from forum.queries.site import PAGES, SiteIdentity, shipped_page_text, site_identity
from forum.schemas.site import SitePageIn, SiteSettingsIn


async def save_site_settings(ctx: Context, form: SiteSettingsIn) -> SiteIdentity:
    """The identity as saved (for the process to show at once)."""
    actor = permissions.ensure_admin(ctx.viewer)
    before = await site_identity()
    wanted = {"name": form.name, "description": form.description,
              "review_wait": form.review_wait}
    changed = {k: v for k, v in wanted.items() if getattr(before, k) != v}
    if not changed:
        return before
    async with in_transaction():
        for key, value in changed.items():
            await SiteSetting.update_or_create(defaults={"value": value}, key=key)
        await record_admin_action(actor, "site_settings", "site", 0,
                                  "changed " + ", ".join(sorted(changed)))
    return SiteIdentity(**{**before.__dict__, **changed})


async def save_site_page(ctx: Context, slug: str, form: SitePageIn) -> bool:
    """Whether the page changed. Writing the shipped text back keeps it as written (later
    versions of the forum then leave it as it is)."""
    actor = permissions.ensure_admin(ctx.viewer)
    assert slug in PAGES
    row = await SitePage.get_or_none(slug=slug)
    current = row.body_md if row is not None else shipped_page_text(slug)
    if row is not None and current == form.body:
        return False
    if row is None and form.body == current:
        return False
    async with in_transaction():
        await SitePage.update_or_create(
            defaults={"body_md": form.body, "body_html": render_markdown(form.body)},
            slug=slug)
        await record_admin_action(actor, "page_edit", "page", 0, PAGES[slug])
    return True
