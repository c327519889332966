"""A signed-in member's pages: a fixed, small number of queries, no writes, and posts kept
rendered between views (forum.post_fragments) without one reader's parts reaching another."""

import re

from forum.models.content import Post, PostStatus
from forum.queries.content import get_thread_page, thread_page_rows

from ..conftest import Client, count_queries
from ..factories import make_reply, make_story, make_user

CATEGORY = "parenting-mom-guilt"  # takes anonymous posts
MEMBER_PAGES = ("/", f"/c/{CATEGORY}", "/notifications")


def article(page: str, post_id: int) -> str:
    found = re.search(rf'<article[^>]*id="post-{post_id}".*?</article>', page, re.S)
    assert found, f"post {post_id} is not on the page"
    return found.group(0)


async def statements(client: Client, url: str) -> list[str]:
    with count_queries() as counter:
        response = await client.get(url)
    assert response.status_code == 200, url
    return counter.statements


def writes(found: list[str]) -> list[str]:
    return [s for s in found if not re.match(r"\s*SELECT", s, re.I)]


async def anonymous_reply(client: Client, thread_id: int, body: str) -> Post:
    response = await client.post_form(f"/stories/{thread_id}/replies",
                                      {"body": body, "anonymous": "1"})
    assert response.status_code == 303, response.text
    return await Post.get(body_md=body)


async def test_a_members_pages_run_at_most_six_queries_whatever_their_size(member):
    writers = [await make_user(f"writer{n}") for n in range(3)]
    small = await make_story(writers[0], title="Small", category=CATEGORY)
    big = await make_story(writers[1], title="Big", category=CATEGORY)
    for n in range(55):
        await make_reply(writers[n % 3], big, f"reply {n}")
    await make_reply(writers[2], small, "only one")
    await anonymous_reply(member, big.thread_id, "Me too, quietly")  # a sealed side to read
    counts = {}
    for label, urls in (("small", [f"/stories/{small.thread_id}", *MEMBER_PAGES]),
                        ("big", [f"/stories/{big.thread_id}", *MEMBER_PAGES])):
        for _ in range(5):  # more stories between the two rounds
            await make_story(writers[0], category=CATEGORY)
        counts[label] = [len(await statements(member, url)) for url in urls]
    assert counts["small"] == counts["big"]
    assert max(counts["big"]) <= 6, counts


async def test_no_member_page_view_writes(member, moderator):
    story = await make_story(member.user, category=CATEGORY)
    await anonymous_reply(member, story.thread_id, "Mine, unnamed")
    await make_reply(moderator.user, story, "A moderator's word")
    for client in (member, moderator):
        for url in (f"/stories/{story.thread_id}", f"/stories/{story.thread_id}?page=1",
                    *MEMBER_PAGES):
            for _ in range(2):  # the first view fills the kept fragments; the second reuses
                assert writes(await statements(client, url)) == []


async def test_a_kept_post_never_shows_one_readers_parts_to_another(member, other_member,
                                                                   moderator, visitor):
    story = await make_story(await make_user("storyteller"), category=CATEGORY)
    mine = await anonymous_reply(member, story.thread_id, "Written without my name")
    url = f"/stories/{story.thread_id}"
    own = article((await member.get(url)).text, mine.id)
    assert '<span class="badge">you</span>' in own
    assert f"/posts/{mine.id}/edit" in own and f"/posts/{mine.id}/delete" in own
    moderated = article((await moderator.get(url)).text, mine.id)
    assert f"/mod/posts/{mine.id}" in moderated
    for reader in (other_member, visitor):
        seen = article((await reader.get(url)).text, mine.id)
        assert '<span class="badge">you</span>' not in seen
        assert f"/posts/{mine.id}/edit" not in seen and f"/mod/posts/{mine.id}" not in seen
        assert "wren_member" not in seen
    # Each reader's forms carry their own CSRF token, never the one of who rendered it first.
    page = (await other_member.get(url)).text
    tokens = set(re.findall(r'name="csrf_token" value="([^"]+)"', page))
    assert tokens == {await other_member.csrf()}
    assert "csrf-mark-" not in page


async def test_a_kept_post_shows_an_edit_a_hiding_and_a_reaction_at_once(member, other_member,
                                                                        moderator):
    story = await make_story(member.user, category=CATEGORY)
    reply = await make_reply(member.user, story, "The first words")
    url = f"/stories/{story.thread_id}"
    assert "The first words" in (await other_member.get(url)).text
    edited = await member.post_form(f"/posts/{reply.id}/edit", {"body": "Better words"})
    assert edited.status_code == 303
    page = (await other_member.get(url)).text
    assert "Better words" in page and "The first words" not in page
    reacted = await other_member.post_form(f"/posts/{reply.id}/reactions/hug", {"on": "1"})
    assert reacted.status_code == 303
    shown = article((await other_member.get(url)).text, reply.id)
    assert "reaction--mine" in shown and 'class="reaction__count">1<' in shown
    assert "reaction--mine" not in article((await member.get(url)).text, reply.id)
    hidden = await moderator.post_form(f"/mod/posts/{reply.id}/hide", {"reason": "Off topic"})
    assert hidden.status_code == 303
    shown = article((await other_member.get(url)).text, reply.id)
    assert "Hidden by moderators: Off topic" in shown and "Better words" not in shown


async def test_lean_rows_show_each_reader_the_posts_the_models_show(member, other_member,
                                                                   moderator):
    story = await make_story(member.user, category=CATEGORY)
    await make_reply(other_member.user, story, "published")
    await anonymous_reply(member, story.thread_id, "anonymous, mine")
    pending = await make_reply(member.user, story, "waiting")
    hidden = await make_reply(other_member.user, story, "hidden")
    deleted = await make_reply(other_member.user, story, "deleted")
    anon_pending = await anonymous_reply(member, story.thread_id, "anonymous and waiting")
    await Post.filter(id__in=[pending.id, anon_pending.id]).update(status=PostStatus.PENDING)
    await Post.filter(id=hidden.id).update(status=PostStatus.HIDDEN)
    await Post.filter(id=deleted.id).update(status=PostStatus.DELETED)
    for viewer in (None, member.user, other_member.user, moderator.user):
        models = await get_thread_page(story.thread_id, viewer, 1)
        rows = await thread_page_rows(story.thread_id, viewer, 1)
        assert [r.id for r in rows.replies] == [r.id for r in models.replies]
        assert rows.reply_total == models.reply_total and rows.story.id == models.story.id
        for row, model in zip(rows.replies, models.replies, strict=True):
            assert (row.author_id, row.is_anonymous, row.pseudonym, row.status) == (
                model.author_id, model.is_anonymous, model.pseudonym, model.status)
    seen_by_member = [r.id for r in (await thread_page_rows(story.thread_id, member.user,
                                                            1)).replies]
    assert pending.id in seen_by_member and anon_pending.id in seen_by_member
    seen_by_other = [r.id for r in (await thread_page_rows(story.thread_id, other_member.user,
                                                           1)).replies]
    assert pending.id not in seen_by_other and anon_pending.id not in seen_by_other
