"""Reading the crisis resource directory for a region."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from forum.models.safety import CrisisAlert, CrisisResource
from forum.queries.content import not_found
from forum.safety.resources import INTL, SHIPPED, STALE_AFTER_DAYS, emergency_number


@dataclass(frozen=True)
class RegionHelp:
    region: str
    region_name: str
    emergency: str | None
    by_topic: list[tuple[str, list[CrisisResource]]]  # (topic label, entries)
    international: list[CrisisResource]


async def resources_for(region: str, topic: str | None = None) -> list[CrisisResource]:
    query = CrisisResource.filter(country=region, enabled=True)
    found = await query.order_by("id")
    return [r for r in found if topic is None or topic in r.topics]


async def help_for(region: str) -> RegionHelp:
    local = await resources_for(region) if region != INTL else []
    international = await resources_for(INTL)
    by_topic: list[tuple[str, list[CrisisResource]]] = []
    for topic, label in SHIPPED.topics.items():
        entries = [r for r in local if r.topics and r.topics[0] == topic]
        if entries:
            by_topic.append((label, entries))
    return RegionHelp(region, SHIPPED.countries.get(region, region), emergency_number(region),
                      by_topic, international)


async def all_resources() -> list[CrisisResource]:
    return await CrisisResource.all().order_by("country", "name")


async def stale_resources(now: datetime | None = None) -> list[CrisisResource]:
    cutoff = ((now or datetime.now(UTC)) - timedelta(days=STALE_AFTER_DAYS)).date()
    return await CrisisResource.filter(last_verified__lt=cutoff).order_by("last_verified")


async def get_resource_or_404(resource_id: int) -> CrisisResource:
    resource = await CrisisResource.get_or_none(id=resource_id)
    if resource is None:
        raise not_found()
    return resource


async def recent_alerts(limit: int = 100) -> list[CrisisAlert]:
    return await CrisisAlert.all().order_by("-id").limit(limit)
