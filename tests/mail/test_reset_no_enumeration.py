"""Asking for a reset link tells nobody whether an address belongs to an account: the same
status, the same body and the same work (the same database statements) for a verified
address, an unverified one and one nobody has; only the verified one is ever mailed."""

from __future__ import annotations

import email
import email.policy
import logging
from datetime import UTC, datetime
from email.message import EmailMessage

from forum.jobs.runner import drain
from forum.models.accounts import User

from ..conftest import count_queries, make_settings
from ..factories import make_user
from ..smtp import smtp_server
from .recovery_helpers import NEW_PASSWORD, link_in, token_of

KNOWN = "lark@example.org"
UNVERIFIED = "finch@example.org"
UNKNOWN = "nobody-here@example.org"


async def _accounts() -> None:
    lark = await make_user("lark", email=KNOWN)
    await User.filter(id=lark.id).update(email_verified_at=datetime.now(UTC))
    await make_user("finch", email=UNVERIFIED)


async def test_the_api_answers_every_address_alike_and_mails_only_the_verified_one(
        client_factory, var_dir, database_url):
    await _accounts()
    client = await client_factory()
    await client.api("POST", "/api/v1/password-reset", json={"email": "warm-up@example.org"})
    answers, statements = {}, {}
    for address in (KNOWN, UNVERIFIED, UNKNOWN):
        with count_queries() as counted:
            answers[address] = await client.api("POST", "/api/v1/password-reset",
                                                json={"email": address})
        statements[address] = counted.statements
    known = answers[KNOWN]
    assert known.status_code == 202
    for address in (UNVERIFIED, UNKNOWN):
        assert answers[address].status_code == known.status_code
        assert answers[address].content == known.content
        assert answers[address].headers.get("content-length") == known.headers.get(
            "content-length")
        assert statements[address] == statements[KNOWN]  # the same work, statement for statement
    assert statements[KNOWN], "the request did no database work at all"

    with smtp_server() as (inbox, url):
        await drain(make_settings(var_dir, database_url, FORUM_SMTP_URL=url))
        inbox.wait_for(1)
    assert inbox.recipients == [[KNOWN]]  # the unverified and unknown addresses got nothing


async def test_the_page_answers_every_address_alike(client_factory, var_dir, database_url):
    await _accounts()
    client = await client_factory()
    await client.post_form("/password-reset", {"email": "warm-up@example.org"})
    pages = {address: await client.post_form("/password-reset", {"email": address})
             for address in (KNOWN, UNKNOWN)}
    assert pages[KNOWN].status_code == pages[UNKNOWN].status_code == 200
    assert pages[KNOWN].text == pages[UNKNOWN].text  # same visitor, same CSRF token: same page
    assert "Check your inbox" in pages[UNKNOWN].text
    with smtp_server() as (inbox, url):
        await drain(make_settings(var_dir, database_url, FORUM_SMTP_URL=url))
        inbox.wait_for(1)
    assert inbox.recipients == [[KNOWN]]


async def test_a_database_copy_does_not_show_which_address_asked(client_factory):
    from tortoise import connections

    client = await client_factory()
    await client.api("POST", "/api/v1/password-reset", json={"email": UNKNOWN})
    rows = await connections.get("default").execute_query_dict("SELECT * FROM jobs")
    assert rows and UNKNOWN not in repr(rows) and "nobody-here" not in repr(rows)


async def test_no_log_line_holds_the_address_or_the_link(client_factory, tmp_path, database_url,
                                                          caplog):
    """Without FORUM_SMTP_URL each message is a file and a line is logged: that line, and
    every other the forum logs on the way, names neither the address nor the link."""
    await _accounts()
    client = await client_factory()
    caplog.set_level(logging.DEBUG, logger="forum")
    await client.api("POST", "/api/v1/password-reset", json={"email": KNOWN})
    await client.api("POST", "/api/v1/password-reset", json={"email": UNKNOWN})
    await drain(make_settings(tmp_path, database_url))
    [written] = list((tmp_path / "mail").glob("*.eml"))
    message = email.message_from_bytes(written.read_bytes(), policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    link = link_in(message, "/password-reset/confirm")
    await client.api("POST", "/api/v1/password-reset/confirm",
                     json={"token": token_of(link), "password": NEW_PASSWORD})
    logged = "\n".join(record.getMessage() for record in caplog.records
                       if not record.name.startswith("tortoise"))
    assert "wrote the message" in logged  # the check reads what the forum really logs
    for secret in (KNOWN, UNKNOWN, "lark", token_of(link)):
        assert secret not in logged
