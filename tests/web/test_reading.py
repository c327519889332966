"""Reading as a member: warnings that cover a thread's replies, search that honours "hide
from lists", the reply pager's words, where you left off, bookmarks, blocking a member, and
the staff badge — through the pages and the API, as the reader (and the person they
blocked) would meet them."""

from __future__ import annotations

import re

from tortoise import connections

from forum.actions.posting import create_reply, create_story
from forum.models.accounts import Role
from forum.models.content import Category, Post, PostStatus
from forum.models.notifications import Notification, SealedNotification
from forum.models.reading import Block, Bookmark, ReadPosition
from forum.queries.content import REPLIES_PER_PAGE
from forum.queries.reading import reader_tag, seal_reader
from forum.schemas.posting import ReplyIn, StoryIn

from ..conftest import count_queries
from ..factories import PASSWORD, make_reply, make_story, make_user


async def anonymous_reply(author, story, body):
    reply, _ = await create_reply(author, story.thread, ReplyIn(body=body, anonymous=True),
                                  rules=None)
    return reply


async def anonymous_story(author, title="Quiet story", body="Words"):
    found = await Category.get(slug="small-wins")
    story, _ = await create_story(author, found, StoryIn(
        category="small-wins", title=title, body=body, anonymous=True), rules=None)
    return story


async def position(user, thread_id):
    return await ReadPosition.get_or_none(reader_tag=reader_tag(user.id, thread_id))


def disclosure_around(html: str, marker: str) -> str:
    """The text of the <details> element that opens with `marker` in its class list."""
    start = html.index(f'<details class="{marker}')
    depth, at = 0, start
    for match in re.finditer(r"<(/?)details\b", html[start:]):
        depth += -1 if match.group(1) else 1
        if depth == 0:
            at = start + match.end()
            break
    return html[start:at]


# --- warnings cover the replies -------------------------------------------------------------

async def test_replies_under_a_warned_story_are_inside_its_one_disclosure(member, other_member,
                                                                         visitor):
    story = await make_story(member.user, title="The worst night", body="The story itself",
                             warnings=["suicide"])
    await make_reply(other_member.user, story, "A reply that quotes the hard part")
    for client in (visitor, other_member):
        page = (await client.get(f"/stories/{story.thread_id}")).text
        folded = disclosure_around(page, "post__warned thread-warned")
        assert "This story mentions: suicide" in folded
        assert "Show the story and its 1 reply" in folded
        for text in ("The story itself", "A reply that quotes the hard part"):
            assert page.count(text) == 1 and text in folded
        assert "<details" in page and "open" not in folded.split(">", 1)[0]


async def test_a_reader_who_expands_warnings_sees_the_thread_unfolded(member, other_member):
    story = await make_story(member.user, body="The story itself", warnings=["suicide"])
    await make_reply(member.user, story, "The author's reply")
    await other_member.post_form("/account/preferences", {"cw_suicide": "show"})
    page = (await other_member.get(f"/stories/{story.thread_id}")).text
    assert "thread-warned" not in page and "The author's reply" in page


# --- search honours "hide from lists" -------------------------------------------------------

async def test_search_leaves_out_threads_whose_theme_the_reader_hides(member, other_member,
                                                                     client_factory):
    warned = await make_story(member.user, title="Lighthouse night", body="lighthouse words",
                              warnings=["suicide"])
    reply = await make_reply(member.user, warned, "a lighthouse reply")
    await other_member.post_form("/account/preferences", {"cw_suicide": "hide"})
    calm = await make_story(member.user, title="Morning", body="lighthouse calm")
    hidden_for = (await other_member.get("/search?q=lighthouse")).text
    assert f'href="/stories/{calm.thread_id}"' in hidden_for
    assert "lighthouse</mark> calm" in hidden_for
    assert f"/stories/{warned.thread_id}" not in hidden_for
    assert f"/posts/{reply.id}" not in hidden_for
    api = await client_factory(other_member.user, api_token=True)
    found = (await api.api("GET", "/api/v1/search?q=lighthouse")).json()
    assert found["total"] == 1
    shown_for = (await member.get("/search?q=lighthouse")).text  # the author hid nothing
    assert f'href="/stories/{warned.thread_id}"' in shown_for
    assert f'href="/posts/{reply.id}"' in shown_for


# --- the reply pager ------------------------------------------------------------------------

async def test_reply_pager_names_earlier_and_later_replies_oldest_first(member, other_member):
    story = await make_story(member.user)
    for n in range(REPLIES_PER_PAGE + 1):
        await make_reply(other_member.user, story, f"reply number {n}")
    first = (await member.get(f"/stories/{story.thread_id}")).text
    assert "reply number 0" in first and f"reply number {REPLIES_PER_PAGE}" not in first
    assert re.search(r'rel="next" href="[^"]*page=2">Later replies →', first)
    assert "Older" not in first and "Newer" not in first
    second = (await member.get(f"/stories/{story.thread_id}?page=2")).text
    assert f"reply number {REPLIES_PER_PAGE}" in second
    assert re.search(r'rel="prev" href="/stories/\d+">← Earlier replies', second)


# --- where you left off ---------------------------------------------------------------------

async def test_new_since_your_last_visit_marker_jump_link_and_counts_on_lists(member,
                                                                             other_member):
    story = await make_story(other_member.user, title="Long road")
    seen = await make_reply(other_member.user, story, "Seen before")
    page = (await member.get(f"/stories/{story.thread_id}")).text
    assert "New since your last visit" not in page and "Jump to the first unread" not in page
    assert f'name="post_id" value="{seen.id}"' in page  # what the page's Mark as read sends
    marked = await member.post_form(f"/stories/{story.thread_id}/read", {"post_id": seen.id})
    assert marked.status_code == 303
    assert (await position(member.user, story.thread_id)).last_read_post_id == seen.id
    first_new = await make_reply(other_member.user, story, "New one")
    await make_reply(other_member.user, story, "Newer one")
    page = (await member.get(f"/stories/{story.thread_id}")).text
    assert page.index("Seen before") < page.index("New since your last visit") < page.index(
        "New one")
    assert f'<a href="/posts/{first_new.id}">Jump to the first unread reply</a>' in page
    assert "(2 new)" in page
    for url in ("/", "/c/small-wins"):
        listing = (await member.get(url)).text
        assert "2 new<span" in listing
        assert "new<span" not in (await other_member.get(url)).text  # never read: no count


async def test_read_position_moves_only_forward_and_never_on_a_page_view(member, other_member,
                                                                        client_factory):
    story = await make_story(other_member.user)
    one = await make_reply(other_member.user, story, "one")
    two = await make_reply(other_member.user, story, "two")
    api = await client_factory(member.user, api_token=True)
    answer = await api.api("POST", f"/api/v1/stories/{story.thread_id}/read",
                           json={"post_id": two.id})
    assert answer.json() == {"story_id": story.thread_id, "last_read_post_id": two.id,
                             "changed": True}
    back = await api.api("POST", f"/api/v1/stories/{story.thread_id}/read",
                         json={"post_id": one.id})
    assert back.json()["last_read_post_id"] == two.id and back.json()["changed"] is False
    other = await make_story(other_member.user, title="Elsewhere")
    wrong = await api.api("POST", f"/api/v1/stories/{other.thread_id}/read",
                          json={"post_id": two.id})
    assert wrong.status_code == 404  # a post of another thread
    bad = await api.api("POST", f"/api/v1/stories/{story.thread_id}/read",
                        json={"post_id": "²"})
    assert bad.status_code == 422
    with count_queries() as counter:
        assert (await member.get(f"/stories/{story.thread_id}")).status_code == 200
    assert not [s for s in counter.statements if not re.match(r"\s*(SELECT|WITH)", s, re.I)]


async def test_a_read_position_is_kept_where_the_member_wrote_anonymously_too(member,
                                                                             other_member,
                                                                             client_factory):
    story = await make_story(other_member.user)
    mine = await anonymous_reply(member.user, story, "Said quietly")
    api = await client_factory(member.user, api_token=True)
    answer = await api.api("POST", f"/api/v1/stories/{story.thread_id}/read",
                           json={"post_id": mine.id})
    assert answer.status_code == 200 and answer.json()["last_read_post_id"] == mine.id
    later = await make_reply(other_member.user, story, "Thank you")
    page = (await member.get(f"/stories/{story.thread_id}")).text
    assert "New since your last visit" in page and "(1 new)" in page
    own_story = await anonymous_story(member.user)
    await member.post_form(f"/stories/{own_story.thread_id}/read", {"post_id": own_story.id})
    assert (await position(member.user, own_story.thread_id)).last_read_post_id == own_story.id
    assert (await position(member.user, story.thread_id)).last_read_post_id == mine.id < later.id


async def test_read_positions_name_nobody_in_a_copy_of_the_database(member, other_member):
    """Read as a copy of the database would be, without the key: no column of a read
    position holds a member's id or name, and the sealed reader is one length whatever the
    member's id."""
    story = await make_story(await make_user("storyteller"))
    reply = await make_reply(other_member.user, story, "One reply")
    for reader in (member, other_member):
        marked = await reader.post_form(f"/stories/{story.thread_id}/read",
                                        {"post_id": reply.id})
        assert marked.status_code == 303
    rows = await connections.get("default").execute_query_dict("SELECT * FROM read_positions")
    assert len(rows) == 2
    assert set(rows[0]) == {"id", "reader_tag", "thread_id", "last_read_post_id",
                            "sealed_reader"}
    assert {row["last_read_post_id"] for row in rows} == {reply.id}
    names = {member.user.username, other_member.user.username}
    for row in rows:
        assert not any(name in str(value) for name in names for value in row.values())
        assert len(str(row["reader_tag"])) == 40 and "_" not in str(row["reader_tag"])
    assert len({len(seal_reader(n)) for n in (1, 42, 123_456, 2**31 - 1)}) == 1


async def test_member_pages_stay_within_six_queries_with_reading_state(member, other_member):
    blocked = await make_user("someone_blocked")
    await Block.create(blocker_id=member.user.id, blocked_id=blocked.id)
    stories = [await make_story(other_member.user, title=f"s{n}") for n in range(3)]
    for story in stories:
        reply = await make_reply(other_member.user, story, "words")
        await ReadPosition.create(reader_tag=reader_tag(member.user.id, story.thread_id),
                                  thread_id=story.thread_id, last_read_post_id=reply.id,
                                  sealed_reader=seal_reader(member.user.id))
        await Bookmark.create(user_id=member.user.id, post_id=reply.id,
                              thread_id=story.thread_id)
    for url in ("/", "/c/small-wins", f"/stories/{stories[0].thread_id}"):
        with count_queries() as counter:
            assert (await member.get(url)).status_code == 200
        assert len(counter.statements) <= 6, (url, [q[:60] for q in counter.statements])


# --- bookmarks ------------------------------------------------------------------------------

async def test_bookmark_a_story_and_a_reply_find_them_and_remove_them(member, other_member,
                                                                     client_factory):
    story = await make_story(other_member.user, title="Worth keeping")
    reply = await make_reply(other_member.user, story, "A reply worth keeping")
    for post in (story, reply):
        answer = await member.post_form(f"/posts/{post.id}/bookmark", {"on": "1"})
        assert answer.status_code == 303
    page = (await member.get("/bookmarks")).text
    assert f'href="/posts/{story.id}">Story “Worth keeping”' in page
    assert f'href="/posts/{reply.id}">Reply by otter_member in “Worth keeping”' in page
    thread = (await member.get(f"/stories/{story.thread_id}")).text
    assert thread.count("Bookmarked — remove") == 2
    api = await client_factory(member.user, api_token=True)
    listed = (await api.api("GET", "/api/v1/me/bookmarks")).json()["bookmarks"]
    assert [b["post_id"] for b in listed] == [reply.id, story.id]
    assert listed[0]["author"] == {"kind": "member", "username": "otter_member",
                                   "display_name": "otter_member"}
    await Post.filter(id=reply.id).update(status=PostStatus.HIDDEN)  # a moderator hid it
    assert "A reply" not in (await member.get("/bookmarks")).text
    gone = await api.api("DELETE", f"/api/v1/posts/{story.id}/bookmark")
    assert gone.json() == {"bookmarked": False, "changed": True}
    await member.post_form(f"/posts/{reply.id}/bookmark", {"on": "0"})
    assert await Bookmark.all().count() == 0
    assert "No bookmarks yet" in (await member.get("/bookmarks")).text
    assert (await other_member.get("/bookmarks")).status_code == 200  # each their own


async def test_no_bookmark_in_a_thread_written_in_anonymously(member, other_member,
                                                             client_factory):
    story = await make_story(other_member.user)
    await anonymous_reply(member.user, story, "Said quietly")
    api = await client_factory(member.user, api_token=True)
    refused = await api.api("PUT", f"/api/v1/posts/{story.id}/bookmark")
    assert refused.status_code == 403 and "anonymously" in refused.json()["detail"]
    assert await Bookmark.all().count() == 0
    pending = await Post.create(thread_id=story.thread_id, body_md="x", body_html="x",
                                status=PostStatus.PENDING, author_id=other_member.user.id)
    unseen = await api.api("PUT", f"/api/v1/posts/{pending.id}/bookmark")
    assert unseen.status_code == 404  # someone else's waiting post: not there for you
    assert (await api.api("DELETE", f"/api/v1/posts/{pending.id}/bookmark")).status_code == 404


# --- blocking a member ----------------------------------------------------------------------

async def test_a_blocked_members_named_posts_fold_away_for_the_blocker_only(
        member, other_member, visitor):
    story = await make_story(member.user, title="My story")
    bully = await make_user("thorn_member")
    named = await make_reply(bully, story, "Named unkind words")
    page = (await member.get(f"/stories/{story.thread_id}")).text
    assert "Block thorn_member" in page
    answer = await member.post_form("/blocks", {"username": "thorn_member",
                                                "next": f"/posts/{named.id}"})
    assert answer.status_code == 303 and answer.headers["location"] == f"/posts/{named.id}"
    page = (await member.get(f"/stories/{story.thread_id}")).text
    folded = disclosure_around(page, "post__warned post__blocked")
    assert "You blocked this member" in folded and "Named unkind words" in folded
    assert "Block thorn_member" not in page
    for client in (visitor, other_member):  # nobody else sees a thing
        assert "You blocked" not in (await client.get(f"/stories/{story.thread_id}")).text
    bully_story = await make_story(bully, title="Their story")
    home = (await member.get("/")).text
    assert "A story by a member you blocked" in home and "Their story" in home
    assert "A story by a member you blocked" not in (await other_member.get("/")).text
    blocks = (await member.get("/account/blocks")).text
    assert "thorn_member" in blocks
    await member.post_form("/blocks", {"username": "thorn_member", "on": "0"})
    assert not await Block.exists()
    assert "You blocked" not in (await member.get(f"/stories/{bully_story.thread_id}")).text


async def test_anonymous_posts_offer_no_block_and_never_fold_for_a_blocker(member,
                                                                          other_member):
    """Folding an anonymous post by someone you blocked would tell you who wrote it."""
    story = await make_story(member.user, title="My story")
    await member.post_form("/blocks", {"username": other_member.user.username})
    await anonymous_reply(other_member.user, story, "Anonymous words by the blocked member")
    page = (await member.get(f"/stories/{story.thread_id}")).text
    assert "Anonymous words by the blocked member" in page
    assert "You blocked" not in page and "post__blocked" not in page
    assert "Block Anonymous" not in page and 'name="username"' not in page
    await anonymous_story(other_member.user, title="An anonymous story of theirs")
    home = (await member.get("/")).text
    assert "An anonymous story of theirs" in home and "member you blocked" not in home


async def test_a_blocked_member_notifies_the_blocker_of_nothing_they_write_by_name(
        member, other_member, client_factory):
    story = await make_story(member.user, title="My story")
    await member.post_form("/blocks", {"username": other_member.user.username})
    mine = await make_reply(member.user, story, "My own reply")
    await make_reply(other_member.user, story, "Replying by name, @wren_member")
    await make_reply(other_member.user, story, "Answering you", reply_to=mine.id)
    await make_story(other_member.user, title="Hey @wren_member", body="Look @wren_member")
    assert await Notification.filter(user_id=member.user.id).count() == 0
    third = await make_user("wren_third")
    await make_reply(third, story, "From someone not blocked")
    assert await Notification.filter(user_id=member.user.id).count() == 1
    # An anonymous reply notifies as any other would: holding it back would say who wrote it.
    await anonymous_reply(other_member.user, story, "Anonymously, with care")
    api = await client_factory(member.user, api_token=True)
    notes = (await api.api("GET", "/api/v1/me/notifications")).json()["notifications"]
    assert [n for n in notes if n["message"].startswith("Anonymous")]


async def test_a_blocked_replier_in_an_anonymous_story_writes_a_receipt_not_news(
        member, other_member, client_factory):
    story = await anonymous_story(member.user, title="Quiet")
    await member.post_form("/blocks", {"username": other_member.user.username})
    await make_reply(other_member.user, story, "By name")
    assert await SealedNotification.all().count() == 1  # the row is written, as for anyone
    api = await client_factory(member.user, api_token=True)
    assert (await api.api("GET", "/api/v1/me/notifications")).json()["notifications"] == []


async def test_members_cannot_block_themselves_or_staff(member, moderator, client_factory):
    api = await client_factory(member.user, api_token=True)
    own = await api.api("PUT", f"/api/v1/me/blocks/{member.user.username}")
    assert own.status_code == 403
    staff = await api.api("PUT", f"/api/v1/me/blocks/{moderator.user.username}")
    assert staff.status_code == 403 and "reach everyone" in staff.json()["detail"]
    nobody = await member.post_form("/blocks", {"username": "no_such_person_here"})
    assert nobody.status_code == 404 and "no_such_person_here" in nobody.text
    assert 'value="no_such_person_here"' in nobody.text  # what they typed is kept
    empty = await member.post_form("/blocks", {"username": "  "})
    assert empty.status_code == 422
    assert not await Block.exists()


async def test_blocks_and_bookmarks_through_the_api(member, other_member, client_factory):
    api = await client_factory(member.user, api_token=True)
    put = await api.api("PUT", f"/api/v1/me/blocks/{other_member.user.username}")
    assert put.json() == {"username": "otter_member", "blocked": True, "changed": True}
    again = await api.api("PUT", f"/api/v1/me/blocks/{other_member.user.username}")
    assert again.json()["changed"] is False
    listed = (await api.api("GET", "/api/v1/me/blocks")).json()
    assert listed == {"blocked": [{"username": "otter_member", "display_name": "otter_member"}]}
    off = await api.api("DELETE", f"/api/v1/me/blocks/{other_member.user.username}")
    assert off.json()["blocked"] is False and not await Block.exists()


# --- privacy of reading state ---------------------------------------------------------------

async def test_reading_state_is_exported_and_deleted_with_the_account(member, other_member):
    story = await make_story(other_member.user)
    reply = await make_reply(other_member.user, story)
    await member.post_form(f"/stories/{story.thread_id}/read", {"post_id": reply.id})
    await member.post_form(f"/posts/{reply.id}/bookmark", {"on": "1"})
    await member.post_form("/blocks", {"username": other_member.user.username})
    exported = (await member.post_form("/account/export", {"password": PASSWORD})).json()
    assert exported["read_positions"] == [{"story_id": story.thread_id,
                                           "last_read_post_id": reply.id}]
    assert exported["bookmarks"] == [{"post_id": reply.id, "story_id": story.thread_id}]
    assert exported["blocked_members"] == ["otter_member"]
    await other_member.post_form(f"/stories/{story.thread_id}/read", {"post_id": reply.id})
    await member.post_form("/account/delete", {"password": PASSWORD, "posts": "remove"})
    for model in (Bookmark, Block):
        assert await model.all().count() == 0
    kept = await ReadPosition.all()  # the other reader's position stays
    assert [(p.reader_tag, p.last_read_post_id) for p in kept] == [
        (reader_tag(other_member.user.id, story.thread_id), reply.id)]


# --- the staff badge ------------------------------------------------------------------------

async def test_staff_badge_beside_named_posts_never_on_anonymous_ones(member, visitor):
    mod = await make_user("heron_mod", role=Role.MODERATOR)
    admin = await make_user("egret_admin", role=Role.ADMIN)
    story = await make_story(member.user)
    await make_reply(mod, story, "From a moderator, by name")
    await make_reply(admin, story, "From an admin, by name")
    await anonymous_reply(mod, story, "From a moderator, anonymously")
    page = (await visitor.get(f"/stories/{story.thread_id}")).text
    articles = re.findall(r'<article class="post post--reply".*?</article>', page, re.S)
    by_text = {re.search(r"From an? [a-z]+, (by name|anonymously)", a).group(0): a
               for a in articles}
    assert 'badge--staff' in by_text["From a moderator, by name"]
    assert ">Moderator</span>" in by_text["From a moderator, by name"]
    assert ">Admin</span>" in by_text["From an admin, by name"]
    anonymous = by_text["From a moderator, anonymously"]
    assert "badge--staff" not in anonymous and "Moderator" not in anonymous
