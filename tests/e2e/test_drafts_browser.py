"""Writing a story in a real browser: the autosave keeps it on the server (never in the
browser's storage), a fresh page brings it back, the preview shows a table and a linked
address in place, and sharing the story lets the draft go."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.async_api import async_playwright, expect

from .conftest import LiveServer
from .test_browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    TIMEOUT_MS,
    ConsoleWatch,
    require_chromium,
    sign_up,
)

pytestmark = pytest.mark.e2e

WRITER = "lark_drafter"
TITLE = "What the mornings are like"
BODY = ("| when | what helped |\n|---|---|\n| mornings | tea on the step |\n\n"
        "This list helped me: https://example.org/steps")
TEXT = "Typed slowly.\n\n" + BODY


async def test_autosave_brings_the_story_back_and_the_preview_shows_it_rendered(
        serve: Callable[..., LiveServer]) -> None:
    require_chromium()
    base = serve().base_url
    console = ConsoleWatch()
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            context = await browser.new_context()
            context.set_default_timeout(TIMEOUT_MS)
            console.watch(context, WRITER)
            page = await context.new_page()
            await sign_up(page, base, WRITER)
            await page.goto(base + "/stories/new")
            await page.get_by_label("Category").select_option(label="Small Wins")
            await page.get_by_label("Title", exact=True).fill(TITLE)
            await page.get_by_label("Your story").press_sequentially("Typed slowly.")
            await page.get_by_label("Your story").fill(TEXT)
            status = page.locator("[data-draft-status]")
            await expect(status).to_have_text(re.compile(r"^Draft saved \d"))
            assert await page.evaluate("localStorage.length + sessionStorage.length") == 0

            # A fresh page (not a reload, which the browser may refill itself) has it back.
            again = await context.new_page()
            await again.goto(base + "/stories/new")
            await expect(again.get_by_label("Title", exact=True)).to_have_value(TITLE)
            await expect(again.get_by_label("Your story")).to_have_value(TEXT)
            await page.close()

            # The preview, in place: the table and the address as readers will see them.
            await again.get_by_role("button", name="Preview").click()
            preview = again.locator("[data-preview-area]")
            await expect(preview).to_be_visible()
            await expect(preview.locator("table td").first).to_have_text("mornings")
            link = preview.locator('a[href="https://example.org/steps"]')
            await expect(link).to_have_attribute("rel", "nofollow ugc noopener")
            await expect(again).to_have_url(base + "/stories/new")  # no page was sent

            await again.get_by_role("button", name="Share your story").click()
            await expect(again).to_have_url(re.compile(rf"^{re.escape(base)}/stories/\d+$"))
            await expect(again.locator("article.post--story table")).to_be_visible()
            story_url = again.url
            await again.goto(base + "/drafts")
            await expect(again.get_by_text("You have no drafts.")).to_be_visible()
            # A reply begun in the story page's box is put back there on a fresh page (the
            # page itself is sent without it: a page view reads no drafts).
            await again.goto(story_url)
            await again.get_by_label("Your reply").press_sequentially("Still here.")
            reply_status = again.locator("form:has(#body) [data-draft-status]")
            await expect(reply_status).to_have_text(re.compile(r"^Draft saved \d"))
            fresh = await context.new_page()
            await fresh.goto(story_url)
            await expect(fresh.get_by_label("Your reply")).to_have_value("Still here.")
            await expect(fresh.locator("form:has(#body) [data-draft-status]")).to_have_text(
                re.compile(r"^Your draft from \d.* is back\.$"))
            await context.close()
        finally:
            await browser.close()
    assert console.problems == []
