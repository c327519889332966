"""Safety on a phone, in a real browser: Quick exit stays in reach on a long thread, Escape
twice never throws away a draft, and the signed-in header leaves room for the page.

Phone viewports 360×740 and 320×740, in the light and the dark colour scheme. Screenshots go
to the test's temporary folder (kept by pytest) for a person to look at.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Literal

import pytest
from playwright.async_api import Browser, BrowserContext, Page, async_playwright, expect

from forum.models.accounts import Role
from forum.sessions import SESSION_COOKIE

from ..factories import make_reply, make_story, make_user, sign_in_directly
from .conftest import LiveServer
from .test_browser import CHROMIUM, CHROMIUM_ARGS, TIMEOUT_MS, ConsoleWatch, require_chromium
from .test_safety_browser import EXIT_URL, neutral_exit_page

pytestmark = pytest.mark.e2e

PHONE_HEIGHT = 740
PHONE_WIDTHS = (320, 360, 414)
MAX_HEADER_PX = PHONE_HEIGHT // 4  # at most a quarter of the screen: 185 px
MIN_TARGET_PX = 44  # WCAG 2.5.5 target size
LONG_THREAD_REPLIES = 30
DRAFT = "I have not told anyone this yet, but"
Scheme = Literal["light", "dark"]


async def phone(browser: Browser, width: int, scheme: Scheme, base: str,
                token: str | None = None, javascript: bool = True) -> BrowserContext:
    context = await browser.new_context(
        viewport={"width": width, "height": PHONE_HEIGHT}, device_scale_factor=2,
        is_mobile=True, has_touch=True, color_scheme=scheme, java_script_enabled=javascript)
    context.set_default_timeout(TIMEOUT_MS)
    await neutral_exit_page(context)
    if token:
        await context.add_cookies([{"name": SESSION_COOKIE, "value": token, "url": base}])
    return context


async def quick_exit_box(page: Page) -> dict[str, float]:
    box = await page.locator("a.quick-exit").bounding_box()
    assert box is not None, "Quick exit is not rendered"
    return box


async def assert_quick_exit_in_view(page: Page, width: int) -> None:
    box = await quick_exit_box(page)
    assert box["width"] >= MIN_TARGET_PX and box["height"] >= MIN_TARGET_PX, box
    assert box["x"] >= 0 and box["x"] + box["width"] <= width, box
    assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE_HEIGHT, box


async def assert_no_horizontal_overflow(page: Page) -> None:
    scroll_width, client_width = await page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert scroll_width <= client_width, (scroll_width, client_width)


@pytest.mark.parametrize("scheme", ["light", "dark"])
async def test_quick_exit_escape_and_header_on_a_phone(
        serve: Callable[..., LiveServer], tmp_path: Path, scheme: Scheme) -> None:
    require_chromium()
    author = await make_user("heron_author")
    # A moderator has the most header links, and an unread notification adds a badge.
    reader = await make_user("kestrel_reader_long_name", role=Role.MODERATOR)
    story = await make_story(author, title="A long night", body="It was a long night.\n\n" * 20)
    for number in range(LONG_THREAD_REPLIES):
        await make_reply(reader if number % 2 else author, story,
                         body=f"Reply {number}: still here with you. " * 8)
    token = await sign_in_directly(reader)
    base = serve().base_url
    story_url = f"{base}/stories/{story.thread_id}"
    console = ConsoleWatch()
    shots = tmp_path / "screens"
    shots.mkdir()

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            for width in PHONE_WIDTHS:
                context = await phone(browser, width, scheme, base, token)
                console.watch(context, f"reader at {width}px")
                page = await context.new_page()
                await page.goto(story_url)
                await expect(page.get_by_role("heading", level=1)).to_have_text("A long night")

                # The signed-in header takes at most a quarter of the screen, nothing overflows.
                header = await page.locator("header.site-header").bounding_box()
                assert header is not None
                assert header["height"] <= MAX_HEADER_PX, (width, header)
                await assert_no_horizontal_overflow(page)
                await assert_quick_exit_in_view(page, width)
                await page.screenshot(path=shots / f"{scheme}-{width}-top.png")

                # Every account link is still reachable: open the menu and follow one.
                account = page.get_by_role("navigation", name="Account")
                await expect(account.get_by_role("link", name="Notifications")).to_be_hidden()
                await page.locator(".account-menu > summary").click()
                for name in ("Write a story", "Moderation", "Notifications",
                             "kestrel_reader_long_name"):
                    link = account.get_by_role("link", name=name)
                    await expect(link).to_be_in_viewport()
                    menu_box = await link.bounding_box()
                    assert menu_box is not None and menu_box["height"] >= MIN_TARGET_PX
                await expect(account.get_by_role("button", name="Sign out")).to_be_in_viewport()
                await assert_no_horizontal_overflow(page)
                await page.screenshot(path=shots / f"{scheme}-{width}-menu.png")
                await page.locator(".account-menu > summary").click()

                # At the bottom of a long thread Quick exit is still on screen, thumb-sized,
                # and the last words of the page are not under it.
                await page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
                await page.wait_for_function(
                    "window.scrollY + innerHeight >= document.documentElement.scrollHeight - 1")
                assert await page.evaluate("window.scrollY") > PHONE_HEIGHT * 3
                await assert_quick_exit_in_view(page, width)
                exit_box = await quick_exit_box(page)
                footer_text = await page.locator(".site-footer p").bounding_box()
                assert footer_text is not None
                assert footer_text["y"] + footer_text["height"] <= exit_box["y"], (
                    footer_text, exit_box)
                await page.screenshot(path=shots / f"{scheme}-{width}-bottom.png")

                # Typing in the reply box: the box, focused and scrolled to, is not under
                # Quick exit, and Escape twice keeps the draft (and says how to leave).
                reply_box = page.locator("textarea[name=body]")
                await reply_box.click()
                await reply_box.fill(DRAFT)
                await reply_box.scroll_into_view_if_needed()
                field = await reply_box.bounding_box()
                exit_box = await quick_exit_box(page)
                assert field is not None
                overlap = (field["y"] < exit_box["y"] + exit_box["height"]
                           and exit_box["y"] < field["y"] + field["height"]
                           and field["x"] < exit_box["x"] + exit_box["width"]
                           and exit_box["x"] < field["x"] + field["width"])
                if overlap:
                    # The box may be taller than what is left of the screen; its first
                    # lines, where the words are, must still be clear.
                    assert field["y"] + 3 * 24 <= exit_box["y"], (field, exit_box)
                await page.keyboard.press("Escape")
                await page.keyboard.press("Escape")
                await page.wait_for_timeout(300)
                assert page.url == story_url
                await expect(reply_box).to_have_value(DRAFT)
                await expect(page.locator(".quick-exit-note")).to_contain_text("Quick exit")
                await page.screenshot(path=shots / f"{scheme}-{width}-draft.png")

                # The button itself always leaves, draft or not.
                await page.locator("a.quick-exit").click()
                await expect(page).to_have_url(EXIT_URL)

                # With every field empty, Escape twice leaves at once.
                page = await context.new_page()
                await page.goto(story_url)
                await page.locator("textarea[name=body]").fill("  ")
                await page.keyboard.press("Escape")
                await page.keyboard.press("Escape")
                await expect(page).to_have_url(EXIT_URL)
                await context.close()
        finally:
            await browser.close()
    assert console.problems == []


async def test_the_phone_header_and_quick_exit_work_without_javascript(
        serve: Callable[..., LiveServer], tmp_path: Path) -> None:
    require_chromium()
    reader = await make_user("wren_reader", role=Role.MODERATOR)
    author = await make_user("heron_author")
    story = await make_story(author, title="Small steps", body="One small step.\n\n" * 30)
    token = await sign_in_directly(reader)
    base = serve().base_url

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            context = await phone(browser, 320, "light", base, token, javascript=False)
            page = await context.new_page()
            await page.goto(f"{base}/stories/{story.thread_id}")
            header = await page.locator("header.site-header").bounding_box()
            assert header is not None and header["height"] <= MAX_HEADER_PX, header
            await assert_no_horizontal_overflow(page)

            # Quick exit is still the first control after the skip link and Get help.
            focused = []
            for _ in range(3):
                await page.keyboard.press("Tab")
                focused.append(await page.evaluate("document.activeElement.textContent.trim()"))
            assert focused == ["Skip to content", "Get help now", "Quick exit"], focused

            # The menu opens with the keyboard, and its links work.
            summary = page.locator(".account-menu > summary")
            await summary.focus()
            await page.keyboard.press("Enter")
            notifications = page.get_by_role("navigation", name="Account").get_by_role(
                "link", name="Notifications")
            await expect(notifications).to_be_in_viewport()
            await page.screenshot(path=tmp_path / "nojs-320-menu.png")
            await notifications.click()
            await expect(page).to_have_url(f"{base}/notifications")

            # Scrolled down, Quick exit is in view and is a plain link that leaves.
            await page.goto(f"{base}/stories/{story.thread_id}")
            await page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
            await assert_quick_exit_in_view(page, 320)
            await page.get_by_role("link", name="Quick exit").click()
            await expect(page).to_have_url(EXIT_URL)

            # On a wide screen there is no Menu: the account links sit in the header row,
            # and the sticky header keeps Quick exit where it was.
            wide = await browser.new_context(viewport={"width": 1280, "height": 800},
                                             java_script_enabled=False)
            await wide.add_cookies([{"name": SESSION_COOKIE, "value": token, "url": base}])
            page = await wide.new_page()
            await page.goto(f"{base}/stories/{story.thread_id}")
            await expect(page.locator(".account-menu > summary")).to_be_hidden()
            account = page.get_by_role("navigation", name="Account")
            for name in ("Write a story", "Moderation", "Notifications", "wren_reader"):
                await expect(account.get_by_role("link", name=name)).to_be_visible()
            await page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
            await expect(page.get_by_role("link", name="Quick exit")).to_be_in_viewport()
            await page.screenshot(path=tmp_path / "nojs-1280.png")
        finally:
            await browser.close()


async def test_escape_twice_keeps_words_a_refused_form_gave_back(
        serve: Callable[..., LiveServer], tmp_path: Path) -> None:
    """The server refused the story (no title) and showed the words again: they are still
    unsaved, so Escape twice must not throw them away, though nothing was typed since."""
    require_chromium()
    writer = await make_user("wren_writer")
    token = await sign_in_directly(writer)
    base = serve().base_url

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            context = await phone(browser, 360, "light", base, token)
            page = await context.new_page()
            await page.goto(f"{base}/stories/new")
            await page.get_by_label("Your story").fill(DRAFT)
            # As an older browser would: send it without the title the form asks for.
            await page.evaluate("document.querySelector('#title').removeAttribute('required')")
            await page.get_by_label("Category").select_option(index=1)
            await page.locator("form.story-form [type=submit]:not([formaction])").click()
            await expect(page.locator(".form-errors")).to_be_visible()
            await expect(page.get_by_label("Your story")).to_have_value(DRAFT)
            await page.locator("body").click(position={"x": 5, "y": 300})
            await page.keyboard.press("Escape")
            await page.keyboard.press("Escape")
            await page.wait_for_timeout(300)
            assert page.url.startswith(base), page.url
            await expect(page.get_by_label("Your story")).to_have_value(DRAFT)
            await expect(page.locator(".quick-exit-note")).to_be_visible()

            # A typed search or user name is no draft: there Escape twice still leaves.
            signin = await (await phone(browser, 360, "light", base)).new_page()
            await signin.goto(f"{base}/signin")
            await assert_no_horizontal_overflow(signin)
            await signin.screenshot(path=tmp_path / "guest-360-signin.png")
            await signin.get_by_label("Username").fill("wren_writer")
            await signin.locator("#site-search").fill("feeling alone")
            await signin.keyboard.press("Escape")
            await signin.keyboard.press("Escape")
            await expect(signin).to_have_url(EXIT_URL)
        finally:
            await browser.close()
