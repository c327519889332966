"""The `forum` command."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import getpass
import os
import shutil
import sys
from collections.abc import Sequence
from typing import Any

from tortoise import Tortoise, connections

from forum.settings import Settings, SettingsError, load_settings


async def _with_orm(settings: Settings, work):  # type: ignore[no-untyped-def]
    from forum.db import tortoise_config

    await Tortoise.init(config=tortoise_config(settings.database_url))
    try:
        return await work()
    finally:
        await Tortoise.close_connections()


def cmd_migrate(settings: Settings, _args: argparse.Namespace) -> int:
    from forum.db import migrate_database

    applied = asyncio.run(migrate_database(settings))
    print(f"Applied {len(applied)} migration(s)." if applied else "Database is up to date.")
    return 0


def cmd_seed_demo(settings: Settings, args: argparse.Namespace) -> int:
    from forum.demo import seed_demo

    written = asyncio.run(_with_orm(settings, lambda: seed_demo(force=args.force)))
    print(f"Wrote {written} demo posts." if written else "The forum has stories; no demo added.")
    return 0


def cmd_remove_demo(settings: Settings, _args: argparse.Namespace) -> int:
    from forum.demo import remove_demo

    removed = asyncio.run(_with_orm(settings, remove_demo))
    if removed.stories or removed.members:
        print(f"Removed {removed.stories} demo stories ({removed.posts} posts) and "
              f"{removed.members} demo members.")
    else:
        print("There is no demo content to remove.")
    for title in removed.kept_stories:
        print(f"Kept the demo story “{title}”: real people replied to it. A moderator can "
              "delete the thread from its page if it should go.")
    return 0


FIRST_ADMIN_HINT = (
    "There is no admin yet. To make the first one, run in another terminal:\n"
    "    {forum} createuser YOUR-NAME --admin\n"
    "(it asks for a password), then sign in at {base_url}/signin and open {base_url}/admin/site.")


async def _has_admin() -> bool:
    from forum.queries.site import any_admin

    return await any_admin()


def first_admin_hint(settings: Settings) -> str | None:
    """What `forum serve` says while the forum has no admin; None once it has one (or when
    the database can't be asked: serving goes on and says so itself)."""
    try:
        if asyncio.run(_with_orm(settings, _has_admin)):
            return None
    except Exception:
        return None
    return FIRST_ADMIN_HINT.format(forum=_forum_command(), base_url=settings.base_url)


def _forum_command() -> str:
    """How to type this command again: `forum` if that finds it, else the path it ran as
    (`.venv/bin/forum` under `make run`)."""
    invoked = sys.argv[0]
    if os.path.basename(invoked) != "forum":
        return "forum"
    on_path = shutil.which("forum")
    with contextlib.suppress(OSError):
        if on_path and os.path.samefile(on_path, invoked):
            return "forum"
    return invoked


def cmd_createuser(settings: Settings, args: argparse.Namespace) -> int:
    from forum.actions.accounts import create_account
    from forum.forms import FormInvalid
    from forum.models.accounts import Role
    from forum.passwords import use_fast_hashing
    from forum.schemas.accounts import SignUpIn
    from forum.schemas.base import parse_input

    use_fast_hashing(settings.password_hashing == "fast")
    if args.password_stdin or not sys.stdin.isatty():
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("Password: ")
        if getpass.getpass("Password again: ") != password:
            print("The passwords don't match.", file=sys.stderr)
            return 1
    role = Role.ADMIN if args.admin else Role.MODERATOR if args.moderator else Role.MEMBER
    try:
        form = parse_input(SignUpIn, {"username": args.username, "password": password,
                                      "email": args.email or ""})
        user = asyncio.run(_with_orm(settings, lambda: create_account(form, role)))
    except FormInvalid as invalid:
        for message in invalid.errors.values():
            print(message, file=sys.stderr)
        return 1
    print(f"Created {user.role.value} {user.username}.")
    return 0


def cmd_role(settings: Settings, args: argparse.Namespace) -> int:
    from forum.actions.moderation import set_role
    from forum.models.accounts import Role
    from forum.queries.accounts import find_user_by_username

    async def work() -> str | None:
        user = await find_user_by_username(args.username)
        if user is None:
            return None
        await set_role(None, user, Role(args.role), "set with `forum role`")
        return user.username

    changed = asyncio.run(_with_orm(settings, work))
    if changed is None:
        print(f"There is no account called {args.username!r}.", file=sys.stderr)
        return 1
    print(f"{changed} is now {args.role}.")
    return 0


def cmd_resources(settings: Settings, args: argparse.Namespace) -> int:
    from pathlib import Path

    from forum.actions.resources import import_resources
    from forum.safety.resources import load_directory

    try:
        directory = load_directory(Path(args.file))
    except (OSError, ValueError) as exc:
        print(f"Can't use {args.file}: {exc}", file=sys.stderr)
        return 1
    result = asyncio.run(_with_orm(settings, lambda: import_resources(directory)))
    print(f"Added {result.added}, updated {result.updated}, kept {result.kept} "
          "edited by admins.")
    return 0


def cmd_check(settings: Settings, args: argparse.Namespace) -> int:
    from forum.address_warnings import address_warnings
    from forum.key_location import check_warnings, startup_refusal
    from forum.safety.crisis_model import detector_in_use

    print("Configuration:")
    for name, value in settings.describe().items():
        print(f"  {name} = {value}")
    warnings = check_warnings(settings)
    for warning in warnings:
        print(f"Anonymity key: WARNING: {warning}")
    if not warnings:
        print("Anonymity key: kept apart from the data")
    addresses = address_warnings(settings, args.host)
    for warning in addresses:
        print(f"Addresses: WARNING: {warning}")
    if not addresses:
        print(f"Addresses: people reach the forum at {settings.base_url}"
              + ("" if args.host else " (give --host as `forum serve` has it to check more)"))
    print(f"Crisis detection: {detector_in_use()}")
    refused = startup_refusal(settings) is not None
    if refused:
        print("The forum will not start with an https FORUM_BASE_URL until the key is moved.")
    ok, report = asyncio.run(_database_status(settings))
    print(report)
    return 0 if ok and not refused else 1


async def _database_status(settings: Settings) -> tuple[bool, str]:
    from tortoise.migrations.executor import MigrationExecutor

    from forum.db import check_sqlite_pragmas, tortoise_config

    config = tortoise_config(settings.database_url)
    try:
        await Tortoise.init(config=config)
        conn = connections.get("default")
        await conn.execute_query("SELECT 1")
    except Exception as exc:  # any failure to connect is reported, not raised
        return False, f"Database: NOT reachable ({type(exc).__name__}: {exc})"
    try:
        pragmas = await check_sqlite_pragmas()
        executor = MigrationExecutor(conn, {"models": config["apps"]["models"]})
        pending = await executor.plan()
    finally:
        await Tortoise.close_connections()
    lines = ["Database: reachable"]
    if pragmas:
        lines.append("  SQLite " + ", ".join(f"{k}={v}" for k, v in pragmas.items()))
    if pending:
        names = ", ".join(step.migration.name for step in pending)
        lines.append(f"Migrations: {len(pending)} pending ({names}) — run `forum migrate`")
        return False, "\n".join(lines)
    lines.append("Migrations: all applied")
    return True, "\n".join(lines)


def cmd_serve(settings: Settings, args: argparse.Namespace) -> int:
    from forum.db import refresh_statistics_at_start
    from forum.key_location import startup_refusal
    from forum.serving import ConnectionLimits, serve

    if refusal := startup_refusal(settings):
        print(f"forum: {refusal}", file=sys.stderr)
        return 2
    limits = ConnectionLimits(
        keep_alive_timeout=args.timeout_keep_alive,
        request_header_timeout=args.timeout_request_headers,
        request_body_timeout=args.timeout_request_body,
        limit_concurrency=args.limit_concurrency,
        backlog=args.backlog,
        graceful_shutdown_timeout=args.timeout_graceful_shutdown,
    )
    asyncio.run(refresh_statistics_at_start(settings))
    if hint := first_admin_hint(settings):
        print(hint, flush=True)
    return serve(limits, host=args.host, port=args.port, workers=args.workers,
                 access_log=args.access_log)


def cmd_backup(settings: Settings, args: argparse.Namespace) -> int:
    from pathlib import Path

    from forum.backup import BackupError, make_backup

    try:
        outcome = make_backup(settings, Path(args.dest))
    except BackupError as exc:
        print(f"forum backup: {exc}", file=sys.stderr)
        return 1
    print("\n".join(outcome.lines))
    return 0 if outcome.ok else 1


def cmd_restore(settings: Settings, args: argparse.Namespace) -> int:
    from pathlib import Path

    from forum.backup import BackupError, restore_backup

    try:
        outcome = restore_backup(settings, Path(args.src))
    except BackupError as exc:
        print(f"forum restore: {exc}", file=sys.stderr)
        return 1
    print("\n".join(outcome.lines))
    return 0 if outcome.ok else 1


def cmd_new_key(_settings: Settings, args: argparse.Namespace) -> int:
    from pathlib import Path

    from forum.settings import write_new_key

    try:
        write_new_key(Path(args.file))
    except FileExistsError:
        print(f"{args.file} already exists; it was left as it is.", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"Can't write {args.file}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(f"Wrote a new key to {args.file} (readable by its owner only).")
    return 0


def cmd_rekey(settings: Settings, args: argparse.Namespace) -> int:
    from forum.rekey_command import run_rekey

    return run_rekey(settings, args.new_key_file, args.old_key_file)


def cmd_worker(settings: Settings, args: argparse.Namespace) -> int:
    """Run background jobs (crisis alerts, tidying) apart from the web processes."""
    from forum.jobs.runner import JobRunner, drain

    async def work() -> None:
        if args.drain:
            ran = await drain(settings, wait_seconds=args.wait)
            print(f"Ran {ran} job(s).")
            return
        runner = JobRunner(settings, concurrency=args.concurrency)
        print(f"Worker {runner.name} is running jobs (Ctrl-C stops it).", flush=True)
        await runner.run_forever()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_with_orm(settings, work))
    return 0


def cmd_sendtest(settings: Settings, args: argparse.Namespace) -> int:
    """Queue a test message and run the mail job now: it says where the message went."""
    from forum.jobs.runner import drain
    from forum.mail.outbox import queue_mail
    from forum.models.jobs import Job, JobStatus

    async def work() -> Job:
        job = await queue_mail(args.address, "test", {})
        await drain(settings, wait_seconds=0)
        return await Job.get(id=job.id)

    job = asyncio.run(_with_orm(settings, work))
    if job.status is JobStatus.DONE:
        where = "the SMTP server" if settings.smtp_url else f"{settings.var_dir / 'mail'}"
        print(f"Sent a test message to {args.address} through {where}.")
        return 0
    print(f"The test message could not be sent yet: {job.last_error}. It stays queued and "
          "is tried again with growing pauses (see /admin/jobs).", file=sys.stderr)
    return 1


def cmd_prune(settings: Settings, _args: argparse.Namespace) -> int:
    from forum.actions.maintenance import prune

    print(asyncio.run(_with_orm(settings, lambda: prune(settings))))
    return 0


def _positive(kind: type[int] | type[float]) -> Any:
    def parse(text: str) -> int | float:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{text!r} is not a {'whole ' if kind is int else ''}number") from None
        if not value > 0:
            raise argparse.ArgumentTypeError(f"{text!r} must be more than 0")
        return value
    return parse


def add_serve_parser(sub: Any) -> None:
    from forum.serving import DEFAULT_LIMITS as limits

    serve = sub.add_parser(
        "serve", help="serve the forum with uvicorn",
        description="Serve the forum (uvicorn, uvloop, httptools) with deadlines for slow "
                    "clients. Limits apply to each worker process.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on")
    serve.add_argument("--workers", type=_positive(int), default=1,
                       help="worker processes sharing the port")
    serve.add_argument("--access-log", action="store_true", help="log every request")
    serve.add_argument("--timeout-keep-alive", type=_positive(int), metavar="SECONDS",
                       default=limits.keep_alive_timeout,
                       help="close a kept-alive connection idle this long")
    serve.add_argument("--timeout-request-headers", type=_positive(float), metavar="SECONDS",
                       default=limits.request_header_timeout,
                       help="close a connection whose request line and headers are not all "
                            "there this long after it opened (or after the request began)")
    serve.add_argument("--timeout-request-body", type=_positive(float), metavar="SECONDS",
                       default=limits.request_body_timeout,
                       help="answer 408 and close when a request's body is not all there this "
                            "long after its headers")
    serve.add_argument("--limit-concurrency", type=_positive(int), metavar="N",
                       default=limits.limit_concurrency,
                       help="answer 503 to new requests while this many connections or "
                            "requests are open in a worker")
    serve.add_argument("--backlog", type=_positive(int), metavar="N", default=limits.backlog,
                       help="connections the kernel may queue before the forum accepts them")
    serve.add_argument("--timeout-graceful-shutdown", type=_positive(int), metavar="SECONDS",
                       default=limits.graceful_shutdown_timeout,
                       help="on SIGTERM, wait this long for requests in flight, then stop")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="forum", description="Hearth, a peer-support forum.")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="apply database migrations and load reference data")
    add_serve_parser(sub)
    create = sub.add_parser("createuser", help="create an account (password prompted or stdin)")
    create.add_argument("username")
    create.add_argument("--email")
    create.add_argument("--password-stdin", action="store_true")
    role = create.add_mutually_exclusive_group()
    role.add_argument("--moderator", action="store_true")
    role.add_argument("--admin", action="store_true")
    role_cmd = sub.add_parser("role", help="make an account a member, moderator or admin")
    role_cmd.add_argument("username")
    role_cmd.add_argument("role", choices=["member", "moderator", "admin"])
    resources = sub.add_parser("resources", help="the crisis resource directory")
    resources_sub = resources.add_subparsers(dest="resources_command", required=True)
    resources_import = resources_sub.add_parser(
        "import", help="load resources from a JSON file (idempotent; admins' edits kept)")
    resources_import.add_argument("file")
    seed = sub.add_parser("seed-demo", help="add demo stories to an empty forum")
    seed.add_argument("--force", action="store_true", help="add them even if stories exist")
    sub.add_parser("remove-demo", help="delete what `forum seed-demo` added (demo members, "
                   "their stories and replies); nothing real people wrote")
    check = sub.add_parser("check", help="show the configuration and the database's state")
    check.add_argument("--host", help="the address `forum serve` listens on (its --host): "
                                      "warns about settings that matter when others reach it")
    backup = sub.add_parser(
        "backup", help="copy the database to a new file, consistently, while the forum runs",
        description="SQLite: the online backup API; PostgreSQL: pg_dump --format=custom. "
                    "The anonymity key is never written into the backup: keep it apart.")
    backup.add_argument("dest", help="the backup file to create (must not exist)")
    restore = sub.add_parser(
        "restore", help="load a backup made by `forum backup` into an empty database",
        description="Refuses a database that already holds tables. Then run `forum migrate`.")
    restore.add_argument("src", help="the backup file")
    new_key = sub.add_parser("new-key", help="write a new random anonymity key to a new file")
    new_key.add_argument("file")
    rekey = sub.add_parser(
        "rekey", help="re-seal anonymous authorship under a new anonymity key (forum stopped)")
    rekey.add_argument("--new-key-file", required=True,
                       help="the new key (make one with `forum new-key FILE`)")
    rekey.add_argument("--old-key-file",
                       help="the old key, if the forum's settings no longer name it")
    worker = sub.add_parser(
        "worker", help="run background jobs (alerts, tidying) apart from `forum serve`")
    worker.add_argument("--drain", action="store_true",
                        help="run what is queued, then stop (retry pauses waited out)")
    worker.add_argument("--wait", type=float, default=60.0,
                        help="with --drain: seconds to wait for retries at most (60)")
    worker.add_argument("--concurrency", type=int, default=4,
                        help="jobs run at once (4)")
    sendtest = sub.add_parser("sendtest", help="send a test email (FORUM_SMTP_URL, or a file "
                              "under FORUM_VAR_DIR/mail when it is unset)")
    sendtest.add_argument("address")
    sub.add_parser("prune", help="delete expired sessions, old read notifications and "
                   "finished jobs (the hourly tidy-up, now)")
    return parser


COMMANDS = {
    "migrate": cmd_migrate,
    "serve": cmd_serve,
    "createuser": cmd_createuser,
    "role": cmd_role,
    "resources": cmd_resources,
    "seed-demo": cmd_seed_demo,
    "remove-demo": cmd_remove_demo,
    "check": cmd_check,
    "backup": cmd_backup,
    "restore": cmd_restore,
    "new-key": cmd_new_key,
    "rekey": cmd_rekey,
    "worker": cmd_worker,
    "prune": cmd_prune,
    "sendtest": cmd_sendtest,
}


def main(argv: Sequence[str] | None = None) -> int:
    from forum import sealing

    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"forum: {exc}", file=sys.stderr)
        return 2
    sealing.configure(settings.anonymity_secret)
    return COMMANDS[args.command](settings, args)
