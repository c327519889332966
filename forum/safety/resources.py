"""The crisis resource directory as shipped data, the emergency numbers, and the reader's region.

`forum/data/crisis_resources.json` holds the entries (seeded from verified facts, each with
its source and the date it was last verified), the directory's countries and the topic
names. `forum migrate` and `forum resources import FILE` load entries into the database;
an admin's edits are never overwritten. `forum/data/emergency_numbers.json` holds each
country's emergency numbers (its header says how it was compiled), shown on /help for every
country it names, whether or not the directory has a helpline there.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote

DATA = Path(__file__).resolve().parent.parent / "data"
SHIPPED_FILE = DATA / "crisis_resources.json"
EMERGENCY_FILE = DATA / "emergency_numbers.json"
INTL = "INTL"
REGION_COOKIE = "hearth_region"
STALE_AFTER_DAYS = 180
REQUIRED = ("key", "name", "country", "topics", "source", "last_verified")
ACCEPT_LANGUAGE_MAX = 500  # characters of the header read


@dataclass(frozen=True)
class Directory:
    resources: list[dict[str, Any]]
    countries: dict[str, str]
    topics: dict[str, str]


def parse_directory(raw: dict[str, Any]) -> Directory:
    """Validate a resource file; every entry needs a source and a verification date."""
    resources = raw.get("resources")
    if not isinstance(resources, list):
        raise ValueError("the file needs a list called 'resources'")
    for n, entry in enumerate(resources):
        missing = [name for name in REQUIRED if not entry.get(name)]
        if missing:
            raise ValueError(f"entry {n} ({entry.get('key', '?')}) lacks {', '.join(missing)}")
        date.fromisoformat(entry["last_verified"])
        if not str(entry["source"]).startswith("https://"):
            raise ValueError(f"entry {entry['key']}: the source must be an https:// URL")
    return Directory(resources, dict(raw.get("countries", {})), dict(raw.get("topics", {})))


def load_directory(path: Path = SHIPPED_FILE) -> Directory:
    return parse_directory(json.loads(path.read_text("utf-8")))


SHIPPED = load_directory()


@dataclass(frozen=True)
class EmergencyNumbers:
    """One country's emergency numbers: a single number, per-service ones, or both."""

    country: str
    name: str
    general: str | None
    police: str | None
    ambulance: str | None
    fire: str | None
    note: str | None
    source: str

    @property
    def main(self) -> str:
        """The number to put first: the single number, else the ambulance's, else police."""
        found = self.general or self.ambulance or self.police or self.fire
        assert found is not None  # parse_emergency_numbers refuses a country with none
        return found

    @property
    def services(self) -> list[tuple[str, str]]:
        """(number, what it reaches), each number once, the single number first."""
        named: dict[str, list[str]] = {}
        if self.general:
            named[self.general] = ["all emergencies"]
        for service, number in (("ambulance", self.ambulance), ("police", self.police),
                                ("fire", self.fire)):
            if number:
                named.setdefault(number, []).append(service)
        return [(number, " and ".join(names)) for number, names in named.items()]


def parse_emergency_numbers(raw: dict[str, Any]) -> dict[str, EmergencyNumbers]:
    table: dict[str, EmergencyNumbers] = {}
    for code, entry in raw["countries"].items():
        numbers = {k: entry.get(k) or None for k in ("general", "police", "ambulance", "fire")}
        if not any(numbers.values()):
            raise ValueError(f"{code}: no emergency number")
        if not str(entry.get("source", "")).startswith("https://"):
            raise ValueError(f"{code}: the source must be an https:// URL")
        table[code] = EmergencyNumbers(code, entry["name"], note=entry.get("note") or None,
                                       source=entry["source"], **numbers)
    return table


EMERGENCY = parse_emergency_numbers(json.loads(EMERGENCY_FILE.read_text("utf-8")))

# Every country someone can choose: the directory's, and every one with emergency numbers.
COUNTRIES: dict[str, str] = {
    INTL: SHIPPED.countries.get(INTL, "Anywhere"),
    **dict(sorted({**{c: e.name for c, e in EMERGENCY.items()},
                   **{c: n for c, n in SHIPPED.countries.items() if c != INTL}}.items(),
                  key=lambda item: item[1])),
}


def emergency_for(country: str) -> EmergencyNumbers | None:
    return EMERGENCY.get(country)


def emergency_number(country: str) -> str | None:
    found = EMERGENCY.get(country)
    return found.main if found else None


def country_name(country: str) -> str:
    return COUNTRIES.get(country, country)


_NAMED_WITH_THE = frozenset({"US", "GB", "NL", "PH", "AE", "DO"})


def country_in_sentence(country: str) -> str:
    """`in {this}`: "the United States", "Canada"."""
    name = country_name(country)
    return f"the {name}" if country in _NAMED_WITH_THE else name


_SUBTAG = re.compile(r"^[A-Za-z0-9]{1,8}$")
_QUALITY = re.compile(r"^q=([01](?:\.[0-9]{0,3})?)$")


def languages_by_preference(header: str | None) -> list[str]:
    """The language tags of an Accept-Language header, most wanted first."""
    tags: list[tuple[float, int, str]] = []
    for n, part in enumerate((header or "")[:ACCEPT_LANGUAGE_MAX].split(",")):
        tag, *params = (p.strip() for p in part.split(";"))
        quality = 1.0
        for param in params:
            if found := _QUALITY.match(param):
                quality = float(found.group(1))
        if tag and quality > 0:
            tags.append((-quality, n, tag))
    return [tag for _, _, tag in sorted(tags)]


def region_from_accept_language(header: str | None) -> str | None:
    """The first country a language tag names (`es-MX` -> MX, `zh-Hant-TW` -> TW,
    `en-GB,en;q=0.8` -> GB); a bare language (`fr`) names no country."""
    for tag in languages_by_preference(header):
        subtags = tag.split("-")
        if not all(_SUBTAG.match(s) for s in subtags) or not subtags[0].isalpha():
            continue
        for subtag in subtags[1:3]:  # a script (Hant) may come before the region
            if len(subtag) == 2 and subtag.isascii() and subtag.isalpha():
                if region := known_region(subtag):
                    return region
                break
    return None


def known_region(code: str | None) -> str | None:
    code = (code or "").strip().upper()
    return code if code in COUNTRIES else None


RegionSource = Literal["chosen", "profile", "cookie", "language", "none"]


@dataclass(frozen=True)
class RegionChoice:
    region: str
    source: RegionSource

    @property
    def suggested(self) -> bool:
        """Only guessed from the browser's language: the page says so and offers a choice."""
        return self.source == "language"


def region_choice(chosen: str | None, profile_country: str | None, cookie: str | None,
                  accept_language: str | None) -> RegionChoice:
    """An explicit choice on the page, else the profile's country, else the chooser's cookie,
    else a suggestion from the browser's language, else INTL."""
    candidates: tuple[tuple[RegionSource, str | None], ...] = (
        ("chosen", chosen), ("profile", profile_country), ("cookie", cookie),
        ("language", region_from_accept_language(accept_language)))
    for source, candidate in candidates:
        if region := known_region(candidate):
            return RegionChoice(region, source)
    return RegionChoice(INTL, "none")


def resolve_region(profile_country: str | None, cookie: str | None,
                   accept_language: str | None) -> str:
    """Profile, else the chooser's cookie, else the browser's language region, else INTL."""
    return region_choice(None, profile_country, cookie, accept_language).region


def tel_link(phone: str) -> str:
    return "tel:" + re.sub(r"[^0-9+]", "", phone)


def sms_link(number: str, keyword: str | None) -> str:
    link = "sms:" + re.sub(r"[^0-9+]", "", number)
    return f"{link}?body={quote(keyword)}" if keyword else link
