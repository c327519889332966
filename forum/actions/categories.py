"""Admins make, change, reorder and delete categories; each change writes one audit row in
the same transaction, and a change that changes nothing writes nothing.

A category's address (its slug, /c/<slug>) is chosen when it is made and never changes, so
no link, bookmark or feed subscription to it ever breaks. A category that holds stories
can't be deleted (its stories would have nowhere to be): move them first, or leave it.
"""

from __future__ import annotations

from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from forum import permissions
from forum.actions.context import Context
from forum.actions.moderation import record_admin_action
from forum.forms import FormInvalid
from forum.models.content import Category
from forum.queries.content import get_category_or_404
from forum.queries.site import category_story_count
from forum.schemas.site import CategoryIn, MoveIn, NewCategoryIn

SLUG_TAKEN = "Another category has that address. Please choose another."
HAS_STORIES = ("“{name}” holds {stories}, so it can't be deleted: their writers and "
               "readers would lose them. Move the stories to another category first.")
FIELDS = ("name", "description", "allow_anonymous", "allow_guests", "premoderation")


def _values(form: CategoryIn) -> dict[str, Any]:
    return {name: getattr(form, name) for name in FIELDS}


async def create_category(ctx: Context, form: NewCategoryIn) -> Category:
    actor = permissions.ensure_admin(ctx.viewer)
    shown = {**form.model_dump(), "premoderation": form.premoderation.value}
    if await Category.exists(slug=form.slug):
        raise FormInvalid({"slug": SLUG_TAKEN}, shown)
    try:
        async with in_transaction():
            last = await Category.all().order_by("-position").first()
            category = await Category.create(
                slug=form.slug, position=(last.position + 1) if last else 0, **_values(form))
            await record_admin_action(actor, "category_add", "category", category.id,
                                      category.name)
    except IntegrityError:  # made by someone else a moment ago
        raise FormInvalid({"slug": SLUG_TAKEN}, shown) from None
    return category


async def update_category(ctx: Context, slug: str, form: CategoryIn) -> bool:
    """Whether anything changed. The slug stays as it is."""
    actor = permissions.ensure_admin(ctx.viewer)
    category = await get_category_or_404(slug)
    values = _values(form)
    changed = sorted(k for k, v in values.items() if getattr(category, k) != v)
    if not changed:
        return False
    async with in_transaction():
        await Category.filter(id=category.id).update(**values)
        await record_admin_action(actor, "category_edit", "category", category.id,
                                  form.name, "changed " + ", ".join(changed))
    return True


async def move_category(ctx: Context, slug: str, form: MoveIn) -> bool:
    """One place up or down the list; False at the top or bottom already."""
    actor = permissions.ensure_admin(ctx.viewer)
    category = await get_category_or_404(slug)
    async with in_transaction():
        ordered = await Category.all().order_by("position", "id")
        at = next(n for n, c in enumerate(ordered) if c.id == category.id)
        to = at - 1 if form.direction == "up" else at + 1
        if not 0 <= to < len(ordered):
            return False
        ordered[at], ordered[to] = ordered[to], ordered[at]
        for position, each in enumerate(ordered):
            if each.position != position:
                await Category.filter(id=each.id).update(position=position)
        await record_admin_action(actor, "category_move", "category", category.id,
                                  category.name, f"moved {form.direction}")
    return True


async def delete_category(ctx: Context, slug: str) -> None:
    """Only an empty category: one holding stories is refused kindly (409)."""
    actor = permissions.ensure_admin(ctx.viewer)
    category = await get_category_or_404(slug)
    count = await category_story_count(category)
    if count:
        raise FormInvalid({"form": HAS_STORIES.format(
            name=category.name, stories=f"{count} {'story' if count == 1 else 'stories'}")}, {},
                          status_code=409)
    try:
        async with in_transaction():
            await Category.filter(id=category.id).delete()
            await record_admin_action(actor, "category_delete", "category", category.id,
                                      category.name)
    except IntegrityError:  # a story was written there a moment ago (the key is RESTRICT)
        raise FormInvalid({"form": HAS_STORIES.format(name=category.name, stories="stories")}, {},
                          status_code=409) from None
