"""Telling people of a new reply exactly once, even when the process dies at the commit.

The news is promised inside the reply's transaction (a job row: it exists exactly when the
reply does) and kept by the request right after the commit: the notes are written and the
job is taken off the table in one transaction. If the request never gets there (the process
died, the database went away for a moment), the job comes due after
``FALLBACK_SECONDS`` and a worker tells them instead. Whichever takes the job first tells:
the request deletes only a job still pending, a worker claims only a job still there.

So the fan-out (who follows, who was answered or mentioned, their choices, the notes) runs
outside the reply's transaction and its lock on the thread row; inside it there is one small
insert into the job table. The job names the post only, never a member.
"""

from __future__ import annotations

from tortoise.transactions import in_transaction

from forum.actions.community import announce_reply
from forum.anonymity import author_id_of
from forum.jobs.kinds import Kind, register
from forum.jobs.queue import enqueue
from forum.models.content import Post, Thread
from forum.models.jobs import Job, JobStatus
from forum.settings import Settings

KIND = "reply_news"
# The request tells at once; the job only matters if it could not. Long enough that a busy
# request is never overtaken by its own fallback.
FALLBACK_SECONDS = 60.0
RETRY_DELAYS_SECONDS: tuple[float, ...] = (10.0, 60.0, 300.0, 1800.0)
TIMEOUT_SECONDS = 30.0


def job_key(post_id: int) -> str:
    return f"reply-news:{post_id}"


async def promise(reply: Post) -> None:
    """Inside the reply's transaction, once the reply is published."""
    await enqueue(KIND, {"post_id": reply.id}, key=job_key(reply.id),
                  delay_seconds=FALLBACK_SECONDS, max_attempts=len(RETRY_DELAYS_SECONDS) + 1)


async def keep(reply: Post, thread: Thread, replier_id: int) -> bool:
    """After the commit: the notes, and the promise taken off the table, in one transaction.
    False when a worker had already taken the job (then it tells them)."""
    async with in_transaction():
        if not await Job.filter(key=job_key(reply.id), status=JobStatus.PENDING).delete():
            return False
        await announce_reply(reply, thread, replier_id)
    return True


async def _tell_late(job: Job, settings: Settings) -> None:
    """The worker's side: the request did not keep the promise."""
    post = await Post.get_or_none(id=int(job.payload["post_id"])).select_related(
        "thread", "author")
    if post is None:
        return  # deleted since (with its thread): nobody to tell of it
    async with in_transaction():
        await announce_reply(post, post.thread, author_id_of(post) or 0)


register(Kind(KIND, _tell_late, TIMEOUT_SECONDS, lambda: RETRY_DELAYS_SECONDS))
