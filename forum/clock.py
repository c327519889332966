"""Moments as the API, feeds and alerts write them (UTC, to the second)."""

from __future__ import annotations

from datetime import UTC, datetime


def iso_time(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def parse_time(value: datetime | str) -> datetime:
    """A moment as a raw query returns it (PostgreSQL: a datetime; SQLite: ISO text), aware."""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
