"""Someone who reads the server's logs (at the level a forum runs with, INFO) after a stretch of
ordinary use: no line names a member, their address or a seal beside what they did. The access
log (client addresses and paths) is off unless `forum serve --access-log` asks for it."""

from __future__ import annotations

import logging
import re

from forum.cli import build_parser

from .test_database_copy_authorship import app, ordinary_use  # noqa: F401  (the same use)

NAMES = ("wren_author", "otter_reader", "fox_reader", "dove_leaving", "owl_teller",
         "kestrel_mod")


def problems(lines: list[str]) -> list[str]:
    return [line for line in lines
            if any(name in line for name in NAMES) or "@example" in line
            or "127.0.0.1" in line or re.search(r"v1:[A-Za-z0-9_=-]{20,}|[0-9a-f]{40}", line)]


def server_lines(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records
            if not r.name.startswith("httpx")]  # the test's own client, not the server


async def test_the_logs_of_ordinary_use_name_nobody(client_factory, caplog):
    caplog.set_level(logging.INFO)
    world = await ordinary_use(client_factory)
    assert world.anonymous  # the use really happened
    assert problems(server_lines(caplog)) == []


def test_the_check_sees_a_name_in_the_logs(caplog):
    caplog.set_level(logging.INFO)
    logging.getLogger("forum.planted").info("wren_author wrote post 12")
    assert problems(server_lines(caplog)) == ["wren_author wrote post 12"]


def test_the_access_log_is_off_unless_asked_for():
    parser = build_parser()
    assert parser.parse_args(["serve"]).access_log is False
    assert parser.parse_args(["serve", "--access-log"]).access_log is True
