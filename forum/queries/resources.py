"""Reading the crisis resource directory for a region."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from forum.models.safety import CrisisAlert, CrisisResource
from forum.queries.content import not_found
from forum.safety.resources import INTL, SHIPPED, STALE_AFTER_DAYS, emergency_number

# A care message's note holds only the moderator's words: which helplines were added would
# say where its (perhaps anonymous) recipient lives. They are the reader's own, looked up
# each time the note is shown. Notes of the older kind "care" carry them in their text.
CARE_MESSAGE = "care_message"


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


class _Note(Protocol):
    @property
    def kind(self) -> str: ...
    @property
    def message(self) -> str: ...


async def care_help(notes: Iterable[_Note], region: str) -> list[CrisisResource]:
    """The helplines to show with the care messages among these notes: the reader's region's
    own, then the international ones; none when there is no care message."""
    if not any(note.kind == CARE_MESSAGE for note in notes):
        return []
    local = await resources_for(region) if region != INTL else []
    return [*local, *await resources_for(INTL)]


def note_text(note: _Note, help_lines: list[CrisisResource]) -> str:
    """A note as one line of text (the JSON API): a care message with its helplines."""
    if note.kind != CARE_MESSAGE:
        return note.message
    return f"{note.message} — " + " · ".join(_help_line(r) for r in help_lines)


def _help_line(r: CrisisResource) -> str:
    reach = r.website if r.country == INTL else (
        r.phone_display or r.phone or r.text_number or r.website)
    return f"{r.name}: {reach}"


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
