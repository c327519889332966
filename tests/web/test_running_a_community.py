"""Admins run the community from pages: categories (make, change, reorder, delete while
empty), the site's name and description, and the about / guidelines / privacy pages.
Guests may post in every category an admin opens to them, and in no other."""

from __future__ import annotations

import re

import pytest

from forum.app import create_app
from forum.models.content import Category, Post, Thread
from forum.models.moderation import AuditEntry
from forum.models.site import SitePage

from ..conftest import make_settings
from ..factories import make_story


@pytest.fixture
def app(var_dir, database_url, db):
    settings = make_settings(var_dir, database_url, FORUM_RATE_LIMITS="guest=100/hour")
    return create_app(settings, manage_database=False, strict_templates=True)


def category_order(html: str) -> list[str]:
    return re.findall(r'<li><a href="/c/([a-z0-9-]+)">', html)


async def audit_actions() -> list[str]:
    return [a.action for a in await AuditEntry.all().order_by("id")]


async def guest_story(visitor, category: str, title: str = "I went outside"):
    await visitor.get("/guest/new")
    return await visitor.post_form("/guest/new", {
        "category": category, "title": title, "body": "Just to the corner and back."})


NEW = {"name": "Caring for a Parent", "slug": "caring-for-a-parent",
       "description": "Looking after the people who looked after us.",
       "allow_anonymous": "1", "allow_guests": "1", "premoderation": "all"}


async def test_an_admin_makes_a_category_where_guests_can_post_and_it_is_logged(admin, visitor):
    form = await admin.get("/admin/categories/new")
    assert form.status_code == 200 and 'name="slug"' in form.text
    made = await admin.post_form("/admin/categories/new", NEW)
    assert made.status_code == 303
    category = await Category.get(slug="caring-for-a-parent")
    assert (category.name, category.allow_guests, category.premoderation.value) == (
        "Caring for a Parent", True, "all")
    home = await visitor.get("/")
    assert category_order(home.text)[-1] == "caring-for-a-parent"  # added at the end
    assert (await visitor.get("/c/caring-for-a-parent")).status_code == 200
    posted = await guest_story(visitor, "caring-for-a-parent")
    assert posted.status_code == 201, posted.text[:300]
    assert await Post.filter(is_guest=True, thread__category_id=category.id).count() == 1
    assert await audit_actions() == ["category_add"]
    log = await admin.get("/mod/log")
    assert "category_add" in log.text and "Caring for a Parent" in log.text


async def test_guests_post_in_a_second_category_once_enabled_and_not_once_disabled(
        admin, visitor):
    before = await guest_story(visitor, "grief-loss", "Before")
    assert before.status_code in (403, 422)
    assert "only takes posts from members" in before.text
    grief = await Category.get(slug="grief-loss")
    on = await admin.post_form("/admin/categories/grief-loss", {
        "name": grief.name, "description": grief.description, "allow_anonymous": "1",
        "allow_guests": "1", "premoderation": grief.premoderation.value})
    assert on.status_code == 303
    form = await visitor.get("/guest/new")
    assert 'value="grief-loss"' in form.text  # offered in the guest form now
    during = await guest_story(visitor, "grief-loss", "During")
    assert during.status_code == 201, during.text[:300]
    thread = await Thread.get(title="During")
    await Post.filter(thread_id=thread.id).update(status="published")  # as if approved
    reply_form = await visitor.get(f"/stories/{thread.id}/guest-reply")
    assert reply_form.status_code == 200
    off = await admin.post_form("/admin/categories/grief-loss", {
        "name": grief.name, "description": grief.description, "allow_anonymous": "1",
        "premoderation": grief.premoderation.value})
    assert off.status_code == 303
    after = await guest_story(visitor, "grief-loss", "After")
    assert after.status_code in (403, 422) and "only takes posts from members" in after.text
    assert not await Thread.exists(title="After")
    reply = await visitor.post_form(f"/stories/{thread.id}/guest-reply",
                                    {"body": "Thinking of you."})
    assert reply.status_code == 403
    api = await visitor.api("POST", "/api/v1/stories", json={
        "category": "grief-loss", "title": "Through the API", "body": "Still here."})
    assert api.status_code in (403, 422) and "only takes posts from members" in api.text
    assert await audit_actions() == ["category_edit", "category_edit"]


async def test_a_category_form_with_bad_input_is_refused_kindly_and_keeps_what_was_typed(admin):
    for data, message in (
            ({**NEW, "name": "  "}, "Please give the category a name."),
            ({**NEW, "slug": "Caring For!"}, "lower-case letters, digits and single hyphens"),
            ({**NEW, "slug": "small-wins"}, "Another category has that address"),
            ({**NEW, "premoderation": "sometimes"}, "Choose who waits for a moderator"),
            ({**NEW, "name": "x" * 81}, "Name")):
        answer = await admin.post_form("/admin/categories/new", data)
        assert answer.status_code == 422, data
        assert message in answer.text, (message, answer.text[:2000])
        assert "Looking after the people who looked after us." in answer.text
    assert await Category.filter(name="Caring for a Parent").count() == 0
    assert await audit_actions() == []


async def test_saving_a_category_unchanged_writes_no_audit_row(admin):
    wins = await Category.get(slug="small-wins")
    same = await admin.post_form("/admin/categories/small-wins", {
        "name": wins.name, "description": wins.description, "allow_anonymous": "1",
        "allow_guests": "1", "premoderation": wins.premoderation.value})
    assert same.status_code == 303
    assert await audit_actions() == []


async def test_the_slug_never_changes_so_old_links_keep_working(admin, visitor):
    await admin.post_form("/admin/categories/small-wins", {
        "name": "Tiny Victories", "slug": "tiny-victories", "premoderation": "none"})
    assert await Category.exists(slug="small-wins", name="Tiny Victories")
    assert not await Category.exists(slug="tiny-victories")
    page = await visitor.get("/c/small-wins")
    assert page.status_code == 200 and "Tiny Victories" in page.text


async def test_categories_move_up_and_down_with_plain_forms(admin, visitor):
    start = category_order((await visitor.get("/")).text)
    assert start[:2] == ["parenting-mom-guilt", "recovery-sobriety"]
    listing = await admin.get("/admin/categories")
    assert 'action="/admin/categories/recovery-sobriety/move"' in listing.text
    down = await admin.post_form("/admin/categories/parenting-mom-guilt/move",
                                 {"direction": "down"})
    assert down.status_code == 303
    moved = category_order((await visitor.get("/")).text)
    assert moved[:2] == ["recovery-sobriety", "parenting-mom-guilt"] and moved[2:] == start[2:]
    top = await admin.post_form("/admin/categories/recovery-sobriety/move", {"direction": "up"})
    assert top.status_code == 303  # already first: nothing changes
    assert category_order((await visitor.get("/")).text) == moved
    bad = await admin.post_form("/admin/categories/recovery-sobriety/move",
                                {"direction": "sideways"})
    assert bad.status_code == 400
    assert await audit_actions() == ["category_move"]


async def test_a_category_with_stories_is_not_deleted_but_an_empty_one_is(admin, member):
    await make_story(member.user, title="Still mine", category="grief-loss")
    refused = await admin.post_form("/admin/categories/grief-loss/delete", {})
    assert refused.status_code == 409
    assert "holds 1 story, so it can&#39;t be deleted" in refused.text
    assert await Category.exists(slug="grief-loss") and await Thread.exists(title="Still mine")
    await admin.post_form("/admin/categories/new", {**NEW, "allow_guests": ""})
    gone = await admin.post_form("/admin/categories/caring-for-a-parent/delete", {})
    assert gone.status_code == 303
    assert not await Category.exists(slug="caring-for-a-parent")
    assert await audit_actions() == ["category_add", "category_delete"]
    assert (await admin.get("/c/caring-for-a-parent")).status_code == 404


async def test_a_visitors_cached_page_shows_the_new_category_name_at_once(admin, visitor):
    first = await visitor.get("/")
    assert "Small Wins" in first.text
    assert (await visitor.get("/")).text == first.text  # served from the page cache
    await admin.post_form("/admin/categories/small-wins", {
        "name": "Tiny Victories", "allow_guests": "1", "premoderation": "new_members"})
    again = await visitor.get("/")
    assert "Tiny Victories" in again.text and "Small Wins" not in again.text


SITE = {"name": "Harbour", "description": "A quiet harbour for hard days.",
        "review_wait": "within a few hours"}


async def test_the_site_name_and_description_change_on_every_page_at_once(admin, visitor,
                                                                         member):
    cached = await visitor.get("/")
    assert "<title>A place to be heard · Hearth</title>" in cached.text
    saved = await admin.post_form("/admin/site", SITE)
    assert saved.status_code == 303
    assert "Saved" in (await admin.get(saved.headers["location"])).text
    home = await visitor.get("/")
    assert "· Harbour</title>" in home.text and "Hearth" not in home.text
    assert "A quiet harbour for hard days." in home.text
    story = await make_story(member.user, title="Harbour story")
    for url in ("/help", "/about", "/c/small-wins", f"/stories/{story.thread_id}",
                "/stories/999999"):
        page = await (member if url.startswith("/stories/9") else visitor).get(url)
        assert 'class="site-name" href="/">Harbour</a>' in page.text, url
    assert await audit_actions() == ["site_settings"]
    again = await admin.post_form("/admin/site", SITE)  # the same again: nothing to log
    assert again.status_code == 303 and await audit_actions() == ["site_settings"]


async def test_site_settings_refuse_bad_input_kindly_and_keep_it(admin, visitor):
    answer = await admin.post_form("/admin/site", {**SITE, "name": "", "review_wait": "x" * 61})
    assert answer.status_code == 422
    assert "Please give the site a name." in answer.text
    assert "A quiet harbour for hard days." in answer.text
    assert "Hearth" in (await visitor.get("/")).text
    assert await audit_actions() == []


async def test_every_page_links_about_guidelines_and_privacy_in_its_footer(visitor, member):
    story = await make_story(member.user, title="Footer story")
    for client, url in ((visitor, "/"), (visitor, "/help"), (visitor, "/signin"),
                        (visitor, f"/stories/{story.thread_id}"), (visitor, "/nowhere"),
                        (member, "/account"), (visitor, "/privacy")):
        page = await client.get(url)
        footer = page.text[page.text.index('<footer class="site-footer">'):]
        for link in ('href="/about"', 'href="/guidelines"', 'href="/privacy"'):
            assert link in footer, (url, link)


async def test_the_shipped_pages_say_what_the_forum_does(visitor):
    about = await visitor.get("/about")
    assert about.status_code == 200 and "not an emergency service" in about.text
    guidelines = await visitor.get("/guidelines")
    assert "describe methods" in guidelines.text
    assert "I&#39;m worried about this person" in guidelines.text or \
        "I'm worried about this person" in guidelines.text
    privacy = await visitor.get("/privacy")
    for promise in ("sealed with a key that is kept outside the database",
                    "the moderators cannot see who wrote an anonymous post",
                    "not stored with your account or your posts", "argon2id",
                    "Delete your account", "Guest", "crisis", "Email is optional"):
        assert promise in privacy.text, promise
    assert "Edit this page" not in privacy.text


async def test_an_admin_rewrites_a_page_in_markdown_and_html_never_passes(admin, visitor):
    form = await admin.get("/admin/pages/about")
    assert form.status_code == 200 and "peer-support forum" in form.text
    saved = await admin.post_form("/admin/pages/about", {
        "body": "We are **three friends** in Leeds.\n\n<script>alert(1)</script>\n\n"
                "[x](javascript:alert(1))"})
    assert saved.status_code == 303 and saved.headers["location"].endswith("/about")
    page = await visitor.get("/about")
    assert "<strong>three friends</strong>" in page.text
    body = page.text[page.text.index('<div class="post-body">'):]
    assert "<script>alert" not in body and 'href="javascript' not in body
    assert (await SitePage.get(slug="about")).body_md.startswith("We are")
    assert "Edit this page" in (await admin.get("/about")).text
    empty = await admin.post_form("/admin/pages/about", {"body": "   "})
    assert empty.status_code == 422 and "Please write the page" in empty.text
    assert (await admin.get("/admin/pages/terms")).status_code == 404
    assert await audit_actions() == ["page_edit"]


async def test_feeds_carry_the_site_name_the_admins_chose(admin, visitor):
    assert "<title>Hearth: latest stories</title>" in (await visitor.get("/feeds/latest.atom")).text
    assert (await admin.post_form("/admin/site", SITE)).status_code == 303
    latest = await visitor.get("/feeds/latest.atom")
    assert "<title>Harbour: latest stories</title>" in latest.text
    assert "Hearth" not in latest.text
    small_wins = await visitor.get("/c/small-wins/feed.atom")
    assert "<title>Harbour: Small Wins</title>" in small_wins.text
