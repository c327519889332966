"""Loading the crisis resource directory, and admins looking after it (audit-logged)."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from tortoise.transactions import in_transaction

from forum import permissions
from forum.actions.context import Context
from forum.actions.moderation import record_admin_action
from forum.models.safety import CrisisResource
from forum.queries.resources import get_resource_or_404
from forum.safety.resources import Directory
from forum.schemas.resources import EnableInput, ResourceInput

FIELDS = ("name", "country", "topics", "description", "phone", "phone_display", "text_number",
          "text_keyword", "chat_url", "website", "hours", "languages", "source",
          "last_verified", "enabled")


@dataclass(frozen=True)
class ImportResult:
    added: int
    updated: int
    kept: int  # edited by an admin: left as they are


def _values(entry: dict[str, Any]) -> dict[str, Any]:
    values = {name: entry.get(name) for name in FIELDS}
    values["last_verified"] = date.fromisoformat(entry["last_verified"])
    values["enabled"] = bool(entry.get("enabled", True))
    values["description"] = values["description"] or ""
    values["hours"] = values["hours"] or ""
    values["topics"] = list(values["topics"] or [])
    values["languages"] = list(values["languages"] or [])
    return values


async def import_resources(directory: Directory) -> ImportResult:
    """Idempotent: new entries are added, untouched ones refreshed, admins' edits kept."""
    existing = {r.key: r for r in await CrisisResource.all()}
    added = updated = kept = 0
    async with in_transaction():
        for entry in directory.resources:
            values = _values(entry)
            found = existing.get(entry["key"])
            if found is None:
                await CrisisResource.create(key=entry["key"], **values)
                added += 1
            elif found.edited_by_admin:
                kept += 1
            elif any(getattr(found, k) != v for k, v in values.items()):
                await CrisisResource.filter(id=found.id).update(**values)
                updated += 1
    return ImportResult(added, updated, kept)


async def save_resource(ctx: Context, resource_id: int | None,
                        form: ResourceInput) -> CrisisResource:
    """Add an entry (no id) or change one; from now on imports leave it alone."""
    actor = permissions.ensure_admin(ctx.viewer)
    resource = await get_resource_or_404(resource_id) if resource_id is not None else None
    values = form.values()
    async with in_transaction():
        if resource is None:
            key = "local-" + re.sub(r"[^a-z0-9]+", "-", values["name"].lower()).strip("-")[:40]
            resource = await CrisisResource.create(key=f"{key}-{secrets.token_hex(3)}",
                                                   edited_by_admin=True, **values)
            action = "resource_add"
        elif all(getattr(resource, name) == value for name, value in values.items()):
            return resource  # nothing changed: nothing to log
        else:
            await CrisisResource.filter(id=resource.id).update(edited_by_admin=True, **values)
            action = "resource_edit"
        await record_admin_action(actor, action, "resource", resource.id, values["name"])
    return await CrisisResource.get(id=resource.id)


async def verify_resource(ctx: Context, resource_id: int) -> bool:
    """An admin checked the entry today."""
    actor = permissions.ensure_admin(ctx.viewer)
    resource = await get_resource_or_404(resource_id)
    today = datetime.now(UTC).date()
    if resource.last_verified == today:
        return False
    async with in_transaction():
        await CrisisResource.filter(id=resource.id).update(last_verified=today,
                                                           edited_by_admin=True)
        await record_admin_action(actor, "resource_verify", "resource", resource.id,
                                  resource.name)
    return True


async def set_resource_enabled(ctx: Context, resource_id: int, form: EnableInput) -> bool:
    """Show or stop showing an entry on the help pages."""
    actor = permissions.ensure_admin(ctx.viewer)
    resource = await get_resource_or_404(resource_id)
    if resource.enabled == form.enabled:
        return False
    async with in_transaction():
        await CrisisResource.filter(id=resource.id).update(enabled=form.enabled,
                                                           edited_by_admin=True)
        await record_admin_action(actor,
                                  "resource_enable" if form.enabled else "resource_disable",
                                  "resource", resource.id, resource.name)
    return True
