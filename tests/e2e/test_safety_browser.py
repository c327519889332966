"""Quick exit and content-warning collapse in a real browser, with and without JavaScript."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.async_api import BrowserContext, Route, async_playwright, expect

from ..factories import make_story, make_user
from .conftest import LiveServer
from .test_browser import CHROMIUM, CHROMIUM_ARGS, TIMEOUT_MS, ConsoleWatch, require_chromium

pytestmark = pytest.mark.e2e

EXIT_URL = "https://www.google.com/search?q=weather"  # the default FORUM_QUICK_EXIT_URL
BODY = "The night I finally asked for help."


async def neutral_exit_page(context: BrowserContext) -> None:
    """No internet here: answer the quick-exit address with a stand-in page."""
    async def fulfil(route: Route) -> None:
        await route.fulfill(status=200, content_type="text/html",
                            body="<!doctype html><title>Weather</title><p>Sunny</p>")
    await context.route("https://www.google.com/**", fulfil)


async def test_quick_exit_and_warned_stories_with_and_without_javascript(
        serve: Callable[..., LiveServer]) -> None:
    require_chromium()
    author = await make_user("heron_author")
    story = await make_story(author, title="Asking for help", body=BODY,
                             warnings=["suicide"], category="depression-anxiety")
    base = serve().base_url
    story_url = f"{base}/stories/{story.thread_id}"
    console = ConsoleWatch()

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            with_js = await browser.new_context()
            without_js = await browser.new_context(java_script_enabled=False)
            for context in (with_js, without_js):
                context.set_default_timeout(TIMEOUT_MS)
                await neutral_exit_page(context)
            console.watch(with_js, "reader")

            # The warned story's words stay hidden until the reader chooses to open them.
            page = await with_js.new_page()
            await page.goto(base + "/")
            await page.goto(story_url)
            body = page.locator("article.post--story .post__body")
            await expect(body).to_be_hidden()
            await page.get_by_text("Show the story").click()
            await expect(body).to_be_visible()
            await expect(body).to_contain_text(BODY)

            # Escape twice leaves at once, and Back does not bring the story back.
            await page.keyboard.press("Escape")
            await page.keyboard.press("Escape")
            await expect(page).to_have_url(EXIT_URL)
            await page.go_back()
            await expect(page).to_have_url(base + "/")

            # The Quick exit link is right after the skip link and Get help in tab order.
            page = await with_js.new_page()
            await page.goto(story_url)
            focused = []
            for _ in range(3):
                await page.keyboard.press("Tab")
                focused.append(await page.evaluate("document.activeElement.textContent.trim()"))
            assert focused == ["Skip to content", "Get help now", "Quick exit"], focused

            # Without JavaScript: the collapse still works, and Quick exit is a real link.
            plain = await without_js.new_page()
            await plain.goto(story_url)
            body = plain.locator("article.post--story .post__body")
            await expect(body).to_be_hidden()
            await plain.get_by_text("Show the story").click()
            await expect(body).to_be_visible()
            await plain.get_by_role("link", name="Quick exit").click()
            await expect(plain).to_have_url(EXIT_URL)
        finally:
            await browser.close()
    assert console.problems == []
