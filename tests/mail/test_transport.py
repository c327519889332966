"""Mail leaves through the job table to a real SMTP server (aiosmtpd here): multipart plain
text and HTML, a Message-ID that stays the same on a retry, a login when the server wants
one (the login checked), a retry when it says "later"; with no FORUM_SMTP_URL the
message is a file under var/mail. A mail job is sealed: a database copy shows no address."""

from __future__ import annotations

import pytest
from tortoise import connections

from forum.jobs.runner import drain
from forum.mail.outbox import queue_mail
from forum.mail.transport import parse_smtp_url
from forum.models.jobs import Job, JobStatus

from ..conftest import make_settings
from ..smtp import smtp_server

ADDRESS = "wren@example.org"


async def test_a_queued_message_reaches_the_smtp_server_in_plain_text_and_html(
        db, var_dir, database_url):
    with smtp_server(auth=True) as (inbox, url):
        settings = make_settings(var_dir, database_url, FORUM_SMTP_URL=url)
        await queue_mail(ADDRESS, "test", {})
        assert await drain(settings) == 1
        [message] = inbox.wait_for(1)
    assert inbox.logged_in == [True]
    assert message["To"] == ADDRESS and message["Subject"] == "A test message from Hearth"
    assert message["From"] == settings.mail_from
    plain = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert plain is not None and "mail from Hearth reaches this address" in plain.get_content()
    assert html is not None and f'href="{settings.base_url}"' in html.get_content()
    job = await Job.get(kind="email")
    assert job.status is JobStatus.DONE and job.key in message["Message-ID"]


async def test_a_server_saying_later_gets_the_same_message_again(db, var_dir, database_url,
                                                                 monkeypatch):
    from forum.mail import outbox

    monkeypatch.setattr(outbox, "RETRY_DELAYS_SECONDS", (0.05, 0.05))
    with smtp_server() as (inbox, url):
        inbox.refuse = 1
        settings = make_settings(var_dir, database_url, FORUM_SMTP_URL=url)
        await queue_mail(ADDRESS, "test", {})
        await drain(settings, wait_seconds=5)
        messages = inbox.wait_for(1)
    assert len(messages) == 1
    job = await Job.get(kind="email")
    assert (job.status, job.attempts) == (JobStatus.DONE, 2)


async def test_without_a_server_the_message_is_a_file_under_var_mail(db, tmp_path,
                                                                     database_url):
    settings = make_settings(tmp_path, database_url)
    await queue_mail(ADDRESS, "test", {})
    await drain(settings)
    [written] = list((tmp_path / "mail").glob("*.eml"))
    assert f"To: {ADDRESS}" in written.read_text()
    assert oct(written.stat().st_mode & 0o777) == "0o600"


async def test_a_copy_of_the_database_shows_no_address_or_words_of_a_queued_mail(db):
    await queue_mail(ADDRESS, "test", {"secret_words": "the words of a reply"})
    rows = await connections.get("default").execute_query_dict("SELECT * FROM jobs")
    flat = repr(rows)
    assert ADDRESS not in flat and "the words" not in flat and "wren" not in flat
    assert len(rows[0]["payload"]) > 1024


@pytest.mark.backend_independent
@pytest.mark.parametrize(("url", "problem"), [
    ("http://mail.example.org", "must look like"),
    ("smtp://user:pw@mail.example.org:25?starttls=off", "needs TLS"),
    ("smtp://mail.example.org?starttls=maybe", "on or off"),
])
def test_smtp_urls_that_cannot_work_are_refused_with_a_reason(url, problem):
    with pytest.raises(ValueError, match=problem):
        parse_smtp_url(url)


@pytest.mark.backend_independent
def test_smtp_url_forms():
    assert parse_smtp_url("smtp://u:p%40ss@mail.example.org").port == 587
    assert parse_smtp_url("smtp://u:p%40ss@mail.example.org").password == "p@ss"
    assert parse_smtp_url("smtp://u:p@mail.example.org").starttls is True
    tls = parse_smtp_url("smtps://u:p@mail.example.org")
    assert (tls.port, tls.tls, tls.starttls) == (465, True, False)
    assert parse_smtp_url("smtp://relay.local:25").starttls is None
