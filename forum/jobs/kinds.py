"""The kinds of job and what runs each: a handler, how long one attempt may take, and the
pauses between attempts. Modules that own a kind register it here at import."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from forum.models.jobs import Job
    from forum.settings import Settings

Handler = Callable[["Job", "Settings"], Awaitable[None]]


class GiveUp(Exception):
    """Raised by a handler when no retry can help: the job fails at once."""


@dataclass(frozen=True)
class Kind:
    name: str
    handler: Handler
    timeout_seconds: float
    # Pauses after the 1st, 2nd, … failed attempt; read when a job is queued and retried.
    pauses: Callable[[], tuple[float, ...]]

    def attempts(self) -> int:
        return len(self.pauses()) + 1

    def pause_after(self, attempt: int) -> float | None:
        pauses = self.pauses()
        return pauses[attempt - 1] if 0 < attempt <= len(pauses) else None


KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    KINDS[kind.name] = kind
    return kind


def load_kinds() -> dict[str, Kind]:
    """Every kind, their modules imported (a worker must know all of them)."""
    import forum.actions.maintenance
    import forum.actions.recovery
    import forum.actions.reply_news
    import forum.mail.moderators
    import forum.mail.outbox
    import forum.mail.rounds
    import forum.safety.alerts  # noqa: F401

    return KINDS
