"""/help for every region, as a reader sees it: the region they chose wins, a browser's
language only suggests one (and says so), and every country in the emergency table shows its
emergency number, helplines or not. Unverified leads never reach the page."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[2] / "forum" / "data"
SHIPPED_FILE = DATA / "crisis_resources.json"
# The table as shipped: every country in it, with each of its numbers.
TABLE = json.loads((DATA / "emergency_numbers.json").read_text("utf-8"))["countries"]
SERVICES = ("general", "police", "ambulance", "fire")
TAPPABLE = re.compile(r'href="(?:tel|sms):([0-9+]+)')


def tapped(page: str) -> set[str]:
    """Every number the page lets a reader tap, digits only."""
    return {number.lstrip("+") for number in TAPPABLE.findall(page)}


def emergency_paragraph(page: str) -> str:
    found = re.search(r'<p class="emergency">(.*?)</p>', page, re.S)
    assert found, "no emergency line on the page"
    return found.group(1)


@pytest.mark.parametrize(("language", "country", "numbers"), [
    ("de-DE,de;q=0.9", "Germany", ["112", "110"]),
    ("es-MX,es;q=0.9", "Mexico", ["911"]),
    ("en-ZA", "South Africa", ["10111", "10177"]),
    ("en-SG", "Singapore", ["995", "999"]),
    ("pt-BR", "Brazil", ["192", "190"]),
    ("fr-FR,fr;q=0.8", "France", ["112", "15"]),
])
async def test_a_browser_language_with_a_region_gets_that_countrys_emergency_number(
        visitor, language, country, numbers):
    page = (await visitor.get("/help", headers={"Accept-Language": language})).text
    assert f"Showing help for <strong>{country}</strong>" in page
    line = emergency_paragraph(page)
    for number in numbers:
        assert f'href="tel:{number}"' in line, number
    assert "your local emergency number" not in line
    # only a suggestion: the page says so and points at the chooser
    assert "somewhere else?" in page and 'href="/help#region"' in page
    assert 'id="region"' in page


async def test_an_american_browser_is_told_988_works_only_in_the_us(visitor):
    page = (await visitor.get("/help", headers={"Accept-Language": "en-US"})).text
    assert "988 works only in the United States — " in page
    assert 'href="/help#region">somewhere else?</a>' in page
    assert 'href="tel:911"' in emergency_paragraph(page)


async def test_a_bare_language_names_no_country_and_the_page_does_not_guess(visitor):
    page = (await visitor.get("/help", headers={"Accept-Language": "fr"})).text
    assert "Showing help for <strong>Anywhere</strong>" in page
    assert "your local emergency number" in page and "somewhere else?" not in page


async def test_the_most_wanted_language_wins_whatever_the_order(visitor):
    page = (await visitor.get("/help", headers={
        "Accept-Language": "en-US;q=0.3, zh-Hant-TW;q=0.9, de"})).text
    assert "Showing help for <strong>Taiwan</strong>" in page
    assert 'href="tel:110"' in emergency_paragraph(page)


@pytest.mark.parametrize("country", ["DE", "MX", "ZA", "SG", "CA"])
async def test_the_named_countries_show_an_emergency_number(visitor, country):
    page = (await visitor.get(f"/help?region={country}")).text
    line = emergency_paragraph(page)
    numbers = [TABLE[country][s] for s in SERVICES if TABLE[country][s]]
    assert numbers and all(f'href="tel:{n}"' in line for n in numbers)


async def test_every_country_in_the_table_shows_its_emergency_numbers_when_chosen(visitor):
    missing = []
    for code, entry in TABLE.items():
        page = (await visitor.get(f"/help?region={code}")).text
        line = emergency_paragraph(page)
        for number in {entry[s] for s in SERVICES if entry[s]}:
            if f'href="tel:{number}"' not in line:
                missing.append((code, number))
        if f"<strong>{entry['name']}</strong>" not in page:
            missing.append((code, "name"))
    assert missing == []


async def test_every_country_can_be_chosen(visitor):
    page = (await visitor.get("/help")).text
    assert len(TABLE) >= 60
    for code in TABLE:
        assert f'<option value="{code}"' in page, code


async def test_a_us_member_who_chooses_canada_sees_canadian_lines(member):
    assert (await member.post_form("/account", {"country": "US"})).status_code == 303
    chose = await member.post_form("/help/region", {"region": "CA"})
    assert chose.status_code == 303 and chose.headers["location"] == "/help?region=CA"
    page = (await member.get(chose.headers["location"])).text
    assert "9-8-8 Suicide Crisis Helpline" in page and "Kids Help Phone" in page
    assert "Crisis Text Line" not in page and "sms:741741" not in page
    assert "Your profile says United States" in page


async def test_a_canadian_member_who_chooses_canada_sees_canadian_lines(member):
    assert (await member.post_form("/account", {"country": "CA"})).status_code == 303
    chose = await member.post_form("/help/region", {"region": "CA"})
    page = (await member.get(chose.headers["location"],
                             headers={"Accept-Language": "en-US"})).text
    assert "Showing help for <strong>Canada</strong>" in page
    assert "9-8-8 Suicide Crisis Helpline" in page and "Crisis Text Line" not in page
    assert "somewhere else?" not in page  # chosen, not guessed


async def test_a_british_member_who_chooses_canada_sees_canadian_lines(member):
    assert (await member.post_form("/account", {"country": "GB"})).status_code == 303
    chose = await member.post_form("/help/region", {"region": "CA"})
    page = (await member.get(chose.headers["location"])).text
    assert "Showing help for <strong>Canada</strong>" in page
    assert "Kids Help Phone" in page and "Samaritans" not in page
    assert 'href="tel:911"' in emergency_paragraph(page)
    # the profile still decides plain /help: the choice was for this visit
    assert "Samaritans" in (await member.get("/help")).text


async def test_a_visitors_choice_is_remembered_over_their_browser(visitor):
    await visitor.post_form("/help/region", {"region": "ZA"})
    page = (await visitor.get("/help", headers={"Accept-Language": "en-US"})).text
    assert "Showing help for <strong>South Africa</strong>" in page
    assert "988 Suicide" not in page and "somewhere else?" not in page


async def test_an_unknown_choice_changes_nothing(visitor):
    chose = await visitor.post_form("/help/region", {"region": "ZZ"})
    assert chose.headers["location"] == "/help" and "hearth_region" not in chose.cookies
    page = (await visitor.get("/help?region=ZZ", headers={"Accept-Language": "en-GB"})).text
    assert "Showing help for <strong>United Kingdom</strong>" in page


async def test_no_unverified_lead_reaches_the_page(visitor):
    """The leads kept in the data file are not checked yet: none is shown or tappable."""
    leads = json.loads(SHIPPED_FILE.read_text("utf-8"))["leads_to_verify"]["leads"]
    assert leads and all(lead["verified"] is False and lead["last_verified"] is None
                         for lead in leads)
    shown_names = []
    tappable = []
    for country in sorted({lead["country"] for lead in leads}):
        page = (await visitor.get(f"/help?region={country}")).text
        numbers = tapped(page)
        for lead in (lead for lead in leads if lead["country"] == country):
            if f"<strong>{lead['name']}</strong>" in page.replace("&amp;", "&"):
                shown_names.append(lead["name"])
            for number in re.findall(r"\+?[0-9][0-9 -]{4,}[0-9]", lead["contact"]):
                if re.sub(r"[^0-9]", "", number) in numbers:
                    tappable.append((lead["name"], number))
    assert shown_names == [] and tappable == []


async def test_kids_help_phone_texts_without_the_unconfirmed_keyword(visitor):
    page = (await visitor.get("/help?region=CA")).text
    assert 'href="sms:686868"' in page
    assert "CONNECT" not in page and "sms:686868?body" not in page


async def test_the_api_answers_for_every_country_in_the_table(visitor):
    found = await visitor.http.get("/api/v1/resources?country=DE")
    assert found.status_code == 200 and found.json()["emergency_number"] == "112"
    refused = await visitor.http.get("/api/v1/resources?country=ZZ")
    assert refused.status_code == 400 and "ZA" in refused.text
