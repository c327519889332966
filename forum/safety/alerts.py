"""Telling a human about an urgent post: a JSON alert POSTed to FORUM_CRISIS_WEBHOOK_URL.

The alert carries a link to the post (public and moderation views), the level and the
time — never the author. It is sent in the background (the writer's request never waits),
tried up to 5 times with growing pauses, and every outcome is kept on its `CrisisAlert` row
for admins to see; failures are logged.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from typing import Any

import httpx

from forum.clock import iso_time
from forum.models.safety import CrisisAlert

log = logging.getLogger("forum.crisis_alerts")
RETRY_DELAYS_SECONDS: tuple[float, ...] = (2.0, 10.0, 30.0, 120.0)  # 5 tries in all
TIMEOUT_SECONDS = 10.0
_running: set[asyncio.Task[bool]] = set()


def alert_payload(alert: CrisisAlert, base_url: str) -> dict[str, Any]:
    return {
        "type": "hearth.crisis_alert",
        "level": alert.level,
        "post_url": f"{base_url}/posts/{alert.post_id}",
        "moderation_url": f"{base_url}/mod/posts/{alert.post_id}",
        "created_at": iso_time(alert.created_at),
    }


async def deliver(alert_id: int, url: str, base_url: str,
                  delays: tuple[float, ...] | None = None) -> bool:
    """Send one alert, retrying with backoff; True once the receiver answered 2xx."""
    delays = RETRY_DELAYS_SECONDS if delays is None else delays
    alert = await CrisisAlert.get(id=alert_id)
    payload = alert_payload(alert, base_url)
    async with httpx.AsyncClient(timeout=TIMEOUT_SECONDS) as client:
        for attempt in range(len(delays) + 1):
            try:
                response = await client.post(url, json=payload)
                error = "" if response.is_success else f"HTTP {response.status_code}"
            except httpx.HTTPError as exc:
                error = f"{type(exc).__name__}: {exc}"[:300]
            if not error:
                await CrisisAlert.filter(id=alert_id).update(
                    status="delivered", attempts=attempt + 1, last_error="",
                    delivered_at=datetime.now(UTC))
                return True
            await CrisisAlert.filter(id=alert_id).update(attempts=attempt + 1, last_error=error)
            log.warning("crisis alert %s: try %s failed: %s", alert_id, attempt + 1, error)
            if attempt < len(delays):
                await asyncio.sleep(delays[attempt])
    await CrisisAlert.filter(id=alert_id).update(status="failed")
    log.error("crisis alert %s was not delivered after %s tries", alert_id, len(delays) + 1)
    return False


def send_in_background(alert_id: int, url: str, base_url: str) -> None:
    task = asyncio.get_running_loop().create_task(deliver(alert_id, url, base_url))
    _running.add(task)
    task.add_done_callback(_running.discard)


async def wait_for_deliveries() -> None:
    """For shutdown and tests: let alerts in flight finish."""
    while _running:
        await asyncio.gather(*list(_running), return_exceptions=True)
