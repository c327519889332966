"""Help for every region and care matched to the person, against a real `forum serve` over
TCP, and the composer's card in a real browser."""

from __future__ import annotations

import re
from collections.abc import Callable

import httpx
import pytest
from playwright.async_api import async_playwright, expect

from forum.models.accounts import User

from ..factories import make_story, make_user, sign_in_directly
from .conftest import LiveServer
from .test_browser import CHROMIUM, CHROMIUM_ARGS, TIMEOUT_MS, ConsoleWatch, require_chromium

pytestmark = pytest.mark.e2e

GRIEF_AND_DRINKING = ("Since my mum died in March I've been drinking every night just to "
                      "sleep. I can't take it anymore.")


def emergency_line(page: str) -> str:
    found = re.search(r'<p class="emergency">(.*?)</p>', page, re.S)
    assert found, "no emergency line"
    return found.group(1)


async def test_help_over_real_http_follows_the_language_and_the_choice(
        serve: Callable[..., LiveServer]) -> None:
    member = await make_user("gannet_member")
    await User.filter(id=member.id).update(country="GB")
    token = await sign_in_directly(member)
    base = serve().base_url
    async with httpx.AsyncClient(base_url=base, timeout=10.0) as visitor:
        for language, numbers in (("de-DE,de;q=0.9", ["112", "110"]), ("es-MX", ["911"]),
                                  ("en-ZA", ["10111", "10177"]), ("en-SG", ["995", "999"])):
            page = (await visitor.get("/help", headers={"Accept-Language": language})).text
            line = emergency_line(page)
            assert all(f'href="tel:{n}"' in line for n in numbers), language
            assert "somewhere else?" in page
    async with httpx.AsyncClient(base_url=base, timeout=10.0,
                                 cookies={"hearth_session": token}) as signed_in:
        page = await signed_in.get("/help")
        assert "Samaritans" in page.text
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert csrf
        chose = await signed_in.post("/help/region", data={
            "csrf_token": csrf.group(1), "region": "CA"}, headers={"Origin": base})
        assert chose.status_code == 303
        canada = (await signed_in.get(chose.headers["location"])).text
        assert "Showing help for <strong>Canada</strong>" in canada
        assert "Kids Help Phone" in canada and "Samaritans" not in canada


async def test_the_composer_card_puts_the_alcohol_line_before_domestic_abuse(
        serve: Callable[..., LiveServer]) -> None:
    require_chromium()
    await make_story(await make_user("tern_author"))
    base = serve().base_url
    console = ConsoleWatch()
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            context = await browser.new_context(locale="en-AU")
            context.set_default_timeout(TIMEOUT_MS)
            console.watch(context, "guest")
            page = await context.new_page()
            await page.goto(base + "/guest/new")
            await page.locator("textarea[data-safety-check]").fill(GRIEF_AND_DRINKING)
            card = page.locator(".care-card")
            await expect(card).to_be_visible()
            items = card.locator("li")
            await expect(items.first).to_be_visible()
            names = await card.locator("li strong").all_inner_texts()
            assert "National Alcohol and Other Drug Hotline" in names, names
            assert "1800RESPECT" not in names  # four are shown; the alcohol line made it
            lifeline = card.locator("li", has_text="Lifeline")
            assert await lifeline.locator('a[href="tel:131114"]').count() == 1
            assert await lifeline.locator('a[href="sms:0477131114"]').count() == 1
        finally:
            await browser.close()
    assert console.problems == []
