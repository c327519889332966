"""An email outlives the server: a moderator opted in to urgent-post emails; an urgent post
is written to a real `forum serve`, whose first try at the email meets an SMTP server saying
"try again later"; every server process is killed (SIGKILL) while the email waits for its
retry; the server is started again and the SMTP server gets the email exactly once, with
the Message-ID of the try before the crash."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from forum.models.accounts import Role, User
from forum.models.content import Post
from forum.models.jobs import Job, JobStatus

from ..factories import make_user
from ..smtp import smtp_server
from .conftest import LiveServer
from .test_durable_alerts import gone_within, post_urgent_story

pytestmark = pytest.mark.multiprocess

ADDRESS = "mod_on_duty@example.org"


async def test_an_email_pending_when_every_server_process_is_killed_arrives_once(
        serve: Callable[..., LiveServer]) -> None:
    moderator = await make_user("mod_on_duty", role=Role.MODERATOR, email=ADDRESS)
    await User.filter(id=moderator.id).update(email_verified_at=datetime.now(UTC),
                                              mail_prefs={"urgent_post": "soon"})
    with smtp_server() as (inbox, url):
        inbox.refuse = 1  # the first try is told to come back later
        settings = {"FORUM_SMTP_URL": url}
        first = serve(workers=2, env=settings)
        story_id = post_urgent_story(first)
        for _ in range(400):  # the worker has recorded the failed try: the email is pending
            if await Job.filter(kind="email", status=JobStatus.PENDING, attempts=1).exists():
                break
            await asyncio.sleep(0.05)
        first.kill()
        assert gone_within(first, 10.0), "a server process outlived SIGKILL"
        [job] = await Job.filter(kind="email")
        assert (job.status, job.attempts) == (JobStatus.PENDING, 1), first.log()
        assert inbox.messages == []

        second = serve(workers=2, env=settings)
        messages = await asyncio.to_thread(inbox.wait_for, 1, 40.0)
        await asyncio.sleep(3.0)  # several polls of both workers: nothing more may arrive
        second.stop()
    assert len(messages) == 1, second.log()
    [message] = messages
    assert message["To"] == ADDRESS and job.key in str(message["Message-ID"])
    post = await Post.get(thread_id=story_id, is_story=True)
    assert f"/mod/posts/{post.id}" in str(message.get_body(("plain",)).get_content())
    assert "hearth_night" not in message.as_string()
    assert (await Job.get(id=job.id)).status is JobStatus.DONE
