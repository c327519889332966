"""Mail goes out through the job table: queued (in the caller's transaction when there is
one), retried with growing pauses, never lost when a process dies, never holding up a
request. The job's key is the message's Message-ID, the same on every try, so a receiving
server can tell a repeat after a crash from a new message.

What a job holds — the address, the template and its values — is sealed under the anonymity
key and padded, so a copy of the database does not show who is mailed about what.
"""

from __future__ import annotations

import asyncio
import json
import secrets
from typing import Any

from forum import sealing
from forum.jobs.kinds import GiveUp, Kind, register
from forum.jobs.queue import enqueue
from forum.mail.compose import compose, template_exists
from forum.mail.transport import deliver
from forum.models.jobs import Job
from forum.queries.site import site_identity
from forum.settings import Settings

KIND = "email"
PURPOSE = "mail-job"
NOTHING_PAUSE_MS = 300  # a job that sends nothing ends after 0 to this many milliseconds
PAD_TO = 1024  # sealed payloads are a multiple of this many characters long
# Pauses after each failed try: about a day of trying in all.
RETRY_DELAYS_SECONDS: tuple[float, ...] = (10.0, 60.0, 300.0, 900.0, 3600.0, 3 * 3600.0,
                                           6 * 3600.0, 12 * 3600.0)


async def queue_mail(to: str, template: str, context: dict[str, Any], *,
                     headers: dict[str, str] | None = None, key: str | None = None) -> Job:
    """A message to ``to`` from ``templates/email/<template>.txt`` (and ``.html``).
    ``key``: a stable key when the message must be queued at most once (a second is refused
    by the job table); it is also the Message-ID."""
    if not template_exists(template):
        raise ValueError(f"no mail template {template!r}")
    return await _queue({"to": to, "template": template, "context": context,
                         "headers": headers or {}}, key)


async def queue_nothing(key: str, size_like: int = 0) -> Job:
    """A mail job that sends nothing, sealed and padded like a real one (at least
    ``size_like`` characters before padding): for a batch whose number of jobs must not say
    who was left out (forum.mail.rounds)."""
    return await _queue({"nothing": "".ljust(size_like)}, key)


async def _queue(mail: dict[str, Any], key: str | None) -> Job:
    plain = json.dumps(mail)
    padded = plain.ljust(-(-len(plain) // PAD_TO) * PAD_TO)
    return await enqueue(KIND, {"sealed": sealing.seal(padded, PURPOSE)}, key=key,
                         max_attempts=len(RETRY_DELAYS_SECONDS) + 1)


def opened(job: Job) -> dict[str, Any]:
    text = sealing.unseal(str(job.payload.get("sealed", "")), PURPOSE)
    if text is None:
        raise GiveUp("this mail was sealed under another anonymity key")
    value: dict[str, Any] = json.loads(text)
    return value


async def _send(job: Job, settings: Settings) -> None:
    mail = opened(job)
    if "nothing" in mail:  # finishes after about as long as a send takes
        await asyncio.sleep(secrets.randbelow(NOTHING_PAUSE_MS) / 1000)
        return
    message = compose(settings, to=mail["to"], template=mail["template"],
                      context=mail["context"], message_id=job.key, headers=mail["headers"],
                      site_name=(await site_identity()).name)
    await deliver(message, settings)


register(Kind(KIND, _send, 60.0, lambda: RETRY_DELAYS_SECONDS))
