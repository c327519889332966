"""/help shows the reader's region: a choice on the page, profile, chooser cookie, browser
language, else INTL (tests/web/test_help_regions.py covers every region)."""

from __future__ import annotations

import json

import pytest

from forum.actions.resources import import_resources
from forum.models.safety import CrisisResource
from forum.safety.resources import SHIPPED, load_directory, parse_directory


@pytest.mark.parametrize(("language", "expected", "absent"), [
    ("en-GB,en;q=0.8", ["Samaritans", "116 123", "999"], ["988 Suicide"]),
    ("en-US", ["988 Suicide &amp; Crisis Lifeline", 'href="tel:988"', "911"], ["Samaritans"]),
    ("en-AU", ["Lifeline", "13 11 14", "000"], ["988 Suicide"]),
    ("fr", ["Find A Helpline", "your local emergency number"], ["Samaritans", "988 Suicide"]),
])
async def test_help_follows_the_browser_region(visitor, language, expected, absent):
    page = await visitor.get("/help", headers={"Accept-Language": language})
    for text in expected:
        assert text in page.text, text
    for text in absent:
        assert text not in page.text, text
    assert "Find A Helpline" in page.text  # the international fallback is always there


async def test_the_chooser_and_the_profile_win_over_the_browser(visitor, member):
    await visitor.get("/help")
    await visitor.post_form("/help/region", {"region": "NZ"})
    page = await visitor.get("/help", headers={"Accept-Language": "en-US"})
    assert "1737" in page.text and "988 Suicide" not in page.text
    await member.post_form("/account", {"country": "IE"})
    mine = await member.get("/help", headers={"Accept-Language": "en-US"})
    assert "Pieta" in mine.text and "112" in mine.text


async def test_texts_use_sms_links_with_the_keyword_and_phones_tel_links(visitor):
    page = await visitor.get("/help", headers={"Accept-Language": "en-US"})
    assert 'href="sms:741741?body=HOME"' in page.text
    assert 'href="tel:+18007997233"' in page.text


async def test_unconfirmed_entries_ship_disabled_and_are_not_shown(visitor):
    frank = await CrisisResource.get(key="gb-frank")
    assert frank.enabled is False
    page = await visitor.get("/help", headers={"Accept-Language": "en-GB"})
    assert "FRANK" not in page.text


def test_every_shipped_resource_has_a_source_and_a_verification_date():
    raw = json.loads(load_directory.__defaults__[0].read_text("utf-8"))
    for entry in raw["resources"]:
        assert entry["source"].startswith("https://"), entry["key"]
        assert entry["last_verified"], entry["key"]
    broken = {**raw, "resources": [{**raw["resources"][0], "source": ""}]}
    with pytest.raises(ValueError, match="lacks source"):
        parse_directory(broken)


async def test_import_is_idempotent_and_keeps_an_admins_edit(db):
    again = await import_resources(SHIPPED)
    assert (again.added, again.updated) == (0, 0)
    await CrisisResource.filter(key="gb-samaritans").update(name="Samaritans (edited)",
                                                           edited_by_admin=True)
    kept = await import_resources(SHIPPED)
    assert kept.kept == 1
    assert (await CrisisResource.get(key="gb-samaritans")).name == "Samaritans (edited)"


async def test_admins_add_edit_disable_and_reverify_resources(admin, visitor):
    from datetime import date

    added = await admin.post_form("/admin/resources/new", {
        "name": "Harbour Line", "country": "GB", "topics": ["crisis", "maternal"],
        "phone": "0800 123 456", "source": "https://harbour.example", "enabled": "1"})
    assert added.status_code == 303
    line = await CrisisResource.get(name="Harbour Line")
    assert line.edited_by_admin and line.phone == "0800 123 456"
    shown = await visitor.get("/help", headers={"Accept-Language": "en-GB"})
    assert "Harbour Line" in shown.text and 'href="tel:0800123456"' in shown.text
    bad = await admin.post_form(f"/admin/resources/{line.id}", {
        "name": "Harbour Line", "country": "GB", "topics": "crisis",
        "source": "http://not-https.example"})
    assert bad.status_code == 422 and "https://" in bad.text
    await admin.post_form(f"/admin/resources/{line.id}/enable", {"enabled": "0"})
    assert "Harbour Line" not in (await visitor.get(
        "/help", headers={"Accept-Language": "en-GB"})).text
    await CrisisResource.filter(id=line.id).update(last_verified=date(2020, 1, 1))
    listing = await admin.get("/admin/resources")
    assert "Please re-check" in listing.text and "2020-01-01" in listing.text
    await admin.post_form(f"/admin/resources/{line.id}/verify", {})
    assert (await CrisisResource.get(id=line.id)).last_verified > date(2020, 1, 1)
    from forum.models.moderation import AuditEntry

    actions = [e.action for e in await AuditEntry.all().order_by("id")]
    assert actions == ["resource_add", "resource_disable", "resource_verify"]
