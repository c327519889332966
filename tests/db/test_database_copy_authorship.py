"""Someone holds a copy of the database — every table, the SQLite write-ahead log, PostgreSQL's
row versions (``xmin``/``xmax``) — and no key. After a stretch of ordinary use they look for
who wrote each anonymous post by what was written *together*: the rows a transaction wrote or
locked beside the anonymous post, or beside a sanction through it. None of those rows may name
a member. They also look at lengths, released names, form ids and erased words.

Runs on SQLite (the WAL read frame by frame) and on PostgreSQL (system columns).
"""

from __future__ import annotations

import hashlib
import itertools
import os
import re
import struct
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from tortoise import connections

from forum.app import create_app
from forum.db import sqlite_path
from forum.models.accounts import User
from forum.models.content import Post
from forum.models.moderation import AuditEntry
from forum.usernames import skeleton

from ..conftest import Client, make_settings
from ..factories import PASSWORD, make_user

CATEGORY = "parenting-mom-guilt"
# Tables whose rows name a member: a write to one of them in the transaction of an anonymous
# post, or of a sanction through one, would tie the member to it.
MEMBER_TABLES = ("users", "sessions", "follows", "reactions", "notifications", "sanctions",
                 "moderator_notes", "account_tokens", "recovery_codes", "drafts",
                 "bookmarks", "blocks")
GUESSABLE_IDS = ("0000000000000001", "0000000000000002")  # 16 characters, as the API asks
SEALED = re.compile(r"v1:[A-Za-z0-9_=-]{20,}")


@pytest.fixture
def app(var_dir, database_url, db):
    """Room for a morning of posting: the rate limits are not what is tested here."""
    settings = make_settings(var_dir, database_url, FORUM_RATE_LIMITS="post=1000/minute")
    return create_app(settings, manage_database=False, strict_templates=True)


def dialect() -> str:
    return str(connections.get("default").capabilities.dialect)


async def rows(sql: str) -> list[dict[str, Any]]:
    return list(await connections.get("default").execute_query_dict(sql))


async def story(client: Client, title: str, body: str, **fields: str) -> Post:
    sent = await client.post_form("/stories/new", {"category": CATEGORY, "title": title,
                                                   "body": body, **fields})
    assert sent.status_code == 303, sent.text
    return await Post.get(body_md=body)


async def reply(client: Client, thread_id: int, body: str, **fields: str) -> Post:
    sent = await client.post_form(f"/stories/{thread_id}/replies", {"body": body, **fields})
    assert sent.status_code == 303, sent.text
    return await Post.get(body_md=body)


@dataclass
class World:
    people: dict[str, Client]
    anonymous: list[Post] = field(default_factory=list)  # wren's and dove's
    markers: dict[str, str] = field(default_factory=dict)  # text -> what it marks


async def ordinary_use(client_factory: Any) -> World:
    """Wren writes under her name and anonymously (a story, replies in a thread she follows,
    in her own named story, answering her own post, one through the API with a guessable
    form id); others answer and follow; everyone reads all; a moderator warns, silences,
    suspends, lifts and sends care through her anonymous posts in different threads; Dove,
    who also wrote anonymously, leaves keeping her posts."""
    names = ("wren_author", "otter_reader", "fox_reader", "dove_leaving", "owl_teller")
    people = {n: await client_factory(await make_user(n)) for n in names}
    people["kestrel"] = await client_factory(await make_user("kestrel_mod", role="moderator"))
    wren, otter, fox, dove, owl, kestrel = (people[n] for n in (*names, "kestrel"))
    api = await client_factory(wren.user, api_token=True)
    world = World(people)

    told = await story(owl, "Owl's long night", "Owl tells of a long night.")
    for client in (wren, otter, fox):
        assert (await client.post_form(f"/stories/{told.thread_id}/follow",
                                       {"on": "1"})).status_code in (200, 303)
    named_story = await story(wren, "Wren's named story", "Wren, under her own name.")
    named_reply = await reply(wren, told.thread_id, "A named word from wren")
    texts = [
        ("story", "Wren anonymous story xq1"),
        (told.thread_id, "Wren anonymous reply xq2, hello @otter_reader"),
        (named_story.thread_id, "Wren anonymous reply in her own story xq3"),
        (told.thread_id, "Wren anonymous answer to herself xq4"),
    ]
    for where, body in texts:
        if where == "story":
            post = await story(wren, "Wren's quiet story", body, anonymous="1")
        else:
            extra = {"reply_to": str(named_reply.id)} if "xq4" in body else {}
            post = await reply(wren, int(where), body, anonymous="1", confirm_named="1",
                               **extra)
        world.anonymous.append(post)
        await reply(fox, told.thread_id, f"Fox, unrelated, after {body[-3:]}")
    for n, submission in enumerate(GUESSABLE_IDS):
        body = f"Wren anonymous reply by the API xq{5 + n}"
        sent = await api.api("POST", f"/api/v1/stories/{told.thread_id}/replies",
                             json={"body": body, "anonymous": True},
                             headers={"Idempotency-Key": submission})
        assert sent.status_code == 201, sent.text
        world.anonymous.append(await Post.get(body_md=body))
    await reply(otter, world.anonymous[0].thread_id, "Otter answers the anonymous story",
                reply_to=str(world.anonymous[0].id))
    dove_post = await reply(dove, told.thread_id, "Anonymous words from the one who leaves xq7",
                            anonymous="1")
    world.anonymous.append(dove_post)

    for client in (wren, otter, fox, owl):
        assert (await client.post_form("/notifications/read", {})).status_code == 303
    actions = [(world.anonymous[1], "author/warn", {"reason": "Mod reason warn zz1"}),
               (world.anonymous[0], "author/silence", {"days": "2",
                                                       "reason": "Mod reason silence zz2"}),
               (world.anonymous[2], "author/lift", {"reason": "Mod reason lift zz3"}),
               (world.anonymous[3], "author/suspend", {"days": "1",
                                                       "reason": "Mod reason suspend zz4"}),
               (world.anonymous[3], "author/lift", {"reason": "Mod reason lift zz5"}),
               (world.anonymous[0], "care", {"message": "Care words zz6"})]
    for post, verb, form in actions:
        done = await kestrel.post_form(f"/mod/posts/{post.id}/{verb}", form)
        assert done.status_code in (200, 303), done.text
        world.markers[form.get("reason", form.get("message", ""))] = verb
    left = await dove.post_form("/account/delete", {"password": PASSWORD, "posts": "keep"})
    assert left.status_code == 200, left.text
    return world


# --- what a transaction wrote together -------------------------------------------------------

async def postgres_versions() -> dict[str, list[dict[str, Any]]]:
    tables = [r["tablename"] for r in await rows(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
    return {t: await rows(f'SELECT xmin::text AS xmin, xmax::text AS xmax, * FROM "{t}"')
            for t in tables}


@dataclass
class Commit:
    """One transaction in the SQLite WAL: the tables whose pages it wrote, and the bytes."""
    tables: set[str]
    data: bytes


def wal_commits(db_file: Path) -> list[Commit]:
    """Read the WAL frame by frame (header, then 24-byte frame headers and pages), grouping
    frames into transactions at each commit frame; map pages to tables with ``dbstat`` on a
    copy of the database."""
    import sqlite3

    copy = copy_of(db_file)
    wal = Path(f"{copy}-wal").read_bytes()
    assert len(wal) > 32, "the write-ahead log is empty: nothing to read"
    page_size = struct.unpack(">I", wal[8:12])[0]
    salts = wal[16:24]
    with sqlite3.connect(copy) as db:
        page_table = {int(page): str(name) for name, page in db.execute(
            "SELECT name, pageno FROM dbstat")}
        indexes = {str(name): str(table) for name, table in db.execute(
            "SELECT name, tbl_name FROM sqlite_schema WHERE type = 'index'")}
    commits: list[Commit] = []
    tables: set[str] = set()
    data = b""
    offset = 32
    while offset + 24 + page_size <= len(wal):
        page, commit_size = struct.unpack(">II", wal[offset:offset + 8])
        if wal[offset + 8:offset + 16] != salts:
            break  # frames of an earlier generation: not part of the live log
        name = page_table.get(page, "?")
        tables.add(indexes.get(name, name))
        data += wal[offset + 24:offset + 24 + page_size]
        if commit_size:
            commits.append(Commit(tables, data))
            tables, data = set(), b""
        offset += 24 + page_size
    return commits


async def _start_log() -> None:
    """An empty log, and no automatic checkpoint during the scenario: the log then keeps
    every transaction of it."""
    if dialect() == "sqlite":
        await connections.get("default").execute_query("PRAGMA wal_checkpoint(TRUNCATE)")
        await connections.get("default").execute_query("PRAGMA wal_autocheckpoint=0")


async def _end_log() -> None:
    if dialect() == "sqlite":
        await connections.get("default").execute_query("PRAGMA wal_autocheckpoint=1000")


async def test_no_transaction_of_an_anonymous_post_or_a_sanction_through_one_names_a_member(
        client_factory, settings):
    await _start_log()
    try:
        world = await ordinary_use(client_factory)
        audits = await AuditEntry.filter(target_type="post").order_by("id")
        assert len(audits) == 6  # warn, silence, lift, suspend, lift, care — all through posts
        if dialect() == "postgres":
            await _check_row_versions(world, audits)
        else:
            _check_wal(world, Path(sqlite_path(settings.database_url)))
    finally:
        await _end_log()


async def _check_row_versions(world: World, audits: list[AuditEntry]) -> None:
    versions = await postgres_versions()
    posts = {int(r["id"]): r for r in versions["posts"]}
    audit_rows = {int(r["id"]): r for r in versions["audit_log"]}
    # Each transaction, with the one account it may touch in the open: the acting moderator
    # (their audit row points at their account, and PostgreSQL's foreign-key check locks it).
    transactions = {posts[p.id]["xmin"]: (f"anonymous post {p.id}", None)
                    for p in world.anonymous}
    transactions |= {audit_rows[a.id]["xmin"]: (f"{a.action} through post {a.target_id}",
                                                a.actor_id) for a in audits}
    problems = [f"{what}: {table} row {row.get('id')} has {column} = {xid}"
                for table in MEMBER_TABLES for row in versions[table]
                for column in ("xmin", "xmax") for xid, (what, actor) in transactions.items()
                if row[column] == xid and not (table == "users" and row["id"] == actor)]
    # Reading all: the transaction that marked plain notes read touches no sealed note.
    read = {r["xmin"] for r in versions["notifications"] if r["read_at"] is not None}
    problems += [f"sealed note {r['id']} written when plain notes were read"
                 for r in versions["sealed_notifications"] if {r["xmin"], r["xmax"]} & read]
    assert read and not problems, "\n".join(problems)


def _check_wal(world: World, db_file: Path) -> None:
    commits = wal_commits(db_file)
    targets = {p.body_md: f"anonymous post {p.id}" for p in world.anonymous}
    targets |= {marker: verb for marker, verb in world.markers.items() if verb != "care"}
    problems = []
    for text, what in targets.items():
        found = [c for c in commits if text.encode() in c.data and (
            "posts" in c.tables or "audit_log" in c.tables)]
        assert found, f"{what} is not in the log: the check would prove nothing"
        first = found[0]  # the transaction that wrote it
        problems += [f"{what} was written with {table}" for table in sorted(
            first.tables & set(MEMBER_TABLES))]
    # Reading all: plain notes and the member's row, and no sealed note in that transaction
    # or the one right after it.
    reading = [n for n, c in enumerate(commits) if {"notifications", "users"} <= c.tables
               and "posts" not in c.tables]
    if not reading:
        problems.append("no read-all transaction found in the log")
    problems += [f"reading all wrote sealed notes: {sorted(commits[n].tables)}"
                 for n in reading if "sealed_notifications" in commits[n].tables]
    problems += ["sealed notes were marked read right after plain ones"
                 for a, b in itertools.pairwise(commits)
                 if "notifications" in a.tables and "posts" not in a.tables
                 and b.tables <= {"sealed_notifications"}]
    assert not problems, "\n".join(problems)


# --- lengths, names, form ids, erased words ---------------------------------------------------

async def test_no_member_row_grows_or_carries_a_seal_and_sealed_rows_are_one_size(
        client_factory):
    await ordinary_use(client_factory)
    users = await rows("SELECT * FROM users")
    assert not [(u["username"], k) for u in users for k, v in u.items()
                if isinstance(v, str) and SEALED.search(v)]
    limits = await rows("SELECT * FROM sealed_limits")
    assert len(limits) >= 4 and len({len(r["sealed"]) for r in limits}) == 1
    slots = [r["owner_slot"] for r in await rows(
        "SELECT owner_slot FROM posts WHERE owner_slot IS NOT NULL")]
    assert len(slots) == 6 and {len(s) for s in slots} == {40}  # wren's; dove's were wiped


async def test_a_departed_members_name_is_nowhere_beside_the_posts_she_kept(client_factory):
    world = await ordinary_use(client_factory)
    dove_post = world.anonymous[-1]
    kept = (await rows(f"SELECT * FROM posts WHERE id = {int(dove_post.id)}"))[0]
    assert kept["sealed_author"] is None and kept["owner_slot"] is None
    assert kept["pseudonym"] and kept["body_md"] == "Anonymous words from the one who leaves xq7"
    dump = await everything()
    for trace in ("dove_leaving", skeleton("dove_leaving")):
        assert trace not in dump, trace
    released = await rows("SELECT * FROM released_usernames")
    assert len(released) == 1 and SEALED.fullmatch(released[0]["sealed_skeleton"])
    # The name still cools down: nobody can take it at once.
    taken = await client_factory(None)
    again = await taken.post_form("/signup", {"username": "dove_leaving",
                                              "password": "a brand new long password"})
    assert again.status_code == 422 and "dove_leaving" in again.text  # refused, form kept


async def test_guessable_form_ids_do_not_name_the_author_of_an_anonymous_post(client_factory):
    world = await ordinary_use(client_factory)
    users = [int(u["id"]) for u in await rows("SELECT id FROM users")]
    keys = {r["submission_key"] for r in await rows(
        "SELECT submission_key FROM posts WHERE submission_key IS NOT NULL")}
    assert len(keys) >= 2  # the API posts kept their form ids
    for guess in GUESSABLE_IDS:
        for user_id in [*users, *range(1, 20)]:
            for shape in (f"{user_id}:{guess}", f"{guess}:{user_id}", f"{user_id}{guess}"):
                assert hashlib.sha256(shape.encode()).hexdigest() not in keys
    assert world.anonymous


async def test_words_removed_with_the_account_are_nowhere_in_the_files(client_factory, member,
                                                                      settings):
    leaving = await client_factory(await make_user("finch_leaving"))
    told = await story(member, "Member's story", "A member's story stays.")
    await reply(leaving, told.thread_id, "Quietly erased words kk9 kk9", anonymous="1")
    await reply(leaving, told.thread_id, "Named erased words jj8", confirm_named="1")
    gone = await leaving.post_form("/account/delete", {"password": PASSWORD, "posts": "remove"})
    assert gone.status_code == 200
    dump = await everything()
    assert "kk9" not in dump and "jj8" not in dump
    if dialect() == "sqlite":
        for name, raw in files_of(Path(sqlite_path(settings.database_url))).items():
            assert b"kk9" not in raw and b"jj8" not in raw, name


def copy_of(path: Path) -> Path:
    """A copy of the database file and its write-ahead log, as the adversary takes it.

    Copied by another process: closing a file descriptor of the live database in this one
    would drop this process's SQLite locks on it (POSIX advisory locks are per process), and
    the app's connection would then read and write without them."""
    target = Path(tempfile.mkdtemp()) / path.name
    for suffix in ("", "-wal"):
        if os.path.exists(f"{path}{suffix}"):
            subprocess.run(["cp", f"{path}{suffix}", f"{target}{suffix}"], check=True)
    return target


def files_of(path: Path) -> dict[str, bytes]:
    """The database file and its write-ahead log, as a copy of them would hold."""
    copy = copy_of(path)
    return {p.name: p.read_bytes() for p in (copy, Path(f"{copy}-wal")) if p.exists()}


async def everything() -> str:
    tables = [r["name"] for r in await rows(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")] \
        if dialect() == "sqlite" else [r["tablename"] for r in await rows(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
    found = []
    for table in tables:
        found += [str(r) for r in await rows(f'SELECT * FROM "{table}"')]
    return "\n".join(found)


async def test_the_member_tables_are_the_tables_that_name_members():
    """The checks above name real tables, and every table with a column pointing at an
    account is among them or known not to name one (a new table must be thought about)."""
    from tortoise import Tortoise

    models = [m for app in Tortoise.apps.values() for m in app.values()]
    naming = {m._meta.db_table for m in models if m._meta.db_table == "users" or any(
        getattr(m._meta.fields_map[f], "related_model", None) is User
        for f in m._meta.fk_fields)}
    public_actors = {"audit_log", "posts", "reports", "crisis_alerts"}  # who acted, in the open
    assert set(MEMBER_TABLES) <= {m._meta.db_table for m in models}
    assert naming - public_actors == set(MEMBER_TABLES), naming


# --- a request that could not apply --------------------------------------------------------

async def table_rows() -> dict[str, dict[Any, dict[str, Any]]]:
    tables = [r["name"] for r in await rows(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "AND name NOT LIKE 'post_search%'")] if dialect() == "sqlite" else [
        r["tablename"] for r in await rows(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
    found: dict[str, dict[Any, dict[str, Any]]] = {}
    for table in tables:
        found[table] = {str(sorted(r.items())) if "id" not in r else r["id"]: r
                        for r in await rows(f'SELECT * FROM "{table}"')}
    return found


def shape(before: dict[str, dict[Any, dict[str, Any]]],
          after: dict[str, dict[Any, dict[str, Any]]]) -> dict[str, list[Any]]:
    """What a request wrote, as a copy could compare it: per table, each new or changed row
    as its columns' kinds and lengths (ids, moments and ciphertexts differ anyway)."""
    def kind(value: Any) -> Any:
        return (type(value).__name__, len(value)) if isinstance(value, str) else \
            type(value).__name__
    changed: dict[str, list[Any]] = {}
    for table, now in after.items():
        rows_then = before.get(table, {})
        new = [r for key, r in now.items() if rows_then.get(key) != r]
        if new or len(now) != len(rows_then):
            kinds = sorted(str(sorted((k, kind(v)) for k, v in r.items())) for r in new)
            changed[table] = [*kinds, f"{len(rows_then) - len(now)} removed"]
    return changed


async def test_a_request_that_cannot_apply_writes_the_same_rows_as_one_that_does(
        client_factory):
    """The same verbs through two anonymous posts: one by a member (they apply), one by a
    moderator (they cannot). A copy taken after each sees the very same changes."""
    member = await client_factory(await make_user("plover_member"))
    staff = await client_factory(await make_user("heron_staff", role="moderator"))
    acting = await client_factory(await make_user("kestrel_acting", role="moderator"))
    await make_user("zephyr_admin", role="admin")
    posts = [await story(who, "Hard week", f"A hard week, says {name} yy1.", anonymous="1")
             for who, name in ((member, "one"), (staff, "two"))]
    verbs = [("author/warn", {"reason": "Please be kind"}),
             ("author/silence", {"days": "2", "reason": "A pause"}),
             ("author/suspend", {"days": "1", "reason": "A longer pause"}),
             ("author/ban", {"reason": "Threats"}),
             ("author/lift", {"reason": "Second chance"})]
    for verb, form in verbs:
        seen = []
        for post in posts:
            before = await table_rows()
            done = await acting.post_form(f"/mod/posts/{post.id}/{verb}", form)
            assert done.status_code in (200, 303), done.text
            seen.append(shape(before, await table_rows()))
        assert seen[0] == seen[1], verb
        assert "sealed_notifications" in seen[0] or verb == "author/ban", seen[0]
