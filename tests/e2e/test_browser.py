"""One whole flow in a real browser (Debian's Chromium through Playwright) against `forum serve`.

A signs up and writes a story with a content warning; B signs up in a separate browser
context and replies; both see the story and the reply. No page may log a console error.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.async_api import (
    BrowserContext,
    ConsoleMessage,
    Error,
    Page,
    async_playwright,
    expect,
)

from .conftest import LiveServer

pytestmark = pytest.mark.e2e

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 15_000

PASSWORD = "a gentle harbour at dusk"
WRITER = "wren_writer"
READER = "otter_reader"
TITLE = "My first meeting"
STORY = "I went to my first meeting today.\n\nI was *terrified* but I stayed to the end."
REPLY = "Staying to the end takes real courage. Proud of you."

expect.set_options(timeout=TIMEOUT_MS)


def require_chromium() -> None:
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message}; under CI=true the browser tests must run.", pytrace=False)
        else:
            pytest.skip(f"{message}; CI is not 'true', so the browser test is skipped.")


class ConsoleWatch:
    """Collects console errors and uncaught exceptions from every page of the contexts."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def watch(self, context: BrowserContext, who: str) -> None:
        context.on("page", lambda page: self._watch_page(page, who))

    def _watch_page(self, page: Page, who: str) -> None:
        def on_console(message: ConsoleMessage) -> None:
            if message.type == "error":
                self.problems.append(f"{who} console error on {page.url}: {message.text} "
                                     f"({message.location})")

        def on_page_error(error: Error) -> None:
            self.problems.append(f"{who} uncaught error on {page.url}: {error}")

        page.on("console", on_console)
        page.on("pageerror", on_page_error)


async def sign_up(page: Page, base_url: str, username: str) -> None:
    await page.goto(base_url + "/signup")
    await expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Join "))
    await page.get_by_label("Username").fill(username)
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_label("Email").fill(f"{username}@example.org")
    await page.get_by_role("button", name="Create my account").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Your recovery codes")
    await page.get_by_role("link", name="I have kept them — continue").click()
    await expect(page).to_have_url(base_url + "/")
    account = page.get_by_role("navigation", name="Account")
    await expect(account.get_by_role("link", name=username, exact=True)).to_be_visible()
    await expect(account.get_by_role("button", name="Sign out")).to_be_visible()


async def open_warned_thread(page: Page) -> None:
    """The story carries a warning: it and its replies are folded together until opened."""
    folded = page.locator("details.thread-warned")
    await expect(folded).to_have_count(1)
    if await folded.get_attribute("open") is None:
        await folded.locator("> summary").click()


async def sees_story_and_reply(page: Page, reply_author: str) -> None:
    await expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    await open_warned_thread(page)
    story = page.locator("article.post--story")
    await expect(story).to_contain_text("I went to my first meeting today.")
    await expect(story).to_contain_text("I was terrified but I stayed to the end.")
    await expect(story.locator("em")).to_have_text("terrified")
    await expect(story.locator(".author")).to_have_text(WRITER)
    await expect(page.locator(".cw-badge")).to_have_text("This story mentions: substance use")
    await expect(page.get_by_role("heading", name="1 reply", exact=True)).to_be_visible()
    replies = page.locator("article.post--reply")
    await expect(replies).to_have_count(1)
    await expect(replies).to_contain_text(REPLY)
    await expect(replies.locator(".author")).to_have_text(reply_author)


async def test_a_story_and_a_reply_through_the_browser(
        serve: Callable[..., LiveServer]) -> None:
    require_chromium()
    base = serve().base_url
    console = ConsoleWatch()

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            writer_context = await browser.new_context()
            reader_context = await browser.new_context()
            for context, who in ((writer_context, WRITER), (reader_context, READER)):
                context.set_default_timeout(TIMEOUT_MS)
                console.watch(context, who)

            # A joins and writes a story with a content warning.
            a = await writer_context.new_page()
            await sign_up(a, base, WRITER)
            await a.get_by_role("navigation", name="Account").get_by_role(
                "link", name="Write a story").click()
            await expect(a).to_have_url(base + "/stories/new")
            await a.get_by_label("Category").select_option(label="Small Wins")
            await a.get_by_label("Title", exact=True).fill(TITLE)
            await a.get_by_label("Your story").fill(STORY)
            await a.get_by_role("checkbox", name="substance use", exact=True).check()
            await a.get_by_role("button", name="Share your story").click()
            await expect(a).to_have_url(re.compile(rf"^{re.escape(base)}/stories/\d+$"))
            story_url = a.url
            await expect(a.get_by_role("heading", level=1)).to_have_text(TITLE)
            await expect(a.locator("article.post--story")).to_contain_text(
                "I was terrified but I stayed to the end.")
            await expect(a.locator(".cw-badge")).to_have_text(
                "This story mentions: substance use")
            await open_warned_thread(a)
            await expect(a.get_by_role("heading", name="0 replies", exact=True)).to_be_visible()
            await expect(a.get_by_text("No replies yet.")).to_be_visible()

            # B joins in another context (no shared cookies), opens the story and replies.
            b = await reader_context.new_page()
            await sign_up(b, base, READER)
            await b.goto(story_url)
            await expect(b.get_by_role("heading", level=1)).to_have_text(TITLE)
            await b.get_by_label("Your reply").fill(REPLY)
            await b.get_by_role("button", name="Post reply").click()
            await expect(b).to_have_url(re.compile(rf"^{re.escape(story_url)}#post-\d+$"))
            await sees_story_and_reply(b, READER)

            # A sees B's reply on the story page.
            await a.reload()
            await sees_story_and_reply(a, READER)

            # A signs out; the thread stays readable, and the reply form becomes an invitation.
            await a.get_by_role("button", name="Sign out").click()
            await expect(a).to_have_url(base + "/")
            await expect(a.get_by_role("link", name="Sign in", exact=True)).to_be_visible()
            await a.goto(story_url)
            await sees_story_and_reply(a, READER)
            await expect(a.locator(".reply-cta")).to_contain_text("join to reply")
            await expect(a.get_by_label("Your reply")).to_have_count(0)

            await writer_context.close()
            await reader_context.close()
        finally:
            await browser.close()

    assert console.problems == []
