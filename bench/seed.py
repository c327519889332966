"""Seed a large, realistic forum into a fresh SQLite database for `make bench`.

    .venv/bin/python bench/seed.py [--posts 100000] [--threads 2000] [--db PATH] [--force]
    .venv/bin/python bench/seed.py --database-url postgres://postgres@127.0.0.1:5432/hearth_bench

The schema comes from the real migrations (`forum migrate` runs on the new file, which also
loads the six categories); the rows are then written with the stdlib ``sqlite3`` module,
``executemany`` and one transaction (PostgreSQL: a new database, ``COPY`` through asyncpg,
bench/pg.py). Bodies are Markdown of realistic length (stories
2–8 KB, replies 200–1500 characters), rendered with ``forum.markup.render_markdown`` once per
distinct body (a pool of bodies is shared by all rows). Timestamps spread over six months;
post ids follow time, as in a real forum, so a thread's replies are scattered over the table.

Re-running with the same sizes reuses the database when it is intact (``--force`` re-seeds);
see ``fingerprint()`` for what "the same" means. The chosen pages to benchmark (a story
whose first page has exactly 50 replies, a category) are written next to the database in
``<db>.json`` and printed on the last line.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Protocol

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
DEFAULT_DB = BENCH_DIR / "var" / "bench.sqlite3"
FORUM = REPO / ".venv" / "bin" / "forum"
GENERATOR_VERSION = 1
REPLIES_ON_FIRST_PAGE = 50  # forum.queries.content.REPLIES_PER_PAGE

# --- text --------------------------------------------------------------------------------

SENTENCES = [
    "I've been reading here for months without ever posting anything myself.",
    "Today I finally decided to write it all down, even the parts I'm ashamed of.",
    "Some mornings the hardest thing is just getting my feet onto the floor.",
    "My sister keeps telling me it gets easier, and some days I almost believe her.",
    "I made the phone call I had been putting off since spring.",
    "There is a particular kind of tired that sleep does not fix.",
    "The kids were asleep by eight, and I sat in the car in the driveway for an hour.",
    "I counted the days again this morning: one hundred and twelve.",
    "Nobody at work knows, and most days I want to keep it that way.",
    "My therapist asked what I would say to a friend in my place, and I had no answer.",
    "It's strange how a song in the supermarket can undo a whole week of progress.",
    "I keep waiting for the moment when I'll feel like a grown-up who has it together.",
    "We argued about the same thing we always argue about, and then we both apologised.",
    "I walked around the block twice before I could go back inside.",
    "Last year I wouldn't have been able to write this post at all.",
    "The meeting on Thursday was the first one where I said something out loud.",
    "My mom still sets a place for him at the table on Sundays.",
    "Small things help: a glass of water, opening the window, texting one person.",
    "I am trying to be as patient with myself as I am with my kids.",
    "Some of you wrote to me last time, and I read your replies more than once.",
    "The doctor changed my dose, and the first two weeks were rough.",
    "I don't really know what I'm asking for, maybe just to be heard.",
    "When the anxiety hits, my chest gets tight and everything feels far away.",
    "I found an old photo in a coat pocket and had to sit down on the stairs.",
    "We are learning to talk about money without it turning into a fight.",
    "I keep a list on my phone of things that went right today.",
    "My son asked me why I cry in the shower, and I didn't know what to tell him.",
    "Three years ago I could not have imagined being where I am now.",
    "It helps to know other people have felt exactly this.",
    "I went to bed early, which counts as self-care, I've decided.",
    "The holidays are coming and I'm already bracing for them.",
    "My friend drove two hours just to sit with me, and we barely talked.",
    "I used to think asking for help was a kind of failure.",
    "Grief comes in waves, and this week the water is high.",
    "I slipped last weekend, and I'm telling you because secrets are what keep me sick.",
    "Today was a good day, and I want to remember that good days happen.",
]
REPLY_OPENERS = [
    "Thank you for sharing this.", "I hear you.", "This could have been written by me.",
    "Sending you so much warmth.", "You are not alone in this.", "I'm so glad you posted.",
    "Reading this made me tear up.", "That took real courage.", "Big hug if you want one.",
]
TITLE_START = [
    "When", "Why", "How", "Still", "Finally", "After", "Before", "Learning", "Trying",
    "Today", "Again", "On", "About", "Waiting for",
]
TITLE_REST = [
    "the mom guilt is earned", "I made the call", "the house is quiet", "day 100",
    "the holidays come back", "my father's birthday", "nobody noticed", "I said it out loud",
    "the new medication", "the first year without her", "I relapsed", "we stopped fighting",
    "I asked for help", "the panic attack at work", "bedtime is the hardest",
    "my daughter asked", "small wins this week", "the anniversary", "moving out",
]
LINKS = [
    "https://988lifeline.org/", "https://www.samaritans.org/", "https://www.aa.org/",
    "https://www.nami.org/", "https://www.mind.org.uk/",
]


def paragraph(rng: random.Random, sentences: int) -> str:
    words = rng.sample(SENTENCES, sentences)
    if rng.random() < 0.3:
        i = rng.randrange(len(words))
        words[i] = f"*{words[i]}*" if rng.random() < 0.5 else f"**{words[i]}**"
    return " ".join(words)


def markdown_body(rng: random.Random, target: int, *, story: bool) -> str:
    """Markdown of about ``target`` characters: paragraphs, some emphasis, lists, quotes."""
    parts: list[str] = []
    if not story:
        parts.append(rng.choice(REPLY_OPENERS))
    size = sum(len(p) for p in parts)
    while size < target:
        roll = rng.random()
        if story and roll < 0.06:
            block = "## " + rng.choice(TITLE_REST).capitalize()
        elif roll < 0.12:
            block = "\n".join(f"- {s}" for s in rng.sample(SENTENCES, rng.randint(2, 4)))
        elif roll < 0.17:
            block = "> " + rng.choice(SENTENCES)
        elif roll < 0.20:
            block = f"Something that helped me: [this page]({rng.choice(LINKS)})."
        else:
            block = paragraph(rng, rng.randint(2, 5) if story else rng.randint(1, 3))
        parts.append(block)
        size += len(block) + 2
    text = "\n\n".join(parts)
    return text[: max(target, 200)].rstrip() if not story else text


def render_pool(bodies: list[str]) -> list[str]:
    """Render each distinct body once; uses every core (rendering dominates seeding time)."""
    from forum.markup import render_markdown

    workers = min(os.cpu_count() or 1, 4)
    if workers < 2 or len(bodies) < 200:
        return [render_markdown(b) for b in bodies]
    import multiprocessing

    with multiprocessing.get_context("fork").Pool(workers) as pool:
        return pool.map(render_markdown, bodies, chunksize=64)


# --- the database ------------------------------------------------------------------------


def fingerprint(args: argparse.Namespace) -> str:
    """What the database depends on: sizes, seed, this file and the migrations."""
    h = hashlib.sha256()
    h.update(f"{GENERATOR_VERSION}:{args.posts}:{args.threads}:{args.users}:{args.seed}:"
             f"{args.analyze}".encode())
    for path in [Path(__file__), *sorted((REPO / "migrations").glob("*.py"))]:
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def reusable(db: Path, meta_path: Path, print_: str) -> dict | None:
    if not (db.exists() and meta_path.exists()):
        return None
    try:
        meta = json.loads(meta_path.read_text())
        if meta.get("fingerprint") != print_:
            return None
        with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
            (posts,) = conn.execute("SELECT count(*) FROM posts").fetchone()
        return meta if posts == meta["posts"] else None
    except (OSError, ValueError, KeyError, sqlite3.Error):
        return None


def run_migrate(database_url: str, var_dir: Path) -> None:
    env = dict(os.environ,
               FORUM_DATABASE_URL=database_url,
               FORUM_VAR_DIR=str(var_dir),
               FORUM_PASSWORD_HASHING="fast")
    subprocess.run([str(FORUM), "migrate"], check=True, env=env, cwd=REPO,
                   stdout=subprocess.DEVNULL)


def ts(moment: datetime) -> str:
    """Tortoise's SQLite form: '2026-05-01 12:34:56.123456+00:00'."""
    return moment.isoformat(sep=" ", timespec="microseconds")


class Target(Protocol):
    """Where the rows go: a SQLite file, or a PostgreSQL database (bench/pg.py)."""

    def migrate(self) -> None: ...
    def category_ids(self) -> list[int]: ...
    def insert(self, users: list[tuple], threads: list[tuple], posts: list[tuple], *,
               analyze: bool) -> None: ...
    def bench_pages(self, thread_id: int) -> tuple[str, int]: ...
    def size_mib(self) -> float: ...


USER_COLUMNS = ("id", "username", "username_key", "skeleton", "display_name", "bio",
                "password_hash", "role", "expand_warnings", "created_at")
THREAD_COLUMNS = ("id", "title", "content_warnings", "content_warning_note", "is_locked",
                  "is_pinned", "reply_count", "created_at", "last_post_at", "category_id")
POST_COLUMNS = ("id", "is_story", "body_md", "body_html", "status", "submission_key",
                "created_at", "edited_at", "author_id", "reply_to_id", "thread_id")
BIGGEST_CATEGORY = ("SELECT c.slug FROM categories c JOIN threads t ON t.category_id = c.id"
                    " GROUP BY c.id, c.slug ORDER BY count(*) DESC, c.id LIMIT 1")


def _sqlite_values(rows: list[tuple]) -> list[tuple]:
    """datetimes as Tortoise writes them to SQLite, booleans as 0/1."""
    return [tuple(ts(v) if isinstance(v, datetime) else int(v) if isinstance(v, bool) else v
                  for v in row) for row in rows]


def _insert_sql(table: str, columns: tuple[str, ...]) -> str:
    return (f"INSERT INTO {table} ({', '.join(columns)})"
            f" VALUES ({', '.join('?' * len(columns))})")


@dataclass
class SqliteTarget:
    db: Path

    def migrate(self) -> None:
        run_migrate(f"sqlite://{self.db}", self.db.parent)

    def category_ids(self) -> list[int]:
        with closing(sqlite3.connect(self.db)) as conn:
            return [row[0] for row in conn.execute("SELECT id FROM categories ORDER BY id")]

    def insert(self, users: list[tuple], threads: list[tuple], posts: list[tuple], *,
               analyze: bool) -> None:
        conn = sqlite3.connect(self.db, isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode=DELETE")  # one big write, no WAL copy...
            conn.execute("PRAGMA synchronous=OFF")
            conn.execute("PRAGMA cache_size=-262144")  # 256 MiB: the indexes stay in memory
            # The search index (forum migration 0013) would be updated row by row by a
            # trigger; for a bulk load it is far cheaper to set it aside and rebuild once.
            search_trigger = conn.execute(
                "SELECT sql FROM sqlite_master WHERE type='trigger'"
                " AND name='post_search_insert'").fetchone()
            conn.execute("BEGIN")
            if search_trigger:
                conn.execute("DROP TRIGGER post_search_insert")
            conn.executemany(_insert_sql("users", USER_COLUMNS), _sqlite_values(users))
            conn.executemany(_insert_sql("threads", THREAD_COLUMNS), _sqlite_values(threads))
            for start in range(0, len(posts), 100_000):
                conn.executemany(_insert_sql("posts", POST_COLUMNS),
                                 _sqlite_values(posts[start:start + 100_000]))
            if search_trigger:
                conn.execute("INSERT INTO post_search(post_search) VALUES('rebuild')")
                conn.execute(search_trigger[0])
            conn.execute("COMMIT")
            broken = conn.execute("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise SystemExit(f"foreign key check failed: {broken[:5]}")
            if analyze:  # planner statistics now (`forum serve` also gathers them at start)
                conn.execute("ANALYZE")
            conn.execute("PRAGMA journal_mode=WAL")  # ...and back to what the forum runs with
        finally:
            conn.close()

    def bench_pages(self, thread_id: int) -> tuple[str, int]:
        with closing(sqlite3.connect(self.db)) as conn:
            slug, = conn.execute(BIGGEST_CATEGORY).fetchone()
            replies, = conn.execute(
                "SELECT reply_count FROM threads WHERE id = ?", (thread_id,)).fetchone()
        return slug, replies

    def size_mib(self) -> float:
        return self.db.stat().st_size / 2**20


def seed(args: argparse.Namespace, target: Target) -> dict:
    from forum.usernames import skeleton

    rng = random.Random(args.seed)
    t0 = time.perf_counter()
    n_threads = args.threads
    n_replies = args.posts - n_threads
    if n_replies < REPLIES_ON_FIRST_PAGE:
        raise SystemExit(f"--posts must be at least --threads + {REPLIES_ON_FIRST_PAGE}")

    target.migrate()
    t_migrate = time.perf_counter() - t0

    now = datetime.now(UTC).replace(second=0, microsecond=0)
    start = now - timedelta(days=180)

    # Bodies: a pool of distinct texts, each rendered once.
    story_pool_md = [markdown_body(rng, rng.randint(2000, 8000), story=True)
                     for _ in range(min(n_threads, 400))]
    reply_pool_md = [markdown_body(rng, int(rng.triangular(200, 1500, 450)), story=False)
                     for _ in range(min(n_replies, 3000))]
    rendered = render_pool(story_pool_md + reply_pool_md)
    story_pool = list(zip(story_pool_md, rendered[: len(story_pool_md)], strict=True))
    reply_pool = list(zip(reply_pool_md, rendered[len(story_pool_md):], strict=True))
    t_render = time.perf_counter() - t0 - t_migrate

    # Members. A few write a lot (weights follow a power law); 1% of posts have no author.
    users = []
    for uid in range(1, args.users + 1):
        name = f"{rng.choice(['quiet', 'brave', 'tired', 'hopeful', 'gentle', 'sober'])}_" \
               f"{rng.choice(['fern', 'harbor', 'lantern', 'willow', 'sparrow', 'ember'])}{uid}"
        users.append((uid, name, name.casefold(), skeleton(name),
                      rng.choice(["", "", "Dana", "Sam", "Ria", "Jo", "Mel"]), "",
                      "bench-unusable-password-hash", "member", False,
                      start - timedelta(days=rng.uniform(1, 400))))
    author_weights = [1 / (i + 1) ** 0.8 for i in range(args.users)]
    author_ids = rng.choices(range(1, args.users + 1), weights=author_weights,
                             k=args.posts)
    for i in range(len(author_ids)):
        if rng.random() < 0.01:
            author_ids[i] = None  # a former member

    categories = target.category_ids()
    if not categories:
        raise SystemExit("forum migrate loaded no categories")

    # Threads, and how many replies each gets: a heavy-tailed spread (most threads have a
    # handful, a few have hundreds). One mid-sized thread is guaranteed at least 50+ replies.
    weights = [rng.lognormvariate(0, 1.1) for _ in range(n_threads)]
    per_thread = Counter(rng.choices(range(n_threads), weights=weights, k=n_replies))
    counts = [per_thread.get(i, 0) for i in range(n_threads)]
    big = [i for i in range(n_threads) if counts[i] >= REPLIES_ON_FIRST_PAGE + 10]
    if not big:  # small datasets: move replies into one thread
        target = max(range(n_threads), key=lambda i: counts[i])
        need = REPLIES_ON_FIRST_PAGE + 10 - counts[target]
        for i in sorted(range(n_threads), key=lambda i: -counts[i]):
            if i != target and need > 0:
                take = min(counts[i], need)
                counts[i] -= take
                counts[target] += take
                need -= take
        big = [target]
    big.sort(key=lambda i: counts[i])
    bench_index = big[len(big) // 2]  # the median of the threads with 60+ replies

    thread_rows = []
    post_rows = []  # (created_at, thread_id, is_story, status, body index)
    pinned_categories: set[int] = set()
    warning_names = ["substance_use", "self_harm", "child_loss", "abuse", "suicide"]
    for index in range(n_threads):
        thread_id = index + 1
        category_id = rng.choice(categories)
        created = start + timedelta(seconds=rng.uniform(0, 180 * 86400 - 3600))
        warnings = [] if rng.random() < 0.8 else rng.sample(warning_names, rng.randint(1, 2))
        pinned = category_id not in pinned_categories and rng.random() < 0.05
        if pinned:
            pinned_categories.add(category_id)
        post_rows.append((created, thread_id, 1, "published", rng.randrange(len(story_pool))))
        last = created
        published = 0
        mean_gap = rng.uniform(0.5, 6) * 3600  # a lively or a slow thread
        when = created
        for _ in range(counts[index]):
            when = min(when + timedelta(seconds=rng.expovariate(1 / mean_gap)),
                       now - timedelta(seconds=rng.uniform(1, 600)))
            deleted = index != bench_index and rng.random() < 0.01
            post_rows.append((when, thread_id, 0, "deleted" if deleted else "published",
                              rng.randrange(len(reply_pool))))
            if not deleted:
                published += 1
                last = max(last, when)
        title = f"{rng.choice(TITLE_START)} {rng.choice(TITLE_REST)}"
        thread_rows.append((thread_id, title, json.dumps(warnings, separators=(",", ":")),
                            "", False, pinned, published, created, last, category_id))

    # Post ids follow time; within a thread the story always comes first.
    post_rows.sort(key=lambda r: (r[0], r[1], -r[2]))
    rows = []
    for post_id, (when, thread_id, is_story, status, body) in enumerate(post_rows, start=1):
        md, html = (story_pool if is_story else reply_pool)[body]
        rows.append((post_id, bool(is_story), md, html, status, None, when, None,
                     author_ids[post_id - 1], None, thread_id))
    t_build = time.perf_counter() - t0 - t_migrate - t_render

    target.insert(users, thread_rows, rows, analyze=args.analyze)
    t_insert = time.perf_counter() - t0 - t_migrate - t_render - t_build

    bench_thread = bench_index + 1
    slug, replies = target.bench_pages(bench_thread)
    total = time.perf_counter() - t0
    print(f"seeded {args.posts:,} posts ({n_threads:,} stories, {n_replies:,} replies), "
          f"{args.users:,} members in {total:.1f}s (migrate {t_migrate:.1f}s, render "
          f"{len(rendered):,} distinct bodies {t_render:.1f}s, build {t_build:.1f}s, "
          f"insert {t_insert:.1f}s); {target.size_mib():.0f} MiB", file=sys.stderr)
    return {
        "posts": args.posts,
        "threads": n_threads,
        "users": args.users,
        "story_thread_id": bench_thread,
        "story_thread_replies": replies,
        "category_slug": slug,
        "analyzed": bool(args.analyze),
        "seed_seconds": round(total, 1),
        "seeded_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=100_000,
                        help="all posts, stories included (default 100000)")
    parser.add_argument("--threads", type=int, default=2_000,
                        help="threads, i.e. stories (default 2000)")
    parser.add_argument("--users", type=int, default=None,
                        help="members (default: posts / 25, at least 50)")
    parser.add_argument("--db", type=Path, default=DEFAULT_DB,
                        help=f"SQLite file (default {DEFAULT_DB.relative_to(REPO)})")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--force", action="store_true", help="re-seed even if reusable")
    parser.add_argument("--analyze", action="store_true",
                        help="run ANALYZE after seeding (what-if: the forum does not do this)")
    parser.add_argument("--database-url", default=None,
                        help="postgres://…/NAME: seed a new PostgreSQL database NAME instead"
                             " (dropped first if it exists; see bench/pg.py)")
    args = parser.parse_args()
    if args.threads < 1 or args.posts < args.threads:
        parser.error("need at least one thread and --posts >= --threads")
    if args.users is None:
        args.users = max(50, args.posts // 25)
    if args.database_url:
        from pg import PostgresTarget  # bench/pg.py, beside this file

        target = PostgresTarget(args.database_url)
        target.recreate()
        meta = seed(args, target)
        meta["database_url"] = args.database_url
        print(json.dumps(meta))
        return 0
    db = args.db.resolve()
    meta_path = db.with_name(db.name + ".json")
    print_ = fingerprint(args)

    meta = None if args.force else reusable(db, meta_path, print_)
    if meta is not None:
        print(f"reusing {db} ({meta['posts']:,} posts, seeded {meta['seeded_at']}; "
              "--force to re-seed)", file=sys.stderr)
    else:
        db.parent.mkdir(parents=True, exist_ok=True)
        tmp = db.with_name(db.name + ".tmp")
        for path in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm"), meta_path):
            path.unlink(missing_ok=True)
        meta = seed(args, SqliteTarget(tmp))
        meta["fingerprint"] = print_
        meta["db"] = str(db)
        for suffix in ("-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        tmp.replace(db)
        meta_path.write_text(json.dumps(meta, indent=2) + "\n")
    print(json.dumps(meta))
    return 0


if __name__ == "__main__":
    sys.exit(main())
