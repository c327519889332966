"""Reading a thread in a real browser, at desk and phone widths: a post reached by its link
starts below the sticky header, each reply costs at most two tab stops, the actions menu
works, the page marks the thread read when the reader reaches its end (and the next visit
shows what is new), and without JavaScript a warned story's replies stay folded."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.async_api import Browser, Page, async_playwright, expect

from forum import sealing
from forum.models.reading import Bookmark, ReadPosition
from forum.queries.reading import reader_tag
from forum.sealing import sealer_for
from forum.sessions import SESSION_COOKIE

from ..factories import make_reply, make_story, make_user, sign_in_directly
from .conftest import SERVER_SECRET, LiveServer
from .test_browser import CHROMIUM, CHROMIUM_ARGS, TIMEOUT_MS, ConsoleWatch, require_chromium

pytestmark = pytest.mark.e2e

# Desk (one-line sticky header), a narrow desk where the sticky header wraps to its tallest,
# and a phone (the header scrolls away).
VIEWPORTS = ((1280, 800), (800, 800), (360, 740))
REPLIES = 12
MAX_TAB_STOPS_PER_REPLY = 2


async def open_page(browser: Browser, base: str, token: str, width: int, height: int,
                    javascript: bool = True) -> Page:
    context = await browser.new_context(viewport={"width": width, "height": height},
                                        java_script_enabled=javascript)
    context.set_default_timeout(TIMEOUT_MS)
    await context.add_cookies([{"name": SESSION_COOKIE, "value": token, "url": base}])
    return await context.new_page()


async def header_bottom(page: Page) -> float:
    """Where the sticky header ends on screen (0 when it is not sticky: it scrolled away)."""
    return float(await page.evaluate("""() => {
        const header = document.querySelector('.site-header');
        const style = getComputedStyle(header);
        return style.position === 'sticky' ? header.getBoundingClientRect().bottom : 0;
    }"""))


async def tab_stops_between(page: Page, first: str, second: str) -> int:
    """How many presses of Tab take focus from `first` to `second` (CSS selectors)."""
    await page.focus(first)
    for presses in range(1, 30):
        await page.keyboard.press("Tab")
        if await page.evaluate(f"document.activeElement === document.querySelector({second!r})"):
            return presses
    raise AssertionError(f"Tab never reached {second} from {first}")


async def test_reading_a_thread_in_a_browser(serve: Callable[..., LiveServer]) -> None:
    require_chromium()
    writer = await make_user("heron_writer")
    reader = await make_user("otter_reader")
    story = await make_story(writer, title="Long road", body="Day one.\n\n" * 10)
    replies = [await make_reply(writer, story, f"Reply {n}: still here. " * 12)
               for n in range(REPLIES)]
    token = await sign_in_directly(reader)
    base = serve().base_url
    url = f"{base}/stories/{story.thread_id}"
    console = ConsoleWatch()

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            for width, height in VIEWPORTS:
                page = await open_page(browser, base, token, width, height)
                console.watch(page.context, f"reader at {width}px")
                target = replies[8]
                await page.goto(f"{url}#post-{target.id}")
                await page.wait_for_load_state("load")
                await page.wait_for_timeout(100)  # the script's measure and scroll
                post_top = await page.evaluate(
                    f"document.getElementById('post-{target.id}').getBoundingClientRect().top")
                bottom = await header_bottom(page)
                assert post_top >= bottom, (width, post_top, bottom)
                assert post_top < height / 2, (width, post_top)  # and it is on screen
                if width >= 800:
                    assert bottom > 0, "the header should be sticky at this width"

                # Two tab stops per reply: its time link and its Actions button.
                for n in (3, 4):
                    here, after = replies[n], replies[n + 1]
                    stops = await tab_stops_between(
                        page, f"#post-{here.id} .post__time", f"#post-{after.id} .post__time")
                    assert stops <= MAX_TAB_STOPS_PER_REPLY, (width, stops)
                await page.context.close()

            # The menu holds the reply's actions; Bookmark works from it.
            page = await open_page(browser, base, token, 360, 740)
            console.watch(page.context, "reader at 360px")
            await page.goto(url)
            reply = page.locator(f"#post-{replies[2].id}")
            await expect(reply.get_by_role("button", name="Bookmark")).to_be_hidden()
            await reply.locator("summary.post-menu__button").click()
            for name in ("Reply to this", "Report"):
                await expect(reply.get_by_role("link", name=name)).to_be_visible()
            await expect(reply.get_by_role("button", name="Hug")).to_be_visible()
            await reply.get_by_role("button", name="Bookmark").click()
            await page.wait_for_url(f"**/stories/{story.thread_id}#post-{replies[2].id}")
            assert await Bookmark.filter(user_id=reader.id, post_id=replies[2].id).exists()

            # Reaching the end of the page marks the thread read, in the background.
            await page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
            await expect(page.get_by_role("button", name="Marked as read")).to_be_visible()
            with sealing.using(sealer_for(SERVER_SECRET)):  # the server's key, not the tests'
                tag = reader_tag(reader.id, story.thread_id)
            read = await ReadPosition.get(reader_tag=tag)
            assert read.last_read_post_id == replies[-1].id

            # The next visit says what is new, and the jump lands below the header.
            fresh = await make_reply(writer, story, "Something new since you read")
            await page.goto(url)
            await expect(page.get_by_text("New since your last visit")).to_be_visible()
            await page.get_by_role("link", name="Jump to the first unread reply").click()
            await page.wait_for_url(f"**#post-{fresh.id}")
            await expect(page.locator(f"#post-{fresh.id}")).to_be_in_viewport()
            await page.context.close()

            # Without JavaScript a warned story keeps its replies folded with it.
            warned = await make_story(writer, title="Hard night", body="The hard part.",
                                      warnings=["suicide"])
            await make_reply(writer, warned, "A reply that repeats the hard part")
            page = await open_page(browser, base, token, 360, 740, javascript=False)
            await page.goto(f"{base}/stories/{warned.thread_id}")
            await expect(page.get_by_text("A reply that repeats the hard part")).to_be_hidden()
            await page.get_by_text("Show the story and its 1 reply").click()
            await expect(page.get_by_text("A reply that repeats the hard part")).to_be_visible()
            await page.context.close()
        finally:
            await browser.close()
    assert console.problems == []
