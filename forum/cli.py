"""The `forum` command."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import getpass
import sys
from collections.abc import Sequence

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
    import uvicorn

    from forum.db import refresh_statistics_at_start
    from forum.key_location import startup_refusal

    if refusal := startup_refusal(settings):
        print(f"forum: {refusal}", file=sys.stderr)
        return 2
    asyncio.run(refresh_statistics_at_start(settings))
    uvicorn.run(
        "forum.asgi:app",
        host=args.host,
        port=args.port,
        workers=args.workers,
        loop="uvloop",
        http="httptools",
        proxy_headers=False,
        access_log=args.access_log,
        server_header=False,
    )
    return 0


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


def cmd_prune(settings: Settings, _args: argparse.Namespace) -> int:
    from forum.actions.maintenance import prune

    print(asyncio.run(_with_orm(settings, lambda: prune(settings))))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="forum", description="Hearth, a peer-support forum.")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="apply database migrations and load reference data")
    serve = sub.add_parser("serve", help="serve the forum with uvicorn")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument("--access-log", action="store_true")
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
    check = sub.add_parser("check", help="show the configuration and the database's state")
    check.add_argument("--host", help="the address `forum serve` listens on (its --host): "
                                      "warns about settings that matter when others reach it")
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
    "check": cmd_check,
    "new-key": cmd_new_key,
    "rekey": cmd_rekey,
    "worker": cmd_worker,
    "prune": cmd_prune,
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
