"""Moderating on a phone, in a real browser: the queue at 360 px (tick and approve, the
keyboard shortcuts, reject through its confirm page), the audit log at 320 px (a table that
scrolls in a labelled region rather than breaking words), and a member's notifications
(grouped, unread without bold, targets of at least 24 px)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.async_api import Browser, BrowserContext, Page, async_playwright, expect

from forum.actions.posting import create_reply
from forum.models.accounts import Role
from forum.models.content import Category, Post, PostStatus, Premoderation, Thread
from forum.queries.moderation import ApprovalRules
from forum.schemas.posting import ReplyIn
from forum.sessions import SESSION_COOKIE

from ..factories import make_reply, make_story, make_user, sign_in_directly
from .conftest import LiveServer
from .test_browser import CHROMIUM, CHROMIUM_ARGS, TIMEOUT_MS, ConsoleWatch, require_chromium

pytestmark = pytest.mark.e2e

HEIGHT = 740
MIN_TARGET_PX = 24  # WCAG 2.2 SC 2.5.8, target size (minimum)
NARROWEST_CELL_CH = 6  # a table cell narrower than this breaks words letter by letter


async def phone(browser: Browser, width: int, base: str, token: str) -> BrowserContext:
    context = await browser.new_context(viewport={"width": width, "height": HEIGHT},
                                        device_scale_factor=2, is_mobile=True, has_touch=True)
    context.set_default_timeout(TIMEOUT_MS)
    await context.add_cookies([{"name": SESSION_COOKIE, "value": token, "url": base}])
    return context


async def no_horizontal_overflow(page: Page) -> None:
    scroll, client = await page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert scroll <= client, (page.url, scroll, client)


async def small_targets(page: Page, scope: str) -> list[str]:
    """Links and buttons in ``scope`` smaller than MIN_TARGET_PX either way (links inside a
    line of text are exempt, as the criterion says: a heading's or a sentence's link)."""
    return list(await page.evaluate("""([scope, min]) => {
        const found = [];
        for (const el of document.querySelectorAll(scope + ' a, ' + scope + ' button, '
                                                   + scope + ' summary')) {
            const box = el.getBoundingClientRect();
            if (box.width === 0 && box.height === 0) continue;  // not shown
            if (el.closest('.visually-hidden')) continue;
            if (el.tagName === 'A' && getComputedStyle(el).display === 'inline') continue;
            if (box.width < min || box.height < min)
                found.push(el.textContent.trim() + ' ' + box.width + 'x' + box.height);
        }
        return found;
    }""", [scope, MIN_TARGET_PX]))


async def held_posts(count: int) -> list[Post]:
    await Category.filter(slug="small-wins").update(premoderation=Premoderation.ALL)
    host = await make_user("host_mod", role=Role.MODERATOR)
    story = await make_story(host, title="Evening check-in")
    thread = await Thread.get(id=story.thread_id).select_related("category")
    writers = [await make_user(f"newcomer{n}") for n in range(3)]
    held = []
    for n in range(count):
        reply, _ = await create_reply(writers[n % 3], thread,
                                      ReplyIn(body=f"Hello all, code SAVE{n:03d}"),
                                      rules=ApprovalRules())
        held.append(reply)
    return held


async def test_the_queue_on_a_phone_by_touch_and_by_keyboard(
        serve: Callable[..., LiveServer], tmp_path: Path) -> None:
    require_chromium()
    held = await held_posts(5)
    moderator = await make_user("kestrel_mod", role=Role.MODERATOR)
    token = await sign_in_directly(moderator)
    base = serve().base_url
    console = ConsoleWatch()
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            context = await phone(browser, 360, base, token)
            console.watch(context, "moderator at 360px")
            page = await context.new_page()
            await page.goto(f"{base}/")
            await page.locator(".account-menu > summary").click()
            moderation = page.get_by_role("link", name="Moderation")
            await expect(moderation).to_contain_text("5 waiting")
            await moderation.click()
            await expect(page.get_by_role("heading", level=1)).to_have_text("Moderation queue")
            await no_horizontal_overflow(page)
            assert await small_targets(page, "#queue-form") == []
            approve = page.locator("[data-shortcut='approve']").first
            reject = page.locator("[data-shortcut='reject']").first
            colours = [await b.evaluate("el => getComputedStyle(el).backgroundColor")
                       for b in (approve, reject)]
            assert colours[0] != colours[1], colours  # reject is styled apart
            await page.screenshot(path=tmp_path / "queue-360.png", full_page=True)

            # Tick two and approve them in one go.
            await page.locator(f"label[for='pick-{held[0].id}']").click()
            await page.locator(f"label[for='pick-{held[1].id}']").click()
            await page.get_by_role("button", name="Approve selected").click()
            await expect(page.get_by_role("status").first).to_have_text(
                "Approved and published: 2 posts.")

            # Back on the queue the next item has the focus: a approves it, at once.
            first_item = page.locator(".queue-item").first
            await expect(first_item).to_be_focused()
            await page.keyboard.press("a")
            await expect(page.get_by_role("status").first).to_have_text(
                "Approved and published: the reply in “Evening check-in”.")
            # ? shows the shortcuts; j and k move between items.
            shortcuts = page.locator("#shortcuts")
            await page.keyboard.press("?")
            await expect(shortcuts).to_have_attribute("open", "")
            await page.keyboard.press("?")
            await page.keyboard.press("j")
            await expect(page.locator(".queue-item").nth(1)).to_be_focused()
            await page.keyboard.press("k")
            await expect(first_item).to_be_focused()

            # r rejects — after asking for the reason on its own page.
            await page.keyboard.press("r")
            await expect(page.get_by_role("heading", level=1)).to_have_text("Reject 1 post?")
            await no_horizontal_overflow(page)
            await page.get_by_label("Reason, sent privately (required)").fill("Advertising")
            await page.get_by_role("button", name="Reject: don't publish it").click()
            await expect(page.get_by_role("status").first).to_contain_text("Not published")
            statuses = [p.status for p in await Post.filter(
                id__in=[p.id for p in held]).order_by("id")]
            assert statuses.count(PostStatus.PUBLISHED) == 3, statuses
            assert statuses.count(PostStatus.REJECTED) == 1, statuses

            # The audit log at 320 px: the table scrolls in its own labelled region.
            await page.set_viewport_size({"width": 320, "height": HEIGHT})
            await page.goto(f"{base}/mod/log")
            await no_horizontal_overflow(page)
            region = page.get_by_role("region", name="entries")
            await expect(region).to_be_visible()
            assert await region.get_attribute("tabindex") == "0"
            assert await region.evaluate("el => getComputedStyle(el).overflowX") == "auto"
            narrow = await page.evaluate("""(least) => {
                const probe = document.createElement('span');
                probe.style.cssText = 'position:absolute;visibility:hidden;width:' + least + 'ch';
                const found = [];
                for (const cell of document.querySelectorAll('table.audit td, table.audit th')) {
                    cell.appendChild(probe);
                    const need = probe.getBoundingClientRect().width;
                    cell.removeChild(probe);
                    if (cell.getBoundingClientRect().width < need)
                        found.push(cell.textContent.trim().slice(0, 30));
                }
                return found;
            }""", NARROWEST_CELL_CH)
            assert narrow == [], narrow
            await page.screenshot(path=tmp_path / "log-320.png", full_page=True)
            await context.close()
        finally:
            await browser.close()
    assert console.problems == []


async def test_notifications_on_a_phone_group_by_thread_and_read_without_bold(
        serve: Callable[..., LiveServer], tmp_path: Path) -> None:
    require_chromium()
    member = await make_user("wren_member")
    story = await make_story(member, title="First winter alone")
    for name in ("rowan", "hazel", "yarrow"):
        await make_reply(await make_user(name), story, f"Thinking of you — {name}")
    token = await sign_in_directly(member)
    base = serve().base_url
    console = ConsoleWatch()
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            context = await phone(browser, 360, base, token)
            console.watch(context, "member at 360px")
            page = await context.new_page()
            await page.goto(f"{base}/notifications")
            items = page.locator("ul.notifications > li")
            await expect(items).to_have_count(1)
            item = items.first
            await expect(item).to_contain_text("3 new replies to your story “First winter alone”")
            assert await item.evaluate("el => getComputedStyle(el).fontWeight") == "400"
            dot = await item.evaluate(
                "el => getComputedStyle(el, '::before').backgroundColor")
            assert dot not in ("", "rgba(0, 0, 0, 0)"), dot  # unread shows as a dot
            await no_horizontal_overflow(page)
            assert await small_targets(page, ".notifications-page") == []
            choose = await page.get_by_role("link", name="Choose what you hear about"
                                            ).bounding_box()
            assert choose is not None and choose["height"] >= MIN_TARGET_PX, choose
            await page.screenshot(path=tmp_path / "notifications-360.png", full_page=True)
            await page.get_by_role("button", name="Mark all as read").click()
            await expect(items.first).not_to_have_class("unread")
            await expect(items.first).to_contain_text("3 replies to your story")
            await context.close()
        finally:
            await browser.close()
    assert console.problems == []
