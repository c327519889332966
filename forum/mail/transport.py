"""Handing a message to the world: SMTP (aiosmtplib) when FORUM_SMTP_URL is set, otherwise a
`.eml` file under FORUM_VAR_DIR/mail and a log line, so a forum with no mail server still
shows what it would have sent.

``smtp://user:pass@host:587`` speaks STARTTLS when the server offers it (required with a
password, so credentials never cross in the clear), ``smtps://…:465`` is TLS from the first
byte, ``smtp://host:25?starttls=off`` is plain (a relay; with a password only on this machine).
"""

from __future__ import annotations

import ipaddress
import logging
import os
import re
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import aiosmtplib

from forum.settings import Settings

log = logging.getLogger("forum.mail")
TIMEOUT_SECONDS = 30.0
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]")


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    username: str | None
    password: str | None
    tls: bool  # TLS from the first byte (smtps)
    starttls: bool | None  # None: if the server offers it; True: required; False: never


def parse_smtp_url(url: str) -> SmtpServer:
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ValueError("FORUM_SMTP_URL must look like smtp://user:pass@host:587 or "
                         "smtps://user:pass@host:465")
    tls = parts.scheme == "smtps"
    option = parse_qs(parts.query).get("starttls", [""])[0].lower()
    if option not in ("", "on", "off"):
        raise ValueError("FORUM_SMTP_URL: starttls must be on or off")
    password = unquote(parts.password) if parts.password is not None else None
    starttls: bool | None = None if not option else option == "on"
    if tls:
        starttls = False
    elif password is not None and starttls is None:
        starttls = True  # a password never goes over a plain connection
    elif password is not None and starttls is False and not _loopback(parts.hostname):
        raise ValueError("FORUM_SMTP_URL: a password needs TLS (smtps://) or STARTTLS, "
                         "unless the server is on this machine")
    return SmtpServer(host=parts.hostname, port=parts.port or (465 if tls else 587),
                      username=unquote(parts.username) if parts.username else None,
                      password=password, tls=tls, starttls=starttls)


def _loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def mail_dir(settings: Settings) -> Path:
    return settings.var_dir / "mail"


async def deliver(message: EmailMessage, settings: Settings) -> str:
    """Send one message; returns where it went. Raises on failure (the job retries)."""
    if settings.smtp_url is None:
        return _write_eml(message, settings)
    server = parse_smtp_url(settings.smtp_url.get_secret_value())
    await aiosmtplib.send(
        message, hostname=server.host, port=server.port, username=server.username,
        password=server.password, use_tls=server.tls, start_tls=server.starttls,
        timeout=TIMEOUT_SECONDS)
    return f"smtp://{server.host}:{server.port}"


def _write_eml(message: EmailMessage, settings: Settings) -> str:
    folder = mail_dir(settings)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    name = _SAFE_NAME.sub("_", str(message["Message-ID"]).strip("<>")) or "message"
    path = folder / f"{name}.eml"
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        out.write(message.as_bytes())
    log.info("no FORUM_SMTP_URL: wrote the message to %s", path)
    return str(path)
