"""Moments as the API, feeds and alerts write them (UTC, to the second)."""

from __future__ import annotations

from datetime import UTC, datetime


def iso_time(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")
