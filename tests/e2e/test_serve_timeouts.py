"""Slow and idle clients against a real `forum serve`, over real sockets.

One server for the module, on a SQLite file of its own, with deadlines made small through
the command's options: request headers 1 s, request body 1.5 s, idle keep-alive 1 s. Each
test opens raw TCP connections and watches when the server closes them. A deadline can never
fire early, so "not before the deadline" is exact; "soon after" allows a slack for a busy
machine.
"""

from __future__ import annotations

import asyncio
import http.client
import os
import socket
import subprocess
import time
from collections.abc import Iterator

import httpx
import pytest

from .conftest import REPO, LiveServer, _wait_until_ready, forum_command, free_port

pytestmark = [pytest.mark.multiprocess, pytest.mark.backend_independent]

HEADER_TIMEOUT_S = 1.0
BODY_TIMEOUT_S = 1.5
KEEP_ALIVE_S = 1
SLACK_S = 6.0  # how late a close may come on a machine shared with other work
HALF_OPEN_CONNECTIONS = 200
PARTIAL_HEADERS = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: slow"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    folder = tmp_path_factory.mktemp("serve-timeouts")
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("FORUM_")}
    env.update({
        "FORUM_DATABASE_URL": f"sqlite://{folder / 'forum.sqlite3'}",
        "FORUM_VAR_DIR": str(folder / "var"),
        "FORUM_SECRET_KEY": "timeouts-test-secret-key-not-for-production",
        "FORUM_BASE_URL": base_url,
        "FORUM_RATE_LIMITS": "off",
        "PYTHONUNBUFFERED": "1",
    })
    subprocess.run([*forum_command(), "migrate"], cwd=REPO, env=env, check=True,
                   capture_output=True, timeout=120)
    log_path = folder / "server.log"
    log_file = log_path.open("wb")
    process = subprocess.Popen(
        [*forum_command(), "serve", "--host", "127.0.0.1", "--port", str(port),
         "--timeout-request-headers", str(HEADER_TIMEOUT_S),
         "--timeout-request-body", str(BODY_TIMEOUT_S),
         "--timeout-keep-alive", str(KEEP_ALIVE_S)],
        cwd=REPO, env=env, stdin=subprocess.DEVNULL, stdout=log_file,
        stderr=subprocess.STDOUT, start_new_session=True)
    live = LiveServer(base_url, log_path, process, log_file)
    try:
        _wait_until_ready(live)
        yield live
    finally:
        live.stop()
    assert "Traceback" not in log_path.read_text(errors="replace"), log_path.read_text()


async def connect(server: LiveServer) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    port = int(server.base_url.rsplit(":", 1)[1])
    return await asyncio.open_connection("127.0.0.1", port)


async def read_until_closed(reader: asyncio.StreamReader, limit_s: float) -> bytes:
    """Everything the server sends until it closes the connection (TimeoutError if it
    keeps it open longer than ``limit_s``)."""
    async with asyncio.timeout(limit_s):
        return await reader.read()


async def closed_after(reader: asyncio.StreamReader, since: float) -> tuple[float, bytes]:
    try:
        answer = await read_until_closed(reader, HEADER_TIMEOUT_S + SLACK_S)
    except ConnectionResetError:
        answer = b""
    return time.monotonic() - since, answer


def normal_get(server: LiveServer) -> int:
    with httpx.Client(base_url=server.base_url, timeout=10) as client:
        return client.get("/").status_code


async def test_two_hundred_half_open_connections_are_closed_at_the_header_deadline(
        server: LiveServer) -> None:
    opened = []
    for _ in range(HALF_OPEN_CONNECTIONS):
        reader, writer = await connect(server)
        writer.write(PARTIAL_HEADERS)
        await writer.drain()
        opened.append((reader, writer, time.monotonic()))

    # While they hang there, a reader who sends a whole request is served.
    assert await asyncio.to_thread(normal_get, server) == 200

    results = await asyncio.gather(*(closed_after(r, t) for r, _, t in opened))
    for _, writer, _ in opened:
        writer.close()
    held = [elapsed for elapsed, _ in results]
    assert min(held) >= HEADER_TIMEOUT_S * 0.95, f"closed before the deadline: {min(held):.2f}s"
    assert max(held) <= HEADER_TIMEOUT_S + SLACK_S
    # A client that had begun a request is told why.
    assert {answer.split(b"\r\n", 1)[0] for _, answer in results} == {
        b"HTTP/1.1 408 Request Timeout"}


async def test_headers_trickled_a_byte_at_a_time_still_meet_the_deadline(
        server: LiveServer) -> None:
    reader, writer = await connect(server)
    started = time.monotonic()
    closed = False
    for byte in PARTIAL_HEADERS:
        if reader.at_eof() or writer.is_closing():
            break
        try:
            writer.write(bytes([byte]))
            await writer.drain()
        except ConnectionError:
            closed = True
            break
        try:
            async with asyncio.timeout(0.2):
                if await reader.read(1) == b"" or reader.at_eof():
                    closed = True
                    break
                closed = True  # the 408 began: the server gave up on us
                break
        except TimeoutError:
            continue
    writer.close()
    elapsed = time.monotonic() - started
    assert closed, "the server kept a trickling client past its header deadline"
    assert HEADER_TIMEOUT_S * 0.95 <= elapsed <= HEADER_TIMEOUT_S + SLACK_S


async def test_a_connection_that_sends_nothing_is_closed(server: LiveServer) -> None:
    reader, writer = await connect(server)
    elapsed, answer = await closed_after(reader, time.monotonic())
    writer.close()
    assert answer == b""  # nothing was asked, so nothing is answered
    assert HEADER_TIMEOUT_S * 0.95 <= elapsed <= HEADER_TIMEOUT_S + SLACK_S


def test_an_idle_keep_alive_connection_is_closed_after_serving_requests(
        server: LiveServer) -> None:
    port = int(server.base_url.rsplit(":", 1)[1])
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=KEEP_ALIVE_S + SLACK_S)
    try:
        for _ in range(2):  # the connection is kept alive between requests
            conn.request("GET", "/help")
            response = conn.getresponse()
            response.read()
            assert response.status == 200
            assert response.getheader("connection") != "close"
        sock = conn.sock
        assert sock is not None
        idle_since = time.monotonic()
        assert sock.recv(1) == b""  # the server closed it
        idle = time.monotonic() - idle_since
    finally:
        conn.close()
    assert KEEP_ALIVE_S * 0.95 <= idle <= KEEP_ALIVE_S + SLACK_S


def stalled_post(path: str, declared: int, sent: bytes) -> bytes:
    return (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {declared}\r\n\r\n").encode() + sent


async def test_a_stalled_body_gets_408_and_the_connection_closed(server: LiveServer) -> None:
    reader, writer = await connect(server)
    writer.write(stalled_post("/signin", 1000, b"username=wren&pass"))
    await writer.drain()
    sent_at = time.monotonic()
    answer = await read_until_closed(reader, BODY_TIMEOUT_S + SLACK_S)
    elapsed = time.monotonic() - sent_at
    writer.close()
    assert answer.startswith(b"HTTP/1.1 408 Request Timeout\r\n"), answer[:200]
    assert b"connection: close" in answer.lower()
    assert BODY_TIMEOUT_S * 0.95 <= elapsed <= BODY_TIMEOUT_S + SLACK_S


async def test_a_body_trickled_slowly_cannot_outlast_the_body_deadline(
        server: LiveServer) -> None:
    reader, writer = await connect(server)
    writer.write(stalled_post("/signin", 1000, b""))
    await writer.drain()
    started = time.monotonic()
    answer = b""
    while time.monotonic() - started < BODY_TIMEOUT_S + SLACK_S:
        try:
            writer.write(b"x")  # a byte every 0.2 s: never idle for long
            await writer.drain()
        except ConnectionError:
            break
        try:
            async with asyncio.timeout(0.2):
                answer = await reader.read()
            break
        except TimeoutError:
            continue
    elapsed = time.monotonic() - started
    writer.close()
    assert answer.startswith(b"HTTP/1.1 408 Request Timeout\r\n"), answer[:200]
    assert BODY_TIMEOUT_S * 0.95 <= elapsed <= BODY_TIMEOUT_S + SLACK_S


async def test_a_body_the_forum_never_reads_cannot_hold_the_connection(
        server: LiveServer) -> None:
    """The answer comes at once (a GET's body is never read); the rest, trickled so the
    connection is never idle, still cannot keep it open past the body deadline."""
    reader, writer = await connect(server)
    writer.write(stalled_post("/help", 1000, b"").replace(b"POST", b"GET", 1))
    await writer.drain()
    started = time.monotonic()
    answer = b""
    while time.monotonic() - started < BODY_TIMEOUT_S + SLACK_S:
        try:
            writer.write(b"x")
            await writer.drain()
        except ConnectionError:
            break
        try:
            async with asyncio.timeout(0.2):
                chunk = await reader.read(65536)
        except TimeoutError:
            continue
        if not chunk:
            break
        answer += chunk
    elapsed = time.monotonic() - started
    writer.close()
    assert answer.startswith(b"HTTP/1.1 200 OK\r\n"), answer[:200]
    assert BODY_TIMEOUT_S * 0.95 <= elapsed <= BODY_TIMEOUT_S + SLACK_S


async def test_oversized_headers_are_refused_with_431(server: LiveServer) -> None:
    reader, writer = await connect(server)
    writer.write(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: " + b"a" * 70_000)
    await writer.drain()
    answer = await read_until_closed(reader, SLACK_S)
    writer.close()
    assert answer.startswith(b"HTTP/1.1 431 Request Header Fields Too Large\r\n"), answer[:200]


def test_whole_requests_are_answered_normally(server: LiveServer) -> None:
    with httpx.Client(base_url=server.base_url, timeout=10) as client:
        assert client.get("/").status_code == 200
        page = client.get("/signin")
        assert page.status_code == 200
        # A complete form body, sent at once, reaches the forum (which answers it: no 408).
        refused = client.post("/signin", data={"username": "wren", "password": "x" * 12})
        assert refused.status_code not in (408, 500), refused.text[:300]


def test_serve_refuses_a_deadline_that_is_not_a_positive_number() -> None:
    result = subprocess.run([*forum_command(), "serve", "--timeout-request-headers", "0"],
                            cwd=REPO, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 2
    assert "'0' must be more than 0" in result.stderr
    assert "Traceback" not in result.stderr


def test_sockets_are_really_closed_by_the_server_not_the_client(server: LiveServer) -> None:
    """A blocking socket that sends half a request sees EOF from the server's side."""
    port = int(server.base_url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=HEADER_TIMEOUT_S + SLACK_S) as s:
        s.sendall(PARTIAL_HEADERS)
        answer = b""
        while chunk := s.recv(4096):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 408")


