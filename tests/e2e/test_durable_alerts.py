"""A crisis alert outlives the server: every `forum serve` process is killed (SIGKILL, as a
crash or the OOM killer would) while an urgent post's alert is still pending; the server is
started again and the webhook receiver gets the alert exactly once, with the same
idempotency key as the try before the crash."""

from __future__ import annotations

import asyncio
import json
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from forum.models.jobs import Job, JobStatus
from forum.models.safety import CrisisAlert

from .conftest import LiveServer

pytestmark = pytest.mark.multiprocess

URGENT = "I can't do this anymore. I want to kill myself tonight."
PASSWORD = "a gentle harbour at dusk"
WAIT_S = 30.0


@dataclass
class Delivery:
    key: str
    post_url: str
    status: int


class Receiver:
    """The outside world's webhook receiver: a real HTTP server answering with the statuses
    it is told, recording every request it gets; on ``host`` (an address of this machine)."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.deliveries: list[Delivery] = []
        self.statuses: list[int] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers.get("content-length", 0))))
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                receiver.deliveries.append(Delivery(
                    self.headers.get("Idempotency-Key", ""), body["post_url"], status))
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer((host, 0), Handler)
        self.url = f"http://{host}:{self.server.server_address[1]}/hook"
        # A short poll: shutdown() waits up to one poll interval (half a second by default).
        threading.Thread(target=self.server.serve_forever, args=(0.02,), daemon=True).start()

    def wait_for(self, count: int) -> None:
        deadline = time.monotonic() + WAIT_S
        while len(self.deliveries) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(self.deliveries) >= count, f"{len(self.deliveries)} deliveries arrived"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver()
    yield found
    found.close()


def post_urgent_story(server: LiveServer) -> int:
    with httpx.Client(base_url=server.base_url, timeout=30.0) as api:
        credentials = {"username": "hearth_night", "password": PASSWORD}
        assert api.post("/api/v1/accounts", json=credentials).status_code == 201
        token = api.post("/api/v1/tokens", json=credentials).json()["token"]
        posted = api.post("/api/v1/stories", headers={"Authorization": f"Bearer {token}"},
                          json={"category": "depression-anxiety", "title": "Tonight",
                                "body": URGENT})
        assert posted.status_code == 201, posted.text
        return int(posted.json()["id"])


def gone_within(server: LiveServer, seconds: float) -> bool:
    """Whether no process of the server's group is left (checked until ``seconds`` pass)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            os.killpg(server.process.pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


async def test_an_alert_pending_when_every_server_process_is_killed_arrives_once(
        serve: Callable[..., LiveServer], receiver: Receiver) -> None:
    settings = {"FORUM_CRISIS_WEBHOOK_URL": receiver.url}
    receiver.statuses = [503]  # the first try fails: the alert waits for its retry
    first = serve(workers=2, env=settings)
    story_id = post_urgent_story(first)
    receiver.wait_for(1)
    for _ in range(200):  # the worker has recorded the failed try: the alert is pending
        if await Job.filter(kind="crisis_alert", status=JobStatus.PENDING).exists():
            break
        await asyncio.sleep(0.05)
    first.kill()
    assert gone_within(first, 10.0), "a server process outlived SIGKILL"

    [job] = await Job.filter(kind="crisis_alert")
    assert (job.status, job.attempts) == (JobStatus.PENDING, 1)
    assert receiver.deliveries[0].status == 503

    second = serve(workers=2, env=settings)
    receiver.wait_for(2)
    await asyncio.sleep(3.0)  # several polls of both workers: nothing more may arrive
    second.stop()
    assert len(receiver.deliveries) == 2, receiver.deliveries
    tried, delivered = receiver.deliveries
    assert delivered.status == 200 and delivered.post_url.endswith(f"/posts/{story_id}")
    assert delivered.key == tried.key == job.key and len(job.key) == 32
    assert (await Job.get(id=job.id)).status is JobStatus.DONE
    alert = await CrisisAlert.get(job_id=job.id)
    assert (alert.status, alert.attempts) == ("delivered", 2)
