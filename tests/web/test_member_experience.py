"""Reactions, notifications, following, profiles, feeds, reader protection and your data."""

from __future__ import annotations

from xml.etree import ElementTree

from tortoise import connections

from forum.actions.posting import create_reply, create_story
from forum.models.accounts import User
from forum.models.community import Follow, Reaction
from forum.models.content import Category, Post
from forum.models.notifications import Notification, SealedNotification
from forum.schemas.posting import ReplyIn, StoryIn

from ..factories import PASSWORD, make_reply, make_story, make_user

ATOM = "{http://www.w3.org/2005/Atom}"


async def anonymous_story(author: User, title: str = "Quiet story", body: str = "Words",
                          category: str = "small-wins") -> Post:
    found = await Category.get(slug=category)
    story, _ = await create_story(author, found, StoryIn(
        category=category, title=title, body=body, anonymous=True), rules=None)
    return story


async def test_reactions_toggle_and_only_counts_are_public(member, other_member, visitor,
                                                          client_factory):
    story = await make_story(member.user, title="Counted")
    url = f"/posts/{story.id}/reactions/hug"
    assert (await other_member.post_form(url, {"on": "1"})).status_code == 303
    assert (await other_member.post_form(url, {"on": "1"})).status_code == 303  # no double
    page = await visitor.get(f"/stories/{story.thread_id}")
    assert 'Hug <span class="reaction__count">1</span>' in page.text
    assert other_member.user.username not in page.text
    api = await client_factory(other_member.user, api_token=True)
    mine = await api.api("PUT", f"/api/v1/posts/{story.id}/reactions/me_too")
    assert mine.json() == {"changed": True, "counts": {"hug": 1, "me_too": 1},
                           "mine": ["hug", "me_too"]}
    await api.api("DELETE", f"/api/v1/posts/{story.id}/reactions/hug")
    assert await Reaction.filter(post_id=story.id).count() == 1
    assert (await member.post_form(url, {"on": "1"})).status_code == 403  # not on your own
    assert (await api.api("PUT", f"/api/v1/posts/{story.id}/reactions/downvote")
            ).status_code == 404


async def test_silenced_members_cannot_react(member, other_member, moderator):
    story = await make_story(member.user)
    await moderator.post_form(f"/mod/users/{other_member.user.username}/silence",
                              {"days": "1", "reason": "Cool off"})
    refused = await other_member.post_form(f"/posts/{story.id}/reactions/hug", {"on": "1"})
    assert refused.status_code == 403 and "paused posting" in refused.text


async def test_replies_mentions_and_follows_notify_once_and_respect_choices(
        member, other_member, client_factory):
    third = await make_user("wren_third")
    story = await make_story(member.user, title="Hard week")
    assert await Follow.exists(user_id=member.user.id, thread_id=story.thread_id)
    await other_member.post_form(f"/stories/{story.thread_id}/follow", {"on": "1"})
    await make_reply(third, story, "Thinking of you, @otter_member and @nobody_here")
    notes = {n.user_id: n.message for n in await Notification.all()}
    assert "replied to your story" in notes[member.user.id]
    assert "replied in" in notes[other_member.user.id]  # followed; told once, not twice
    assert await Notification.filter(user_id=other_member.user.id).count() == 1
    bell = await member.get("/")
    assert 'class="bell"' in bell.text and ">1<" in bell.text
    await member.post_form("/notifications/read", {})
    assert not await Notification.filter(user_id=member.user.id, read_at__isnull=True).exists()
    await member.post_form("/account/preferences", {"notify_reply_to_post": "1"})
    await make_reply(third, story, "Another thought")
    assert await Notification.filter(user_id=member.user.id).count() == 1  # switched off
    reply = await make_reply(member.user, story, "Thank you")
    await make_reply(third, story, "Always", reply_to=reply.id)
    assert await Notification.filter(user_id=member.user.id).count() == 2  # reply_to stays on


async def test_anonymous_authors_hear_about_replies_sealed_and_cannot_follow(member,
                                                                            other_member):
    story = await anonymous_story(member.user)
    assert not await Follow.exists(user_id=member.user.id)
    await make_reply(other_member.user, story, "I hear you")
    assert await Notification.filter(user_id=member.user.id).count() == 0
    assert await SealedNotification.all().count() == 1
    page = await member.get("/notifications")
    assert "replied to your story" in page.text
    refused = await member.post_form(f"/stories/{story.thread_id}/follow", {"on": "1"})
    assert refused.status_code == 403


async def test_profiles_show_named_posts_only_and_can_be_hidden(member, other_member,
                                                               visitor):
    named = await make_story(member.user, title="Under my name")
    await anonymous_story(member.user, title="Not on my profile")
    await other_member.post_form(f"/posts/{named.id}/reactions/strength", {"on": "1"})
    page = await visitor.get(f"/u/{member.user.username}")
    assert "Under my name" in page.text and "Not on my profile" not in page.text
    assert "Strength 1" in page.text
    api = (await visitor.get(f"/api/v1/users/{member.user.username}")).json()
    assert [p["story_title"] for p in api["posts"]] == ["Under my name"]
    await member.post_form("/account/preferences", {"hide_activity": "1"})
    hidden = await visitor.get(f"/u/{member.user.username}")
    assert "Under my name" not in hidden.text and "keeps their activity private" in hidden.text
    assert (await visitor.get("/u/nobody-at-all")).status_code == 404


async def test_feeds_name_authors_as_readers_see_them_and_respect_warnings(member, visitor):
    await make_story(member.user, title="Plain story", body="Open words")
    await make_story(member.user, title="Warned story", body="Hidden words",
                     warnings=["self_harm"])
    await anonymous_story(member.user, title="Anonymous one")
    response = await visitor.get("/feeds/latest.atom")
    assert response.headers["content-type"].startswith("application/atom+xml")
    feed = ElementTree.fromstring(response.text)  # noqa: S314 (our own feed)
    entries = {e.find(f"{ATOM}title").text: e for e in feed.findall(f"{ATOM}entry")}
    assert set(entries) == {"Plain story", "Warned story", "Anonymous one"}
    assert "Open words" in entries["Plain story"].find(f"{ATOM}content").text
    warned = entries["Warned story"]
    assert warned.find(f"{ATOM}content") is None
    assert "self-harm" in warned.find(f"{ATOM}summary").text.lower().replace(" ", "-")
    assert "Hidden words" not in response.text
    author = entries["Anonymous one"].find(f"{ATOM}author/{ATOM}name").text
    assert author.startswith("Anonymous ")
    assert [e.find(f"{ATOM}author/{ATOM}name").text for e in entries.values()].count(
        member.user.username) == 2  # the two named stories; the anonymous one by pseudonym
    category = await visitor.get("/c/small-wins/feed.atom")
    assert ElementTree.fromstring(category.text).find(  # noqa: S314 (our own feed)
        f"{ATOM}title").text.endswith(
        "Small Wins")


async def test_reader_chooses_how_warnings_and_muted_words_meet_them(member, other_member):
    await make_story(other_member.user, title="About self-harm", body="Difficult",
                     warnings=["self_harm"])
    story = await make_story(other_member.user, title="Gardening", body="My tomatoes died")
    await member.post_form("/account/preferences", {"cw_self_harm": "hide",
                                                    "muted_words": "tomatoes"})
    home = await member.get("/")
    assert "About self-harm" not in home.text and "Gardening" in home.text
    page = await member.get(f"/stories/{story.thread_id}")
    assert "a word you muted" in page.text and "Show anyway" in page.text
    await member.post_form("/account/preferences", {"cw_self_harm": "show"})
    assert "About self-harm" in (await member.get("/")).text


async def test_export_has_every_post_of_mine_and_nothing_of_anyone_else(member, other_member):
    others = await make_story(other_member.user, title="Someone else's title",
                              body="Someone else's words")
    await make_reply(member.user, others, "My named reply")
    await anonymous_story(member.user, title="My anonymous story", body="Anonymous words")
    refused = await member.post_form("/account/export", {"password": "wrong password"})
    assert refused.status_code == 403
    response = await member.post_form("/account/export", {"password": PASSWORD})
    assert response.status_code == 200
    assert "attachment" in response.headers["content-disposition"]
    data = response.json()
    bodies = {p["body"] for p in data["posts"]}
    assert bodies == {"My named reply", "Anonymous words"}
    assert any(p["anonymous"] and p["title"] == "My anonymous story" for p in data["posts"])
    assert "Someone else" not in response.text
    assert data["account"]["username"] == member.user.username


async def everything_in_the_database() -> str:
    conn = connections.get("default")
    if conn.capabilities.dialect == "sqlite":
        rows = await conn.execute_query_dict(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' "
            "AND name NOT LIKE 'post_search%'")
    else:
        rows = await conn.execute_query_dict(
            "SELECT table_name AS name FROM information_schema.tables "
            "WHERE table_schema='public' AND table_type='BASE TABLE'")
    dumped = []
    for row in rows:
        dumped.append(repr(await conn.execute_query_dict(f'SELECT * FROM "{row["name"]}"')))
    return "\n".join(dumped)


async def test_deleting_and_removing_posts_leaves_none_of_their_words(member, other_member,
                                                                      visitor):
    story = await make_story(member.user, title="Zanzibar-title-7", body="Quokka-body-7")
    await anonymous_story(member.user, title="Anon-title-8", body="Anon-body-8")
    others = await make_story(other_member.user, title="Kept thread")
    await make_reply(member.user, others, "Reply-body-9")
    await member.post_form(f"/posts/{story.id}/edit", {"title": "Zanzibar-title-7",
                                                       "body": "Quokka-body-7 edited"})
    response = await member.post_form("/account/delete", {"password": PASSWORD,
                                                          "posts": "remove"})
    assert response.status_code == 200
    dump = await everything_in_the_database()
    for words in ("Zanzibar-title-7", "Quokka-body-7", "Anon-title-8", "Anon-body-8",
                  "Reply-body-9"):
        assert words not in dump, words
    assert not await User.exists(id=member.user.id)
    assert (await member.get("/account")).status_code == 303  # the session is gone
    again = await visitor.post_form("/signup", {"username": member.user.username,
                                                "password": "a brand new long password"})
    assert again.status_code == 422  # the name rests for a while


async def test_deleting_and_keeping_posts_leaves_no_trace_of_who_wrote_them(member, visitor,
                                                                           client_factory):
    named = await make_story(member.user, title="Stays up")
    anonymous = await anonymous_story(member.user, title="Stays anonymous")
    api = await client_factory(member.user, api_token=True)
    deleted = await api.api("DELETE", "/api/v1/me", json={"password": PASSWORD,
                                                          "keep_posts": True})
    assert deleted.json() == {"deleted": True, "posts_removed": 0, "posts_kept": 2}
    page = await visitor.get(f"/stories/{named.thread_id}")
    assert "Former member" in page.text and member.user.username not in page.text
    kept = await Post.get(id=anonymous.id)
    assert kept.sealed_author is None and kept.author_id is None and kept.pseudonym
    assert (await Post.get(id=named.id)).author_id is None
    assert await SealedNotification.all().count() == 0


async def test_notifications_and_export_through_the_api(member, other_member, client_factory):
    story = await make_story(member.user)
    await create_reply(other_member.user, story.thread, ReplyIn(body="Hi @wren_member"),
                       rules=None)
    api = await client_factory(member.user, api_token=True)
    listed = (await api.api("GET", "/api/v1/me/notifications?per_page=5")).json()
    assert listed["unread"] == 1 and listed["total"] == 1
    assert (await api.api("GET", "/api/v1/me/notifications?per_page=500")).status_code == 400
    assert (await api.api("POST", "/api/v1/me/notifications/read")).json() == {"marked_read": 1}
    refused = await api.api("GET", "/api/v1/me/export")
    assert refused.status_code == 403
    exported = await api.api("GET", "/api/v1/me/export",
                             headers={"X-Confirm-Password": PASSWORD})
    assert exported.json()["account"]["username"] == member.user.username
