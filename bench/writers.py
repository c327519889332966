"""Many members replying to one story at once, through the API of a running server.

    .venv/bin/python bench/writers.py --base http://127.0.0.1:8000 \\
        --database-url sqlite://bench/var/writes.sqlite3 --thread 123 [--writers 50]
        [--duration 15] [--warmup 3] [--followers 20] [--server-pid PID] [--results DIR]

Before the run, straight in the database: the first ``--writers`` members (in the seeded
forum those who wrote most, long-standing: nothing waits for a moderator) get an API token, and
``--followers`` others follow the story, so every reply tells the story's author and the
followers (the notifications' fan-out is part of what is measured).

During the run each writer sends replies one after another (``POST
/api/v1/stories/<thread>/replies`` with an ``Idempotency-Key``) for ``--warmup`` seconds
(not counted) and then ``--duration`` seconds. Every answer is recorded: 201 with the new
post's id is an acknowledged reply; anything else, or no answer, is an error.

After it, the database is asked whether nothing was lost: every acknowledged reply is there,
published, with the words sent; no reply is there that was not acknowledged (unless its
request failed, when either outcome is honest); the story's ``reply_count`` grew by exactly
the replies written and equals its published replies counted afresh; each reply told the
story's author and every follower.

Printed (and written to ``--results``/``writes-<db>.json``): replies/s, p50/p90/p99/max
latency, errors, the checks, the server's CPU per reply (``--server-pid``: uvicorn's
supervisor; its worker processes are read from /proc), this client's CPU per reply, and the
cores used by everything else meanwhile (interference). On PostgreSQL, also how many
backends were waiting on a lock, sampled every 50 ms (the thread row's lock is the hot spot).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import statistics
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR.parent))

REPLY_WORDS = ("Thank you for writing this. I read it twice and it helped me more than "
               "I can say. Last winter I was exactly where you are, and what got me "
               "through was one small thing at a time: water, a walk, one text to a friend. "
               "You are not alone here.")


@dataclass
class Outcome:
    started: float
    seconds: float
    status: int  # 0: no answer
    post_id: int | None
    body: str
    counted: bool


@dataclass
class Run:
    outcomes: list[Outcome] = field(default_factory=list)
    lock_waits: list[int] = field(default_factory=list)


# --- before: tokens and followers, straight in the database ------------------------------

async def prepare(database_url: str, thread_id: int, writers: int,
                  followers: int) -> tuple[list[str], int, int]:
    """API tokens for the writers; followers for the story. Returns (tokens, the story's
    reply_count now, the story author's id or 0)."""
    from tortoise import Tortoise

    from forum.db import tortoise_config
    from forum.models.accounts import SessionKind, User
    from forum.models.community import Follow
    from forum.models.content import Post, Thread
    from forum.sessions import start_session

    await Tortoise.init(tortoise_config(database_url))
    try:
        story = await Post.get(thread_id=thread_id, is_story=True)
        author_id = story.author_id or 0
        busiest = await User.filter(id__not=author_id).order_by("id").limit(
            writers + followers)
        if len(busiest) < writers + followers:
            raise SystemExit(f"the database has fewer than {writers + followers} members")
        tokens = [await start_session(u, SessionKind.API) for u in busiest[:writers]]
        for user in busiest[writers:]:
            await Follow.get_or_create(thread_id=thread_id, user_id=user.id)
        if author_id:
            await Follow.get_or_create(thread_id=thread_id, user_id=author_id)
        thread = await Thread.get(id=thread_id)
        return tokens, thread.reply_count, author_id
    finally:
        await asyncio.wait_for(Tortoise.close_connections(), 10)


# --- during: the writers -----------------------------------------------------------------

async def writer(client: httpx.AsyncClient, url: str, token: str, n: int, run: Run,
                 warm_until: float, stop_at: float, tag: str) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    i = 0
    while (now := time.perf_counter()) < stop_at:
        i += 1
        body = f"{REPLY_WORDS} [{tag} w{n} r{i}]"
        headers["Idempotency-Key"] = uuid.uuid4().hex
        status, post_id = 0, None
        try:
            response = await client.post(url, json={"body": body}, headers=headers)
            status = response.status_code
            if status == 201:
                post_id = int(response.json()["id"])
        except (httpx.HTTPError, ValueError, KeyError):
            pass
        run.outcomes.append(Outcome(now, time.perf_counter() - now, status, post_id, body,
                                    counted=now >= warm_until))


async def sample_lock_waits(database_url: str, run: Run, stop_at: float) -> None:
    import asyncpg

    conn = await asyncpg.connect(database_url.replace("postgres://", "postgresql://", 1))
    try:
        while time.perf_counter() < stop_at:
            run.lock_waits.append(int(await conn.fetchval(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                "AND datname = current_database()")))
            await asyncio.sleep(0.05)
    finally:
        await conn.close()


async def load(base: str, database_url: str, thread_id: int, tokens: list[str],
               warmup: float, duration: float, tag: str) -> Run:
    run = Run()
    url = f"{base}/api/v1/stories/{thread_id}/replies"
    limits = httpx.Limits(max_connections=len(tokens), max_keepalive_connections=len(tokens))
    async with httpx.AsyncClient(limits=limits, timeout=60.0) as client:
        start = time.perf_counter()
        warm_until, stop_at = start + warmup, start + warmup + duration
        tasks = [writer(client, url, t, n, run, warm_until, stop_at, tag)
                 for n, t in enumerate(tokens)]
        if database_url.startswith("postgres"):
            tasks.append(sample_lock_waits(database_url, run, stop_at))
        await asyncio.gather(*tasks)
    return run


# --- after: was anything lost? -----------------------------------------------------------

async def check(database_url: str, thread_id: int, run: Run, count_before: int,
                author_id: int, tag: str) -> dict[str, Any]:
    from tortoise import Tortoise

    from forum.db import tortoise_config
    from forum.models.community import Follow
    from forum.models.content import Post, PostStatus, Thread
    from forum.models.notifications import Notification

    await Tortoise.init(tortoise_config(database_url))
    try:
        acked = {o.post_id: o.body for o in run.outcomes if o.post_id is not None}
        failed_bodies = {o.body for o in run.outcomes if o.post_id is None}
        rows = {p.id: p for p in await Post.filter(
            thread_id=thread_id, body_md__contains=f"[{tag} ")}
        missing = [i for i in acked if i not in rows]
        wrong = [i for i, body in acked.items() if i in rows and (
            rows[i].body_md != body or rows[i].status != PostStatus.PUBLISHED)]
        unacked = [p.id for p in rows.values()
                   if p.id not in acked and p.body_md not in failed_bodies]
        thread = await Thread.get(id=thread_id)
        published = await Post.filter(thread_id=thread_id, is_story=False,
                                      status=PostStatus.PUBLISHED).count()
        followers = set(await Follow.filter(thread_id=thread_id).values_list(
            "user_id", flat=True))
        links = [f"/posts/{i}" for i in acked]
        told = await Notification.filter(link__in=links).count() if links else 0
        writers_told = await Notification.filter(
            link__in=links, user_id__in=[p.author_id for p in rows.values()]).count() \
            if links else 0
        # Each reply tells the story's author and every follower but its own writer.
        expected_told = sum(len((followers | ({author_id} if author_id else set()))
                                - {rows[i].author_id}) for i in acked if i in rows)
        return {
            "acknowledged": len(acked),
            "in_database": len(rows),
            "missing": len(missing),
            "changed_or_not_published": len(wrong),
            "there_but_not_acknowledged": len(unacked),
            "reply_count_grew_by": thread.reply_count - count_before,
            "reply_count": thread.reply_count,
            "published_replies_counted": published,
            "notifications": told,
            "notifications_expected": expected_told,
            "notifications_to_writers_themselves": writers_told,
        }
    finally:
        await asyncio.wait_for(Tortoise.close_connections(), 10)


# --- CPU ---------------------------------------------------------------------------------

def worker_pids(server_pid: int | None) -> list[int]:
    if not server_pid:
        return []
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdecimal():
            continue
        try:
            stat = (entry / "stat").read_text()
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            cmdline = (entry / "cmdline").read_bytes()
        except (OSError, ValueError, IndexError):
            continue
        if parent == server_pid and b"spawn_main" in cmdline:
            pids.append(int(entry.name))
    return pids or [server_pid]


def cpu_ticks(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total


def machine_ticks() -> int:
    f = Path("/proc/stat").read_text().split("\n", 1)[0].split()
    return sum(int(f[i]) for i in (1, 2, 3, 6, 7, 8))


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base", required=True)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--thread", type=int, required=True)
    parser.add_argument("--writers", type=int, default=50)
    parser.add_argument("--followers", type=int, default=20)
    parser.add_argument("--duration", type=float, default=15.0)
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--server-pid", type=int, default=None)
    parser.add_argument("--label", default="")
    parser.add_argument("--results", type=Path, default=None)
    args = parser.parse_args()

    tokens, count_before, author_id = asyncio.run(
        prepare(args.database_url, args.thread, args.writers, args.followers))
    tag = f"hot-{uuid.uuid4().hex[:8]}"
    pids = worker_pids(args.server_pid)
    hz = os.sysconf("SC_CLK_TCK")
    server_before, machine_before = cpu_ticks(pids), machine_ticks()
    client_before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    run = asyncio.run(load(args.base, args.database_url, args.thread, tokens,
                           args.warmup, args.duration, tag))
    wall = time.perf_counter() - started
    server_after, machine_after = cpu_ticks(pids), machine_ticks()
    client_after = resource.getrusage(resource.RUSAGE_SELF)
    checks = asyncio.run(check(args.database_url, args.thread, run, count_before,
                               author_id, tag))

    counted = [o for o in run.outcomes if o.counted]
    ok = [o for o in counted if o.post_id is not None]
    latencies = [o.seconds * 1000 for o in counted]
    server_s = (server_after - server_before) / hz
    client_s = (client_after.ru_utime + client_after.ru_stime
                - client_before.ru_utime - client_before.ru_stime)
    machine_s = (machine_after - machine_before) / hz
    all_requests = len(run.outcomes)
    result = {
        "database": args.label or args.database_url.split(":", 1)[0],
        "writers": args.writers,
        "followers": args.followers,
        "duration_s": args.duration,
        "replies_per_s": round(len(ok) / args.duration, 1),
        "p50_ms": round(percentile(latencies, 50), 1),
        "p90_ms": round(percentile(latencies, 90), 1),
        "p99_ms": round(percentile(latencies, 99), 1),
        "max_ms": round(max(latencies, default=0.0), 1),
        "errors": len(counted) - len(ok),
        "errors_in_warmup": len(run.outcomes) - len(counted) - sum(
            1 for o in run.outcomes if not o.counted and o.post_id is not None),
        "statuses": dict(sorted({str(o.status): sum(1 for x in counted if x.status == o.status)
                                 for o in counted}.items())),
        "server_cpu_ms_per_reply": round(server_s * 1000 / max(1, all_requests), 2),
        "client_cpu_ms_per_reply": round(client_s * 1000 / max(1, all_requests), 2),
        "cores": {"server": round(server_s / wall, 2), "client": round(client_s / wall, 2),
                  "other": round(max(0.0, machine_s - server_s - client_s) / wall, 2)},
        "lock_waiting_backends_mean": (round(statistics.mean(run.lock_waits), 1)
                                       if run.lock_waits else None),
        "lock_waiting_backends_max": max(run.lock_waits) if run.lock_waits else None,
        **checks,
    }
    result["nothing_lost"] = (checks["missing"] == 0 and checks["changed_or_not_published"] == 0
                              and checks["there_but_not_acknowledged"] == 0
                              and checks["reply_count"] == checks["published_replies_counted"]
                              and checks["reply_count_grew_by"] == checks["in_database"]
                              and checks["notifications"] == checks["notifications_expected"]
                              and checks["notifications_to_writers_themselves"] == 0)
    line = json.dumps(result)
    if args.results:
        args.results.mkdir(parents=True, exist_ok=True)
        (args.results / f"writes-{result['database']}.json").write_text(line + "\n")
    print(f"{result['database']}: {result['replies_per_s']} replies/s, p50 "
          f"{result['p50_ms']} ms, p99 {result['p99_ms']} ms, {result['errors']} errors, "
          f"nothing lost: {result['nothing_lost']}; server CPU "
          f"{result['server_cpu_ms_per_reply']} ms/reply, cores {result['cores']}",
          file=sys.stderr)
    print(line)
    return 0 if result["nothing_lost"] and result["errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
