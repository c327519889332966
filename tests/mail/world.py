"""Members with addresses, and a forum whose mail rounds run when a test says time has
passed: the rounds are queued for a later moment (as the worker would queue them then) and
the job table is drained into a real SMTP server."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import Any

from forum.jobs.runner import drain
from forum.mail.rounds import GRACE_SECONDS, SOON_MINUTES, queue_mail_rounds
from forum.models.accounts import Role, User
from forum.settings import Settings

from ..factories import make_user


async def member_with_address(name: str, *, role: Role = Role.MEMBER, verified: bool = True,
                              prefs: dict[str, str] | None = None,
                              fuller: bool = False) -> User:
    """A member with an address; ``verified`` sets the marker forum.mail.addresses reads
    (``User.email_verified_at``), as following the verification link does."""
    user = await make_user(name, email=f"{name}@example.org", role=role)
    await User.filter(id=user.id).update(
        email_verified_at=datetime.now(UTC) if verified else None, mail_prefs=prefs or {},
        mail_fuller=fuller)
    return await User.get(id=user.id)


def after_this_window() -> datetime:
    """A moment by which the current "soon" window has ended and settled."""
    return datetime.now(UTC) + timedelta(minutes=SOON_MINUTES, seconds=GRACE_SECONDS + 1)


def tomorrow_at(hour: int, minute: int = 0) -> datetime:
    today = datetime.now(UTC).date()
    return datetime.combine(today + timedelta(days=1), datetime.min.time(), UTC) + timedelta(
        hours=hour, minutes=minute)


async def time_passes(settings: Settings, moment: datetime) -> None:
    """The worker's view at ``moment``: the rounds due then are queued, and every job run."""
    await queue_mail_rounds(moment)
    await drain(settings, wait_seconds=20.0)


def everything_in(message: EmailMessage) -> str:
    """Every header and every part of a message, decoded, as one text to search."""
    parts = [f"{name}: {value}" for name, value in message.items()]
    for part in message.walk():
        if not part.is_multipart():
            content: Any = part.get_content()
            parts.append(content if isinstance(content, str) else repr(content))
    return "\n".join(parts)


def plain_body(message: EmailMessage) -> str:
    body = message.get_body(("plain",))
    assert body is not None
    return str(body.get_content())


def unsubscribe_link(message: EmailMessage) -> str:
    header = str(message["List-Unsubscribe"])
    assert header.startswith("<") and header.endswith(">"), header
    return header[1:-1]
