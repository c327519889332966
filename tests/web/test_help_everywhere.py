"""Help ordered for what was written, wherever it is shown: a guest who has just posted (or
sent the same form again), someone searching in crisis words, the posting API's `crisis`
object and the composer card's text numbers — each seen as the person would see it."""

from __future__ import annotations

import asyncio
import json
import re
import shutil
from pathlib import Path

import pytest

from forum.app import create_app
from forum.models.content import Post

from ..conftest import make_settings
from ..factories import make_story
from .test_care_matched import GRIEF_AND_DRINKING, NEW_MOTHER, VIOLENCE_AT_HOME, headings, names


@pytest.fixture
def app(var_dir, database_url, db):
    """Guests here all share the test client's address: a roomier guest limit."""
    settings = make_settings(var_dir, database_url, FORUM_RATE_LIMITS="guest=100/hour")
    return create_app(settings, manage_database=False, strict_templates=True)


SUBMISSION_ID = re.compile(r'name="submission_id" value="([^"]+)"')


def in_region(client, country: str):
    """The region chooser's cookie, as /help sets it for someone without an account."""
    client.http.cookies.set("hearth_region", country)
    return client


async def guest_story(visitor, body: str, title: str = "Tonight") -> tuple[str, dict]:
    form = await visitor.get("/guest/new")
    found = SUBMISSION_ID.search(form.text)
    assert found, "the guest form carries its submission id"
    data = {"category": "small-wins", "title": title, "body": body,
            "submission_id": found.group(1)}
    posted = await visitor.post_form("/guest/new", data)
    assert posted.status_code == 201, posted.text[:300]
    return posted.text, data


# --- the guest's "posted" and "received" pages ----------------------------------------------

async def test_a_guest_afraid_at_home_sees_the_violence_lines_first_after_posting(visitor):
    page, _ = await guest_story(in_region(visitor, "GB"), VIOLENCE_AT_HOME)
    assert "/manage/" in page  # the posted page, with its manage link
    assert headings(page)[0] == "Domestic and family violence"
    assert names(page)[:2] == ["National Domestic Abuse Helpline (Refuge)", "Men's Advice Line"]
    assert 'href="tel:999"' in page


async def test_a_guest_who_sends_the_same_form_again_still_gets_the_lines_for_their_words(
        visitor):
    _, data = await guest_story(in_region(visitor, "US"), NEW_MOTHER)
    again = await visitor.post_form("/guest/new", data)
    assert again.status_code == 200 and "We already have this one" in again.text
    assert "/manage/" not in again.text
    assert headings(again.text)[0] == "Pregnancy, postpartum and parenting"
    assert names(again.text)[0] == "National Maternal Mental Health Hotline"


async def test_a_guest_reply_is_ordered_by_the_reply_not_the_story_it_answers(visitor, member):
    story = await make_story(member.user, title="My mum and the drink",
                             body="Grief and drinking, a long year of it.")
    in_region(visitor, "GB")
    form = await visitor.get(f"/stories/{story.thread_id}/guest-reply")
    assert form.status_code == 200
    posted = await visitor.post_form(f"/stories/{story.thread_id}/guest-reply",
                                     {"body": VIOLENCE_AT_HOME})
    assert posted.status_code == 201, posted.text[:300]
    assert headings(posted.text)[0] == "Domestic and family violence"


async def test_a_calm_guest_post_shows_no_helplines(visitor):
    page, _ = await guest_story(in_region(visitor, "GB"), "I went outside today. A small win.",
                                title="A small win")
    assert headings(page) == [] and names(page) == []


# --- search ----------------------------------------------------------------------------------

async def test_searching_in_words_of_violence_at_home_shows_those_lines_first(visitor):
    found = await in_region(visitor, "GB").get(
        "/search", params={"q": "my husband hit me and said he would kill me"})
    assert found.status_code == 200
    assert headings(found.text)[0] == "Domestic and family violence"
    assert names(found.text)[0] == "National Domestic Abuse Helpline (Refuge)"


async def test_searching_in_words_of_grief_and_drinking_puts_the_alcohol_lines_before_abuse(
        visitor):
    found = await in_region(visitor, "AU").get("/search", params={"q": GRIEF_AND_DRINKING})
    shown = headings(found.text)
    assert shown[:2] == ["Suicide and emotional crisis", "Alcohol and drugs"]
    assert shown.index("Alcohol and drugs") < shown.index("Domestic and family violence")


async def test_the_search_api_orders_its_help_by_the_words_searched(visitor):
    found = await in_region(visitor, "GB").get(
        "/api/v1/search", params={"q": "my husband hit me and said he would kill me"})
    assert found.status_code == 200
    crisis = found.json()["crisis"]
    assert crisis["level"] != "none"
    assert crisis["resources"][0]["name"] == "National Domestic Abuse Helpline (Refuge)"


async def test_an_ordinary_search_shows_no_helplines(visitor):
    found = await in_region(visitor, "GB").get("/search", params={"q": "garden walk"})
    assert found.status_code == 200 and headings(found.text) == []


# --- the posting API's crisis object ---------------------------------------------------------

async def test_the_posting_apis_crisis_lines_follow_the_posts_own_words(visitor):
    posted = await visitor.api("POST", "/api/v1/stories", headers={"Accept-Language": "en-GB"},
                               json={"category": "small-wins", "title": "Tonight",
                                     "body": VIOLENCE_AT_HOME})
    assert posted.status_code == 202, posted.text[:300]
    crisis = posted.json()["crisis"]
    assert crisis["level"] in ("concern", "urgent")
    listed = [r["name"] for r in crisis["resources"]]
    assert listed[:2] == ["National Domestic Abuse Helpline (Refuge)", "Men's Advice Line"]
    assert listed.index("Men's Advice Line") < listed.index("Samaritans")


async def test_a_member_replying_through_the_api_gets_lines_for_the_reply(api_member, member):
    api_member.user.country = "US"
    await api_member.user.save(update_fields=["country"])
    story = await make_story(member.user, title="Hard week", body="It has been a hard week.")
    replied = await api_member.api("POST", f"/api/v1/stories/{story.thread_id}/replies",
                                   json={"body": NEW_MOTHER})
    assert replied.status_code in (201, 202), replied.text[:300]
    assert await Post.filter(is_story=False).count() == 1
    crisis = replied.json()["crisis"]
    assert crisis["level"] != "none"
    assert crisis["resources"][0]["name"] == "National Maternal Mental Health Hotline"


# --- the composer card's text numbers --------------------------------------------------------

async def test_the_composer_card_gets_text_numbers_as_their_country_writes_them(visitor):
    checked = await visitor.http.post("/api/v1/safety/check", json={"text": GRIEF_AND_DRINKING},
                                      headers={"Accept-Language": "en-AU"})
    assert checked.status_code == 200 and checked.json()["level"] != "none"
    texts = {r["text"]: r["text_display"] for r in checked.json()["resources"] if r["text"]}
    assert texts["0477131114"] == "0477 131 114"
    us = await visitor.http.get("/api/v1/resources?country=US")
    shown = {r["name"]: r["text_display"] for r in us.json()["resources"]}
    assert "833-852-6262" in shown.values()
    assert all(r["text_display"] is None for r in us.json()["resources"] if not r["text"])


# The composer script run in Node against a small stand-in for the page: a textarea with the
# draft, `fetch` answering with what the API really answered. It prints the card's links.
CARD_HARNESS = r"""
const answer = JSON.parse(require("fs").readFileSync(0, "utf8"));
function el(tag) {
  return {tag, children: [], attrs: {}, hidden: false, href: "", _text: "",
    appendChild(c) { this.children.push(c); return c; },
    setAttribute(k, v) { this.attrs[k] = v; },
    set textContent(t) { this._text = t; this.children = []; },
    get textContent() { return this._text + this.children.map(c => c.textContent).join(""); }};
}
const field = {value: process.argv[2], form: null, listeners: {},
  addEventListener(k, f) { this.listeners[k] = f; },
  insertAdjacentElement(_, card) { this.card = card; }};
global.document = {createElement: el, createTextNode: t => ({textContent: t}),
                   querySelectorAll: () => [field]};
global.window = {setTimeout: f => setImmediate(f), clearTimeout: () => {}};
global.fetch = () => Promise.resolve({ok: true, json: () => answer});
require(process.argv[1]);
field.listeners.input();
setTimeout(() => {
  const links = [];
  (function walk(n) { if (n.tag === "a") links.push([n.href, n.textContent]);
                      (n.children || []).forEach(walk); })(field.card);
  console.log(JSON.stringify(links));
}, 50);
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node to run the script")
async def test_the_composer_card_shows_text_numbers_the_way_their_country_writes_them(visitor):
    checked = await visitor.http.post("/api/v1/safety/check", json={"text": GRIEF_AND_DRINKING},
                                      headers={"Accept-Language": "en-AU"})
    assert checked.status_code == 200 and checked.json()["level"] != "none"
    script = Path(__file__).parents[2] / "static" / "composer.js"
    node = await asyncio.create_subprocess_exec(
        "node", "-e", CARD_HARNESS, str(script), GRIEF_AND_DRINKING,
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE)
    out, _ = await asyncio.wait_for(node.communicate(checked.content), timeout=30)
    assert node.returncode == 0
    links = dict(json.loads(out))
    assert links["sms:0477131114"] == "0477 131 114"  # Lifeline's text line
    assert "0477131114" not in links.values()
