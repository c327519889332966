"""Reading the crisis resource directory for a region, in the order a person needs it."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, Protocol

from forum.models.safety import CrisisAlert, CrisisResource
from forum.outage import database_unavailable
from forum.queries.content import not_found
from forum.safety.care_topics import order_by_need, topics_noticed
from forum.safety.phones import format_number
from forum.safety.resources import (
    INTL,
    SHIPPED,
    STALE_AFTER_DAYS,
    EmergencyNumbers,
    country_in_sentence,
    country_name,
    emergency_for,
    sms_link,
    tel_link,
)

# A care message's note holds only the moderator's words: which helplines were added would
# say where its (perhaps anonymous) recipient lives. They are the reader's own, looked up
# each time the note is shown. Notes of the older kind "care" carry them in their text.
CARE_MESSAGE = "care_message"
CARE_LIST_LENGTH = 4  # the region's helplines listed under a care message; /help has all


@dataclass(frozen=True)
class ShownResource:
    """An entry as a reader sees it: numbers written the way its country writes them, with
    the tel: and sms: links to tap."""

    name: str
    country: str
    topics: list[str]
    description: str
    hours: str
    phone: str | None        # as written for the reader
    tel: str | None          # tel: link
    text_number: str | None  # as written for the reader
    text_keyword: str | None
    sms: str | None          # sms: link, the keyword in its body
    chat_url: str | None
    website: str | None

    @classmethod
    def of(cls, r: CrisisResource) -> ShownResource:
        return cls(
            name=r.name, country=r.country, topics=list(r.topics or []),
            description=r.description, hours=r.hours,
            phone=(r.phone_display or format_number(r.phone, r.country)) if r.phone else None,
            tel=tel_link(r.phone) if r.phone else None,
            text_number=format_number(r.text_number, r.country) if r.text_number else None,
            text_keyword=r.text_keyword or None,
            sms=sms_link(r.text_number, r.text_keyword) if r.text_number else None,
            chat_url=r.chat_url, website=r.website)

    @property
    def call_or_text_same(self) -> bool:
        return bool(self.tel and self.sms and self.tel[4:] == self.sms[4:].split("?")[0])

    @property
    def reach(self) -> str:
        """One short line: how to reach it (for plain text)."""
        ways = []
        if self.phone:
            ways.append(f"{self.phone} (call or text)" if self.call_or_text_same else self.phone)
        if self.text_number and not self.call_or_text_same:
            keyword = f"{self.text_keyword} to " if self.text_keyword else ""
            ways.append(f"text {keyword}{self.text_number}")
        if not ways and self.website:
            ways.append(self.website)
        return ", ".join(ways)


@dataclass(frozen=True)
class RegionHelp:
    region: str
    region_name: str
    emergency: EmergencyNumbers | None
    by_topic: list[tuple[str, list[ShownResource]]]  # (topic label, entries), needs first
    international: list[ShownResource]
    suggested: bool = False  # guessed from the browser's language: the page offers a choice

    @property
    def first_line(self) -> ShownResource | None:
        return self.by_topic[0][1][0] if self.by_topic else None

    @property
    def in_region(self) -> str:
        return country_in_sentence(self.region)


log = logging.getLogger("forum.resources")


def _shipped_entry(entry: dict[str, Any]) -> CrisisResource:
    names = set(CrisisResource._meta.fields_map) - {"id", "last_verified"}
    return CrisisResource(**{name: entry[name] for name in names if name in entry},
                          last_verified=date.fromisoformat(entry["last_verified"]))


@dataclass
class RememberedResources:
    """The enabled crisis resources as last read from the database, by country, so /help
    (and every help list) still answers while the database can't be reached.

    Filled at start-up (`remember_all`), refreshed by every successful read of a country,
    and read again in full at the first successful read after an outage (an admin may have
    changed entries meanwhile, through another process). Before anything was read, the
    shipped directory stands in: it is what a new forum starts with.
    """

    by_country: dict[str, list[CrisisResource]] = field(default_factory=dict)
    complete: bool = False  # every country was read at once
    missed: bool = False  # a read failed since the last full one

    def rows(self, region: str) -> list[CrisisResource]:
        if self.complete or region in self.by_country:
            return list(self.by_country.get(region, []))
        return [_shipped_entry(e) for e in SHIPPED.resources
                if e["country"] == region and e.get("enabled", True)]

    def keep(self, region: str, rows: list[CrisisResource]) -> None:
        self.by_country[region] = list(rows)

    def keep_all(self, rows: Iterable[CrisisResource]) -> None:
        by_country: dict[str, list[CrisisResource]] = {}
        for r in rows:
            by_country.setdefault(r.country, []).append(r)
        self.by_country, self.complete, self.missed = by_country, True, False


REMEMBERED = RememberedResources()


async def remember_all() -> None:
    """Read every enabled resource into memory (at start-up; after an outage)."""
    REMEMBERED.keep_all(await CrisisResource.filter(enabled=True).order_by("id"))


async def remember_all_at_start() -> None:
    """Start-up: a database that isn't there yet must not stop the forum from starting."""
    try:
        await remember_all()
    except Exception as exc:
        if not database_unavailable(exc):
            raise
        REMEMBERED.missed = True
        log.warning("crisis resources not read at start (%s); the shipped ones stand in",
                    type(exc).__name__)


async def _enabled_in(region: str) -> list[CrisisResource]:
    """The region's enabled entries: from the database, else as last read."""
    try:
        if REMEMBERED.missed:
            await remember_all()
            return REMEMBERED.rows(region)
        found = await CrisisResource.filter(country=region, enabled=True).order_by("id")
    except Exception as exc:
        if not database_unavailable(exc):
            raise
        REMEMBERED.missed = True
        log.warning("crisis resources for %s shown from memory: the database is "
                    "unavailable (%s)", region, type(exc).__name__)
        return REMEMBERED.rows(region)
    REMEMBERED.keep(region, found)
    return found


async def resources_for(region: str, topic: str | None = None) -> list[CrisisResource]:
    found = await _enabled_in(region)
    return [r for r in found if topic is None or topic in r.topics]


def _topics(r: CrisisResource | ShownResource) -> list[str]:
    return list(r.topics or [])


async def help_for(region: str, noticed: Sequence[str] = (), *,
                   suggested: bool = False) -> RegionHelp:
    """The region's lines grouped by topic, the groups for what was noticed first."""
    local = await resources_for(region) if region != INTL else []
    international = await resources_for(INTL)
    groups: list[tuple[str, list[ShownResource]]] = []
    for topic in SHIPPED.topics:
        entries = [ShownResource.of(r) for r in local if r.topics and r.topics[0] == topic]
        if entries:
            groups.append((topic, entries))
    ordered = order_by_need(groups, noticed, lambda group: [group[0]])
    return RegionHelp(region, country_name(region), emergency_for(region),
                      [(SHIPPED.topics[topic], entries) for topic, entries in ordered],
                      [ShownResource.of(r) for r in international], suggested)


async def help_for_words(region: str, *texts: str) -> RegionHelp:
    """Help for someone who wrote these words: what they touch comes first."""
    return await help_for(region, topics_noticed(*texts))


async def resources_for_words(region: str, *texts: str,
                              topic: str | None = None) -> list[CrisisResource]:
    """The region's lines then the international ones, ordered by what these words touch."""
    local = await resources_for(region, topic) if region != INTL else []
    ordered = order_by_need(local, topics_noticed(*texts), _topics) if texts else local
    return [*ordered, *await resources_for(INTL)]


async def lines_for_words(region: str, *texts: str) -> list[ShownResource]:
    return [ShownResource.of(r) for r in await resources_for_words(region, *texts)]


class _Note(Protocol):
    @property
    def kind(self) -> str: ...
    @property
    def message(self) -> str: ...


@dataclass(frozen=True)
class CareHelp:
    """The help shown under care messages: the reader's emergency number, a few of their
    region's lines (those for what the moderator's words touch first), help anywhere."""

    region: str
    emergency: EmergencyNumbers | None
    lines: list[ShownResource]

    def __bool__(self) -> bool:
        return bool(self.lines or self.emergency)


async def care_help(notes: Iterable[_Note], region: str) -> CareHelp:
    """The helplines to show with the care messages among these notes: the reader's region's
    own, ordered by what the moderator's words touch, then the international ones; none when
    there is no care message."""
    words = [note.message for note in notes if note.kind == CARE_MESSAGE]
    if not words:
        return CareHelp(region, None, [])
    lines = await lines_for_words(region, *words)
    local = [r for r in lines if r.country != INTL][:CARE_LIST_LENGTH]
    return CareHelp(region, emergency_for(region),
                    [*local, *(r for r in lines if r.country == INTL)])


def note_text(note: _Note, help: CareHelp) -> str:
    """A note as text (the JSON API): a care message is its words, then a short list."""
    if note.kind != CARE_MESSAGE or not help:
        return note.message
    lines = [note.message, ""]
    if help.emergency:
        lines.append(f"- In immediate danger: call {help.emergency.main}")
    lines += [f"- {r.name}: {r.reach}" for r in help.lines]
    lines.append("- More help: /help")
    return "\n".join(lines)


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
