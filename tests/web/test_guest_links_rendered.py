"""Guests may not post links: the rule is decided on the HTML their words would become, so
no way of writing a link in Markdown gets through — and what they wrote is kept."""

from __future__ import annotations

import pytest
from markupsafe import escape

from forum.app import create_app
from forum.models.content import Post

from ..conftest import make_settings
from ..factories import make_story

# Each of these renders to a link (or names a web address once entities are read).
HOSTILE_BODIES = [
    "Look [here][1]\n\n[1]: //example.org",                  # reference, protocol-relative
    "Look [here][1]\n\n[1]: <mailto:deals@spam.invalid>",     # reference to a mail address
    "Look [here][]\n\n[here]: /stories/1",                     # collapsed reference, a path
    "[here]\n\n[here]: //spam.invalid/buy",                    # shortcut reference
    "Write to <mailto:deals@spam.invalid> today",             # mailto autolink
    "Write to <deals@spam.invalid> today",                    # email autolink
    "Go to <https://spam.invalid/buy>",                       # URL autolink
    "Go [there](//spam.invalid)",                              # inline, protocol-relative
    "Go [there](&#104;ttps&#58;//spam&#46;invalid)",            # entities in the target
    "Go [there][x]\n\n[x]: &#104;ttps://spam&#46;invalid",      # entities, by reference
    "Read h&#116;tps&#58;//spam&#46;com for more",              # entities in plain text
    "[![a picture](https://spam.invalid/p.png)](https://spam.invalid)",  # image in a link
    "[![a picture][p]][l]\n\n[p]: //spam.invalid/p.png\n[l]: //spam.invalid",
    "> quoted [link][r]\n>\n> [r]: //spam.invalid",            # reference inside a quote
    "- a list\n- with [a link](HTTPS://SPAM.INVALID)",
]
# Ordinary words that must still go through.
HARMLESS_BODIES = [
    "I went outside today. It was 3.5 degrees and I felt [really] proud.",
    "My counsellor said [sic] that I'm doing 10/10 work. (Small steps!)",
    "e.g. my mum's house, i.e. somewhere safe — at 7 a.m.",
    "Use *stars* and `code` and ~~strike~~ if you like.",
    "[not a link] just brackets, and a ref that points nowhere [x][nope]",
]


@pytest.fixture
def app(var_dir, database_url, db):
    """Guests here all share the test client's address: a roomier guest limit."""
    settings = make_settings(var_dir, database_url, FORUM_RATE_LIMITS="guest=1000/hour")
    return create_app(settings, manage_database=False, strict_templates=True)


async def test_every_way_of_writing_a_link_is_refused_on_the_guest_story_page(visitor):
    await visitor.get("/guest/new")
    for n, body in enumerate(HOSTILE_BODIES):
        response = await visitor.post_form("/guest/new", {
            "category": "small-wins", "title": "A small win", "body": body,
            "submission_id": f"guest-link-{n:08d}"})
        assert response.status_code == 422, body
        assert "include links" in response.text, body
        assert str(escape(body)) in response.text, body  # what they wrote is kept
    assert not await Post.filter(is_guest=True).exists()


async def test_guest_replies_through_the_page_and_the_api_are_judged_the_same(visitor,
                                                                              member):
    story = await make_story(member.user)
    await visitor.get(f"/stories/{story.thread_id}/guest-reply")
    for body in HOSTILE_BODIES:
        page = await visitor.post_form(f"/stories/{story.thread_id}/guest-reply",
                                       {"body": body})
        assert page.status_code == 422, body
        api = await visitor.http.post(f"/api/v1/stories/{story.thread_id}/replies",
                                      json={"body": body})
        assert api.status_code == 422, body
        assert "can't include links" in api.json()["errors"]["body"], body
    assert not await Post.filter(is_guest=True).exists()


async def test_an_edit_through_the_manage_link_cannot_add_a_link(visitor):
    await visitor.get("/guest/new")
    made = await visitor.post_form("/guest/new", {"category": "small-wins",
                                                  "title": "A small win",
                                                  "body": "I went outside today."})
    assert made.status_code == 201
    story = await Post.get(is_guest=True)
    link = made.text.split('href="http://127.0.0.1:8000/manage/')[1].split('"')[0]
    for body in HOSTILE_BODIES[:5]:
        edited = await visitor.post_form(f"/manage/{link}/edit", {"title": "A small win",
                                                                 "body": body})
        assert edited.status_code == 422, body
    assert (await Post.get(id=story.id)).body_md == "I went outside today."


async def test_ordinary_words_with_brackets_and_dots_still_go_through(visitor):
    await visitor.get("/guest/new")
    for n, body in enumerate(HARMLESS_BODIES):
        response = await visitor.post_form("/guest/new", {
            "category": "small-wins", "title": "A small win", "body": body,
            "submission_id": f"guest-fine-{n:08d}"})
        assert response.status_code == 201, (body, response.text[:300])
    assert await Post.filter(is_guest=True).count() == len(HARMLESS_BODIES)


async def test_a_web_address_in_a_guest_title_is_refused_too(visitor):
    await visitor.get("/guest/new")
    response = await visitor.post_form("/guest/new", {
        "category": "small-wins", "title": "Cheap pills at spam.com", "body": "Hello."})
    assert response.status_code == 422
    assert "Cheap pills at spam.com" in response.text
