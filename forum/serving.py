"""How `forum serve` holds connections: uvicorn with deadlines for slow clients.

uvicorn 0.54 closes an idle keep-alive connection (``timeout_keep_alive``) and refuses work
past ``limit_concurrency``, but it has no deadline for a request's line and headers, none
for its body, and none at all for a connection that opens and sends nothing: measured,
1,500 half-open connections stayed open for as long as their clients liked, each holding a
file descriptor and a place in the concurrency count. :class:`DeadlineProtocol` is uvicorn's
httptools protocol with those deadlines added:

- the request line and headers must arrive within ``request_header_timeout`` seconds of the
  connection opening (or of the request's first byte on a kept-alive connection), and be at
  most ``MAX_HEADER_BYTES`` long; otherwise the connection is closed (with a 408 or 431 when
  the client had started a request);
- a request's body must arrive within ``request_body_timeout`` seconds of its headers; a
  body still incomplete then gets a 408 and the connection is closed (or only closed, when
  the forum had already answered without waiting for the body).

The limits travel to uvicorn's worker processes inside :class:`ForumConfig`, which the
supervisor pickles for each of them.
"""

from __future__ import annotations

import asyncio
from asyncio import TimerHandle
from dataclasses import dataclass
from typing import Any

from uvicorn import Config, Server
from uvicorn._types import ASGIReceiveCallable, ASGISendCallable, Scope
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol, RequestResponseCycle
from uvicorn.supervisors import Multiprocess

APP = "forum.asgi:app"
MAX_HEADER_BYTES = 64 * 1024
# Kept in a request's scope: the task running it, and whether its body ran out of time.
REQUEST_TASK = "forum.request_task"
BODY_TIMED_OUT = "forum.body_timed_out"
STARTUP_FAILURE = 3



@dataclass(frozen=True)
class ConnectionLimits:
    """What one `forum serve` process allows each connection (seconds, counts)."""

    keep_alive_timeout: int = 5
    request_header_timeout: float = 10.0
    request_body_timeout: float = 30.0
    limit_concurrency: int = 1000
    backlog: int = 2048
    graceful_shutdown_timeout: int = 20


DEFAULT_LIMITS = ConnectionLimits()


class ForumConfig(Config):
    """uvicorn's configuration plus the deadlines :class:`DeadlineProtocol` reads."""

    def __init__(self, app: str, limits: ConnectionLimits, **kwargs: Any) -> None:
        super().__init__(
            app,
            http=DeadlineProtocol,
            loop="uvloop",
            timeout_keep_alive=limits.keep_alive_timeout,
            limit_concurrency=limits.limit_concurrency,
            backlog=limits.backlog,
            timeout_graceful_shutdown=limits.graceful_shutdown_timeout,
            **kwargs,
        )
        self.limits = limits

    def load(self) -> None:
        super().load()
        self.loaded_app = QuietAfterBodyTimeout(self.loaded_app)


class QuietAfterBodyTimeout:
    """The outermost ASGI layer: lets a request whose body ran out of time be stopped quietly.

    It notes the task running each request in its scope, so that :class:`DeadlineProtocol`
    can cancel it once the 408 is written; the cancellation then ends here, unlogged (the
    request was answered; nothing in it can have acted on a body it never received).
    """

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: ASGIReceiveCallable,
                       send: ASGISendCallable) -> None:
        if scope["type"] == "http":
            scope[REQUEST_TASK] = asyncio.current_task()  # type: ignore[literal-required]
        try:
            await self.app(scope, receive, send)
        except (Exception, asyncio.CancelledError):
            if not scope.get(BODY_TIMED_OUT):
                raise
            task = asyncio.current_task()
            if task is not None:
                task.uncancel()


def _plain_response(status: bytes, text: bytes) -> bytes:
    return b"".join([
        b"HTTP/1.1 ", status, b"\r\ncontent-type: text/plain; charset=utf-8\r\n",
        b"content-length: ", str(len(text)).encode(), b"\r\nconnection: close\r\n\r\n", text])


REQUEST_TIMEOUT = _plain_response(
    b"408 Request Timeout", b"The request took too long to arrive; please send it again.\n")
HEADERS_TOO_LARGE = _plain_response(
    b"431 Request Header Fields Too Large", b"The request's headers are too large.\n")


class DeadlineProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with deadlines for headers and bodies (module doc)."""

    def __init__(self, config: Config, *args: Any, **kwargs: Any) -> None:
        super().__init__(config, *args, **kwargs)
        limits = getattr(config, "limits", DEFAULT_LIMITS)
        self.header_timeout = limits.request_header_timeout
        self.body_timeout = limits.request_body_timeout
        self._header_deadline: TimerHandle | None = None
        self._body_deadline: TimerHandle | None = None
        self._awaiting_headers = True
        self._header_bytes = 0

    # The header deadline: from the connection's start, then from each request's first byte.

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_header_deadline()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._awaiting_headers = True
        if self._header_deadline is None:
            self._arm_header_deadline()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self._awaiting_headers and not self.transport.is_closing():
            # Everything fed while the headers are still incomplete was request line and
            # headers (httptools keeps no limit of its own).
            self._header_bytes += len(data)
            if self._header_bytes > MAX_HEADER_BYTES:
                self._refuse(HEADERS_TOO_LARGE)

    def on_headers_complete(self) -> None:
        self._awaiting_headers = False
        self._header_bytes = 0
        self._cancel_header_deadline()
        super().on_headers_complete()
        if self.cycle is not None and self.cycle.scope is self.scope and self._has_body():
            self._body_deadline = self.loop.call_later(
                self.body_timeout, self._body_timed_out, self.cycle)

    def on_message_complete(self) -> None:
        self._cancel_body_deadline()
        super().on_message_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_header_deadline()
        self._cancel_body_deadline()
        super().connection_lost(exc)

    def _has_body(self) -> bool:
        for name, value in self.headers:
            if name == b"transfer-encoding" or (name == b"content-length" and value.strip()
                                                not in (b"0", b"")):
                return True
        return False

    def _arm_header_deadline(self, *, keep_count: bool = False) -> None:
        if not keep_count:
            self._header_bytes = 0
        self._header_deadline = self.loop.call_later(self.header_timeout,
                                                     self._headers_timed_out)

    def _cancel_header_deadline(self) -> None:
        if self._header_deadline is not None:
            self._header_deadline.cancel()
            self._header_deadline = None

    def _cancel_body_deadline(self) -> None:
        if self._body_deadline is not None:
            self._body_deadline.cancel()
            self._body_deadline = None

    def _headers_timed_out(self) -> None:
        self._header_deadline = None
        if self.transport.is_closing():
            return
        if self.cycle is not None and not self.cycle.response_complete:
            # The next request's head arrived in part while the forum still answers the
            # one before (the delay may be ours): it gets another full period.
            self._arm_header_deadline(keep_count=True)
        elif self._header_bytes:
            self._refuse(REQUEST_TIMEOUT)
        else:
            self.transport.close()

    def _body_timed_out(self, cycle: RequestResponseCycle) -> None:
        self._body_deadline = None
        if self.transport.is_closing():
            return
        if any(waiting is cycle for waiting, _ in self.pipeline):
            # A pipelined request whose body uvicorn stopped reading until the requests
            # before it are answered: its time has not begun.
            self._body_deadline = self.loop.call_later(
                self.body_timeout, self._body_timed_out, cycle)
            return
        # Nothing the request's handler sends from now on reaches the wire.
        cycle.disconnected = True
        if not cycle.response_started:
            cycle.scope[BODY_TIMED_OUT] = True  # type: ignore[literal-required]
            self.transport.write(REQUEST_TIMEOUT)
            task = cycle.scope.get(REQUEST_TASK)
            if isinstance(task, asyncio.Task):
                task.cancel()
        cycle.message_event.set()
        self.transport.close()

    def _refuse(self, response: bytes) -> None:
        self._cancel_header_deadline()
        self.transport.write(response)
        self.transport.close()


def serve(limits: ConnectionLimits, *, host: str, port: int, workers: int,
          access_log: bool) -> int:
    """Run the forum until it is stopped (as `uvicorn.run` does, with :class:`ForumConfig`)."""
    config = ForumConfig(APP, limits, host=host, port=port, workers=workers,
                         proxy_headers=False, access_log=access_log, server_header=False)
    server = Server(config=config)
    try:
        if config.workers > 1:
            Multiprocess(config, sockets=[config.bind_socket()]).run()
        else:
            config.load_app()
            server.run()
    except KeyboardInterrupt:
        pass
    if config.workers == 1 and not server.started:
        return STARTUP_FAILURE
    return 0

