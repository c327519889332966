"""In a real browser on a 360 px phone: an admin of a fresh forum (which `forum serve` told
how to make) adds a category open to guests, and a guest writes a story there. Without
JavaScript mattering: plain forms all the way."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.async_api import async_playwright, expect

from forum.models.accounts import Role
from forum.models.content import Post, Thread

from ..factories import PASSWORD, make_user
from .conftest import LiveServer
from .test_browser import CHROMIUM, CHROMIUM_ARGS, TIMEOUT_MS, ConsoleWatch, require_chromium

pytestmark = pytest.mark.e2e

PHONE = {"width": 360, "height": 740}


async def no_sideways_scroll(page) -> None:  # type: ignore[no-untyped-def]
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide at {PHONE['width']}px"


async def test_an_admin_opens_a_category_to_guests_and_a_guest_posts_there(
        serve: Callable[..., LiveServer]) -> None:
    require_chromium()
    server = serve()
    assert "There is no admin yet" in server.log()
    assert "createuser YOUR-NAME --admin" in server.log()
    await make_user("osprey_admin", role=Role.ADMIN)
    base = server.base_url
    console = ConsoleWatch()

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            admin_context = await browser.new_context(viewport=PHONE)
            guest_context = await browser.new_context(viewport=PHONE)
            for context, who in ((admin_context, "admin"), (guest_context, "guest")):
                context.set_default_timeout(TIMEOUT_MS)
                console.watch(context, who)

            admin = await admin_context.new_page()
            await admin.goto(base + "/signin")
            await admin.get_by_label("Username").fill("osprey_admin")
            await admin.get_by_label("Password").fill(PASSWORD)
            await admin.get_by_role("button", name="Sign in").click()
            await expect(admin).to_have_url(base + "/")
            await admin.get_by_text("Menu", exact=True).click()
            await admin.get_by_role("link", name="Moderation").click()
            await admin.get_by_role("navigation", name="Moderation").get_by_role(
                "link", name="Categories").click()
            await expect(admin.get_by_role("heading", level=1)).to_have_text("Categories")
            await no_sideways_scroll(admin)
            await admin.get_by_role("link", name="Add a category").click()
            await admin.get_by_label("Name").fill("Caring for a Parent")
            await admin.get_by_label("Address").fill("caring-for-a-parent")
            await admin.get_by_label("Description").fill("Looking after those who raised us.")
            await admin.get_by_label("Guests (no account) may post").check()
            await no_sideways_scroll(admin)
            await admin.get_by_role("button", name="Add the category").click()
            await expect(admin).to_have_url(
                re.compile(re.escape(base) + r"/admin/categories#category-caring"))
            made = admin.locator("#category-caring-for-a-parent")
            await expect(made).to_contain_text("guests welcome")
            # It sits last; one press of "Move up" puts it above Small Wins.
            await made.get_by_role("button", name="Move up").click()
            order = await admin.locator("ol.admin-categories > li").evaluate_all(
                "items => items.map(i => i.id)")
            assert order[-2:] == ["category-caring-for-a-parent", "category-small-wins"]

            guest = await guest_context.new_page()
            await guest.goto(base + "/")
            await expect(guest.get_by_role("link", name="Caring for a Parent")).to_be_visible()
            await guest.get_by_role("link", name="or write as a guest").click()
            await guest.get_by_label("Category").select_option(label="Caring for a Parent")
            await guest.get_by_label("Title").fill("Mum didn't know me today")
            await guest.get_by_label("Your story").fill(
                "She smiled anyway, and so did I. Writing it down helps.")
            await no_sideways_scroll(guest)
            await guest.get_by_role("button", name="Send for approval").click()
            await expect(guest.get_by_role("heading", level=1)).to_have_text(
                "Thank you — it's with the moderators")
            await expect(guest.locator("a.manage-link")).to_be_visible()
            footer = guest.locator("footer.site-footer")
            await expect(footer.get_by_role("link", name="Privacy")).to_be_visible()
            await footer.get_by_role("link", name="Privacy").click()
            await expect(guest.get_by_role("heading", level=1)).to_have_text(
                "Privacy: what we keep and why")
            await no_sideways_scroll(guest)
            await admin_context.close()
            await guest_context.close()
        finally:
            await browser.close()

    thread = await Thread.get(title="Mum didn't know me today").select_related("category")
    assert thread.category.slug == "caring-for-a-parent"
    assert await Post.filter(thread_id=thread.id, is_guest=True, status="pending").count() == 1
    assert console.problems == []
