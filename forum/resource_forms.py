"""An admin's crisis resource form -> validated values."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from forum.forms import Checker
from forum.safety.resources import SHIPPED

_PHONE = re.compile(r"^\+?[0-9 ()-]{2,30}$")


def _url(check: Checker, name: str, label: str, *, required: bool = False) -> str | None:
    value = check.text(name, label=label, max_len=300, min_len=1 if required else 0)
    if value and not value.startswith("https://"):
        check.errors[name] = f"{label} must start with https://"
    return value or None


def parse_resource(data: Mapping[str, Any]) -> dict[str, Any]:
    check = Checker(data)
    name = check.text("name", label="Name", max_len=120, min_len=1)
    country = check.text("country", label="Country", max_len=4).upper()
    if country not in SHIPPED.countries and not re.fullmatch("[A-Z]{2}", country):
        check.errors["country"] = "Use a two-letter country code, or INTL."
    topics = [t for t in SHIPPED.topics if t in _many(data.get("topics"))]
    if not topics:
        check.errors["topics"] = "Choose at least one topic."
    phone = check.text("phone", label="Phone", max_len=30) or None
    text_number = check.text("text_number", label="Text number", max_len=30) or None
    for field_name, value in (("phone", phone), ("text_number", text_number)):
        if value and not _PHONE.match(value):
            check.errors[field_name] = "Use digits, spaces and an optional leading +."
    values = {
        "name": name, "country": country, "topics": topics,
        "description": check.text("description", label="Description", max_len=300),
        "phone": phone,
        "phone_display": check.text("phone_display", label="Phone as shown", max_len=60)
        or None,
        "text_number": text_number,
        "text_keyword": check.text("text_keyword", label="Keyword", max_len=30) or None,
        "chat_url": _url(check, "chat_url", "Chat link"),
        "website": _url(check, "website", "Website"),
        "hours": check.text("hours", label="Hours", max_len=80),
        "languages": [x.strip() for x in check.text("languages", label="Languages",
                                                    max_len=60).split(",") if x.strip()],
        "source": _url(check, "source", "Source", required=True),
        "last_verified": datetime.now(UTC).date(),
        "enabled": check.flag("enabled"),
    }
    verified = str(data.get("last_verified", "")).strip()
    if verified:
        try:
            values["last_verified"] = date.fromisoformat(verified)
        except ValueError:
            check.errors["last_verified"] = "Use a date like 2026-11-26."
    check.fail_if_errors()
    return values


def _many(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value]
    return [str(value)] if value else []
