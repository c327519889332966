"""The page after sign-up keeps the recovery codes and says what happens next: who reads a
new member's first posts and roughly when, where crisis help is, and the guidelines."""

from __future__ import annotations

import re

import pytest

from forum.app import create_app
from forum.models.content import Category, Premoderation

from ..conftest import make_settings

JOIN = {"username": "newcomer", "password": "kettle orchard lantern"}


@pytest.fixture
def app(var_dir, database_url, db):
    settings = make_settings(var_dir, database_url, FORUM_NEW_MEMBER_DAYS="3",
                             FORUM_NEW_MEMBER_POSTS="2")
    return create_app(settings, manage_database=False, strict_templates=True)


def next_steps(html: str) -> str:
    found = re.search(r'<section class="welcome-next".*?</section>', html, re.S)
    assert found, "the page says what happens next"
    return re.sub(r"\s+", " ", found.group(0))


async def test_a_new_member_is_told_moderators_read_their_first_posts_and_when(visitor):
    await visitor.get("/signup")
    page = await visitor.post_form("/signup", JOIN)
    assert page.status_code == 200
    assert len(re.findall(r"<li><code>[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}</code></li>",
                          page.text)) == 10  # the recovery codes are still there
    said = next_steps(page.text)
    assert "a moderator reads your posts before others see them" in said
    assert "<strong>within a day</strong>" in said
    assert 'href="/guidelines"' in said and 'href="/help"' in said
    assert "never held back" in said


async def test_the_wait_is_what_the_admins_said_and_only_held_categories_are_named(
        visitor, admin):
    await admin.post_form("/admin/site", {"name": "Hearth", "description": "A kind place.",
                                          "review_wait": "within a few hours"})
    await Category.filter(slug="small-wins").update(premoderation=Premoderation.NONE)
    await visitor.get("/signup")
    said = next_steps((await visitor.post_form("/signup", JOIN)).text)
    assert "<strong>within a few hours</strong>" in said
    assert " in Parenting &amp; Mom Guilt, " in said and "Small Wins" not in said


async def test_where_nothing_waits_the_new_member_is_told_posts_appear_at_once(visitor):
    await Category.all().update(premoderation=Premoderation.NONE)
    await visitor.get("/signup")
    said = next_steps((await visitor.post_form("/signup", JOIN)).text)
    assert "Your posts appear as soon as you send them" in said
    assert "moderator reads your posts" not in said
