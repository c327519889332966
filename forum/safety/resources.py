"""The crisis resource directory as shipped data, and the reader's region.

`forum/data/crisis_resources.json` holds the entries (seeded from verified facts, each with
its source and the date it was last verified), the local emergency numbers and the topic
names. `forum migrate` and `forum resources import FILE` load entries into the database;
an admin's edits are never overwritten.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

SHIPPED_FILE = Path(__file__).resolve().parent.parent / "data" / "crisis_resources.json"
INTL = "INTL"
REGION_COOKIE = "hearth_region"
STALE_AFTER_DAYS = 180
REQUIRED = ("key", "name", "country", "topics", "source", "last_verified")
# EU members share 112; the shipped data lists the countries it has entries for.
EU_112 = frozenset({
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IT", "LV",
    "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
})


@dataclass(frozen=True)
class Directory:
    resources: list[dict[str, Any]]
    emergency_numbers: dict[str, str | None]
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
    return Directory(resources, dict(raw.get("emergency_numbers", {})),
                     dict(raw.get("countries", {})), dict(raw.get("topics", {})))


def load_directory(path: Path = SHIPPED_FILE) -> Directory:
    return parse_directory(json.loads(path.read_text("utf-8")))


SHIPPED = load_directory()


def emergency_number(country: str) -> str | None:
    if country in SHIPPED.emergency_numbers:
        return SHIPPED.emergency_numbers[country]
    return "112" if country in EU_112 else None


_LANGUAGE_TAG = re.compile(r"^[a-zA-Z]{1,8}(?:-([a-zA-Z]{2}))?")


def region_from_accept_language(header: str | None) -> str | None:
    """The first country named in Accept-Language (`en-GB,en;q=0.8` -> GB)."""
    for part in (header or "")[:500].split(","):
        found = _LANGUAGE_TAG.match(part.strip())
        if found and found.group(1):
            return found.group(1).upper()
    return None


def known_region(code: str | None) -> str | None:
    code = (code or "").strip().upper()
    return code if code in SHIPPED.countries else None


def resolve_region(profile_country: str | None, cookie: str | None,
                   accept_language: str | None) -> str:
    """Profile, else the chooser's cookie, else the browser's language region, else INTL."""
    for candidate in (profile_country, cookie, region_from_accept_language(accept_language)):
        if region := known_region(candidate):
            return region
    return INTL


def tel_link(phone: str) -> str:
    return "tel:" + re.sub(r"[^0-9+]", "", phone)


def sms_link(number: str, keyword: str | None) -> str:
    link = "sms:" + re.sub(r"[^0-9+]", "", number)
    return f"{link}?body={keyword}" if keyword else link
