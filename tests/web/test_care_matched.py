"""Care matched to the person, as they see it: after posting, in a moderator's care message
and in the composer's card, the lines for what they wrote about come first (for their own
region), every number can be tapped and reads the way their country writes it, and a care
message is a short note and then a short list."""

from __future__ import annotations

import html
import re

from forum.models.content import Post
from forum.models.safety import CrisisResource

GRIEF_AND_DRINKING = ("Since my mum died in March I've been drinking every night just to "
                      "sleep. I can't take it anymore.")
VIOLENCE_AT_HOME = ("My husband hit me again last night and said he would kill me if I "
                    "leave. I don't know what to do.")
NEW_MOTHER = ("I have thoughts of hurting my baby and I'm scared of myself. She deserves a "
              "better mum than me.")
SUICIDAL_TEEN = "I'm 15, drunk again, and I want to kill myself tonight."

HEADINGS = ("Suicide and emotional crisis", "Pregnancy, postpartum and parenting",
            "Alcohol and drugs", "Domestic and family violence", "Young people")


def headings(page: str) -> list[str]:
    """The helpline groups, in the order the page shows them."""
    return [h for h in re.findall(r"<h[23]>([^<]+)</h[23]>", page) if h in HEADINGS]


def names(page: str) -> list[str]:
    found = re.findall(r'<li class="resource[^"]*">\s*<strong>([^<]+)</strong>', page)
    return [html.unescape(name) for name in found]


async def post_story(client, body: str, **extra: str) -> Post:
    response = await client.post_form("/stories/new", {
        "category": "depression-anxiety", "title": "Tonight", "body": body, **extra})
    assert response.status_code == 303
    story = await Post.filter(is_story=True).order_by("-id").first()
    assert story is not None
    return story


async def care_page(member, country: str, body: str) -> str:
    assert (await member.post_form("/account", {"country": country})).status_code == 303
    story = await post_story(member, body)
    page = (await member.get(f"/care/{story.id}")).text
    return page


async def test_grief_and_drinking_gets_crisis_and_alcohol_lines_before_domestic_abuse(member):
    page = await care_page(member, "AU", GRIEF_AND_DRINKING)
    shown = headings(page)
    assert shown[:2] == ["Suicide and emotional crisis", "Alcohol and drugs"]
    assert shown.index("Alcohol and drugs") < shown.index("Domestic and family violence")
    assert names(page).index("National Alcohol and Other Drug Hotline") < names(page).index(
        "1800RESPECT")


async def test_violence_at_home_gets_the_violence_lines_first(member):
    page = await care_page(member, "GB", VIOLENCE_AT_HOME)
    assert headings(page)[0] == "Domestic and family violence"
    assert names(page)[:2] == ["National Domestic Abuse Helpline (Refuge)", "Men's Advice Line"]
    assert 'href="tel:999"' in page  # the emergency number stays on top of it all


async def test_a_new_mother_afraid_of_her_thoughts_gets_the_maternal_lines_first(member):
    page = await care_page(member, "US", NEW_MOTHER)
    assert headings(page)[0] == "Pregnancy, postpartum and parenting"
    assert names(page)[0] == "National Maternal Mental Health Hotline"


async def test_someone_urgent_about_themself_gets_the_crisis_lines_first(member):
    page = await care_page(member, "AU", SUICIDAL_TEEN)
    assert headings(page)[:2] == ["Suicide and emotional crisis", "Alcohol and drugs"]
    assert names(page)[0] == "Lifeline"


async def test_every_number_is_tappable_and_written_the_way_its_country_writes_it(visitor):
    us = (await visitor.get("/help?region=US")).text
    assert '<a href="sms:+18338526262">833-852-6262</a>' in us
    assert "+18338526262</a>" not in us
    assert 'text HOME to <a href="sms:741741?body=HOME">741741</a>' in us
    assert 'text START to <a href="sms:88788?body=START">88788</a>' in us
    assert '<a href="tel:+18006624357">1-800-662-4357 (1-800-662-HELP)</a>' in us
    gb = (await visitor.get("/help?region=GB")).text
    assert '<a href="tel:116123">116 123</a>' in gb
    au = (await visitor.get("/help?region=AU")).text
    assert '<a href="sms:0477131114">0477 131 114</a>' in au
    assert '<a href="sms:0458737732">0458 737 732</a>' in au


async def test_an_admins_entry_without_a_display_form_is_written_for_its_country(admin, visitor):
    await admin.post_form("/admin/resources/new", {
        "name": "Harbour Line", "country": "CA", "topics": ["crisis"],
        "phone": "+18005550199", "text_number": "+18005550199",
        "source": "https://harbour.example", "enabled": "1"})
    assert await CrisisResource.exists(name="Harbour Line")
    page = (await visitor.get("/help?region=CA")).text
    assert '<a href="tel:+18005550199">800-555-0199</a>' in page
    assert '<a href="sms:+18005550199">800-555-0199</a>' in page
    found = await visitor.http.get("/api/v1/resources?country=CA")
    line = next(r for r in found.json()["resources"] if r["name"] == "Harbour Line")
    assert line["phone_display"] == "800-555-0199"


async def test_the_composer_card_puts_the_lines_for_the_draft_first(visitor):
    async def check(text: str) -> list[dict]:
        found = await visitor.http.post("/api/v1/safety/check", json={"text": text},
                                        headers={"Accept-Language": "en-AU"})
        assert found.status_code == 200 and found.json()["level"] != "none"
        return found.json()["resources"]

    grief = [r["name"] for r in await check(GRIEF_AND_DRINKING)]
    assert grief.index("National Alcohol and Other Drug Hotline") < grief.index("1800RESPECT")
    assert grief[:4].count("1800RESPECT") == 0  # the card shows four
    violence = await check(VIOLENCE_AT_HOME)
    assert violence[0]["name"] == "1800RESPECT"
    # every line is still there, only the order differs
    assert sorted(grief) == sorted(r["name"] for r in violence)
    assault = await check("I was raped last year and I can't cope anymore.")
    assert assault[0]["name"] == "1800RESPECT"  # it counsels sexual violence too


async def care_message(member, moderator, country: str, words: str) -> None:
    assert (await member.post_form("/account", {"country": country})).status_code == 303
    story = await post_story(member, "Tonight is hard and I'm tired of everything.")
    sent = await moderator.post_form(f"/mod/posts/{story.id}/care", {"message": words})
    assert sent.status_code == 303


async def test_a_care_message_is_a_short_note_then_a_short_list(member, moderator):
    words = ("I'm so sorry about your mum. Grief and drinking to get through the night is a "
             "lot to carry: you don't have to do it alone.")
    await care_message(member, moderator, "AU", words)
    page = (await member.get("/notifications")).text.replace("&#39;", "'")
    note = re.search(r'<div class="care-note">(.*?)</div>', page, re.S)
    assert note, "no care note on the page"
    shown = note.group(1)
    assert shown.index(f'<p class="care-note__words">{words}</p>') < shown.index("<ul")
    items = re.findall(r"<li[^>]*>(.*?)</li>", shown, re.S)
    assert len(items) <= 8  # emergency, four of the region's lines, help anywhere, more
    assert "000" in items[0]
    listed = names(shown)
    assert listed.index("National Alcohol and Other Drug Hotline") < 3
    assert "1800RESPECT" not in listed[:3]
    assert 'href="tel:1800250015"' in shown and 'href="/help"' in shown
    for item in items:  # each line is one line: a name and how to reach it
        assert "<span class=\"resource__about\">" not in item


async def test_a_care_message_in_the_api_reads_as_a_note_then_a_list(client_factory, member,
                                                                     moderator):
    words = "Thinking of you. Leaving a partner who hits you takes courage."
    await care_message(member, moderator, "NZ", words)
    api = await client_factory(member.user, api_token=True)
    notes = (await api.api("GET", "/api/v1/me/notifications")).json()["notifications"]
    care = next(n["message"] for n in notes if n["message"].startswith(words))
    first, blank, *listed = care.split("\n")
    assert first == words and blank == ""
    assert listed[0] == "- In immediate danger: call 111"
    assert listed[1] == "- Women's Refuge: 0800 733 843"
    assert all(line.startswith("- ") for line in listed) and listed[-1] == "- More help: /help"
