"""A real SMTP server for the mail tests (aiosmtpd, on a free local port, in its own thread):
every message it accepts is kept, parsed, for the test to read."""

from __future__ import annotations

import email
import email.policy
import socket
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

USER, PASSWORD = "hearth", "mail-password-for-tests"


@dataclass
class Inbox:
    messages: list[EmailMessage] = field(default_factory=list)
    recipients: list[list[str]] = field(default_factory=list)
    logged_in: list[bool] = field(default_factory=list)  # whether each sender logged in
    refuse: int = 0  # answer this many messages with a temporary failure first

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.refuse > 0:
            self.refuse -= 1
            return "451 Try again later"
        content = envelope.original_content or b""
        parsed = email.message_from_bytes(content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        self.recipients.append(list(envelope.rcpt_tos))
        self.logged_in.append(bool(session.authenticated))
        return "250 OK"

    def wait_for(self, count: int, seconds: float = 10.0) -> list[EmailMessage]:
        deadline = time.monotonic() + seconds
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.messages

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if address in str(m["To"])]


def _authenticate(server: SMTP, session: Session, envelope: Envelope, mechanism: str,
                  auth_data: Any) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and (
        auth_data.login.decode(), auth_data.password.decode()) == (USER, PASSWORD)
    return AuthResult(success=ok)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def smtp_server(*, auth: bool = False) -> Iterator[tuple[Inbox, str]]:
    """(inbox, FORUM_SMTP_URL for it). With ``auth`` the server takes a login (over the
    plain local connection here: the test server has no certificate) and the URL has one."""
    inbox = Inbox()
    port = free_port()
    extra: dict[str, Any] = {"authenticator": _authenticate, "auth_require_tls": False} if (
        auth) else {}
    with warnings.catch_warnings():  # AUTH without TLS: a local test server has no certificate
        warnings.simplefilter("ignore", UserWarning)
        controller = Controller(inbox, hostname="127.0.0.1", port=port, **extra)
        controller.start()
    try:
        credentials = f"{USER}:{PASSWORD}@" if auth else ""
        yield inbox, f"smtp://{credentials}127.0.0.1:{port}?starttls=off"
    finally:
        controller.stop()
