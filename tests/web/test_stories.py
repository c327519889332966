import re

from forum.models.content import Post, PostRevision, PostStatus, Thread

from ..conftest import count_queries
from ..factories import make_reply, make_story, make_user


async def test_story_keeps_its_content_warnings_and_shows_them(member, visitor):
    response = await member.post_form("/stories/new", {
        "category": "recovery-sobriety", "title": "Day 100", "body": "It was hard.",
        "content_warnings": ["substance_use", "self_harm"], "content_warning_note": "relapse",
    })
    thread = await Thread.get(id=int(response.headers["location"].rsplit("/", 1)[1]))
    assert thread.content_warnings == ["self_harm", "substance_use"]
    assert thread.content_warning_note == "relapse"
    page = await visitor.get(f"/stories/{thread.id}")
    assert "This story mentions: self-harm, substance use, relapse" in page.text


async def test_markdown_is_rendered_once_when_written(member):
    story = await make_story(member.user, body="Some **bold** words")
    assert story.body_html == "<p>Some <strong>bold</strong> words</p>\n"


async def test_double_submitted_story_form_creates_one_story(member):
    form = {"category": "small-wins", "title": "Once", "body": "Only once please.",
            "submission_id": "abcdefghijklmnop1234"}
    first = await member.post_form("/stories/new", form)
    second = await member.post_form("/stories/new", form)
    assert first.status_code == second.status_code == 303
    assert first.headers["location"] == second.headers["location"]
    assert await Thread.all().count() == 1


async def test_double_submitted_reply_creates_one_reply(member, other_member):
    story = await make_story(member.user)
    form = {"body": "Hello there", "submission_id": "zyxwvutsrqponmlk9876"}
    await other_member.post_form(f"/stories/{story.thread_id}/replies", form)
    await other_member.post_form(f"/stories/{story.thread_id}/replies", form)
    assert await Post.filter(is_story=False).count() == 1
    assert (await Thread.get(id=story.thread_id)).reply_count == 1


async def test_replies_paginate_fifty_per_page_and_permalinks_land_on_the_right_page(
        visitor, member):
    story = await make_story(member.user)
    replies = [await make_reply(member.user, story, f"reply number {n}") for n in range(1, 53)]
    first = await visitor.get(f"/stories/{story.thread_id}")
    assert "reply number 50<" in first.text and "reply number 51<" not in first.text
    second = await visitor.get(f"/stories/{story.thread_id}?page=2")
    assert "reply number 51<" in second.text and "reply number 52<" in second.text
    jump = await visitor.get(f"/posts/{replies[50].id}")
    assert jump.status_code == 303
    assert jump.headers["location"] == f"/stories/{story.thread_id}?page=2#post-{replies[50].id}"
    jump = await visitor.get(f"/posts/{replies[3].id}")
    assert jump.headers["location"] == f"/stories/{story.thread_id}#post-{replies[3].id}"
    assert (await visitor.get(f"/stories/{story.thread_id}?page=3")).status_code == 404


async def test_editing_keeps_a_revision_and_shows_edited(member, visitor):
    story = await make_story(member.user, title="Before", body="Old words")
    response = await member.post_form(f"/posts/{story.id}/edit",
                                      {"title": "After", "body": "New words"})
    assert response.status_code == 303
    revision = await PostRevision.get(post_id=story.id)
    assert (revision.title, revision.body_md) == ("Before", "Old words")
    page = await visitor.get(f"/stories/{story.thread_id}")
    assert "New words" in page.text and "Old words" not in page.text
    assert ">edited<" in page.text and "After" in page.text


async def test_an_edit_that_changes_nothing_writes_no_revision(member):
    story = await make_story(member.user, title="Same", body="Same words")
    await member.post_form(f"/posts/{story.id}/edit", {"title": "Same", "body": "Same words"})
    assert not await PostRevision.exists()
    assert (await Post.get(id=story.id)).edited_at is None


async def test_deleting_a_reply_hides_it_and_updates_the_count(member, visitor):
    story = await make_story(member.user)
    reply = await make_reply(member.user, story, "I regret this")
    response = await member.post_form(f"/posts/{reply.id}/delete")
    assert response.status_code == 303
    assert (await Post.get(id=reply.id)).status == PostStatus.DELETED
    assert (await Thread.get(id=story.thread_id)).reply_count == 0
    page = await visitor.get(f"/stories/{story.thread_id}")
    assert "I regret this" not in page.text
    assert (await visitor.get(f"/posts/{reply.id}")).status_code == 404


async def test_deleting_a_story_takes_the_thread_out_of_view(member, visitor):
    story = await make_story(member.user, title="Please forget this")
    await member.post_form(f"/posts/{story.id}/delete")
    assert (await visitor.get(f"/stories/{story.thread_id}")).status_code == 404
    assert "Please forget this" not in (await visitor.get("/")).text
    assert "Please forget this" not in (await visitor.get("/c/small-wins")).text


async def test_locked_thread_takes_no_replies(member, other_member):
    story = await make_story(member.user)
    await Thread.filter(id=story.thread_id).update(is_locked=True)
    response = await other_member.post_form(f"/stories/{story.thread_id}/replies",
                                            {"body": "hello"})
    assert response.status_code == 403
    page = await other_member.get(f"/stories/{story.thread_id}")
    assert "This thread is locked" in page.text
    assert f'action="/stories/{story.thread_id}/replies"' not in page.text


async def test_home_and_category_list_the_latest_stories(visitor, member):
    await make_story(member.user, title="Older story", category="grief-loss")
    await make_story(member.user, title="Newer story", category="grief-loss")
    home = await visitor.get("/")
    assert home.text.index("Newer story") < home.text.index("Older story")
    category = await visitor.get("/c/grief-loss")
    assert "Newer story" in category.text
    assert "Newer story" not in (await visitor.get("/c/small-wins")).text


async def count_story_page_queries(client, thread_id: int) -> int:
    with count_queries() as counter:
        response = await client.get(f"/stories/{thread_id}")
    assert response.status_code == 200
    return len(counter.statements)


async def test_story_page_runs_a_fixed_small_number_of_queries(member, visitor):
    authors = [await make_user(f"replier{n}") for n in range(5)]
    small = await make_story(member.user, title="Small thread")
    big = await make_story(member.user, title="Big thread")
    for n in range(5):
        await make_reply(authors[n % 5], small, f"small {n}")
    for n in range(50):
        await make_reply(authors[n % 5], big, f"big {n}")
    for client in (visitor, member):
        five = await count_story_page_queries(client, small.thread_id)
        fifty = await count_story_page_queries(client, big.thread_id)
        assert five == fifty
        assert fifty <= 6


async def test_page_views_write_nothing(visitor, member):
    story = await make_story(member.user)
    await make_reply(member.user, story)
    for client in (visitor, member):
        with count_queries() as counter:
            for url in ("/", "/c/small-wins", f"/stories/{story.thread_id}"):
                assert (await client.get(url)).status_code == 200
        writes = [s for s in counter.statements if not re.match(r"\s*SELECT", s, re.I)]
        assert writes == []


async def test_home_and_category_pages_run_the_same_queries_for_2_or_20_stories(visitor, member):
    async def queries_for(url: str) -> int:
        with count_queries() as counter:
            assert (await visitor.get(url)).status_code == 200
        return len(counter.statements)

    authors = [await make_user(f"writer{n}") for n in range(4)]
    for n in range(2):
        await make_story(authors[n], title=f"first {n}")
    few = (await queries_for("/"), await queries_for("/c/small-wins"))
    for n in range(18):
        await make_story(authors[n % 4], title=f"more {n}")
    many = (await queries_for("/"), await queries_for("/c/small-wins"))
    assert few == many
    # One query checks the page cache (a miss: the data changed); home also counts the stories
    # waiting for a reply.
    assert many[0] <= 4 and many[1] <= 4


async def test_replying_to_a_particular_post_links_back_to_it(member, other_member):
    story = await make_story(member.user)
    first = await make_reply(member.user, story, "First thoughts")
    page = await other_member.get(f"/stories/{story.thread_id}/reply?to={first.id}")
    assert page.status_code == 200
    assert "First thoughts" in page.text
    assert f'name="reply_to" value="{first.id}"' in page.text
    response = await other_member.post_form(f"/stories/{story.thread_id}/replies",
                                            {"body": "Answering you", "reply_to": first.id})
    assert response.status_code == 303
    reply = await Post.get(body_md="Answering you")
    assert reply.reply_to_id == first.id
    thread_page = await other_member.get(f"/stories/{story.thread_id}")
    assert f'href="/posts/{first.id}">Go to the post this answers' in thread_page.text


async def test_reply_page_refuses_a_post_from_another_thread(member):
    one = await make_story(member.user)
    two = await make_story(member.user)
    page = await member.get(f"/stories/{one.thread_id}/reply?to={two.id}")
    assert page.status_code == 404
    assert (await member.get(f"/stories/{one.thread_id}/reply?to=abc")).status_code == 404


async def test_sending_a_reply_looks_its_form_id_up_once_and_a_resend_makes_no_second(member):
    """A form id costs one lookup: a reply sent with one runs one statement more than the
    same reply sent without (the API's Idempotency-Key is the same path)."""
    story = await make_story(await make_user("storyteller"))
    url = f"/stories/{story.thread_id}/replies"
    await member.post_form(url, {"body": "A first reply, to warm the caches."})

    async def statements(form: dict[str, str]) -> int:
        with count_queries() as counter:
            assert (await member.post_form(url, form)).status_code == 303
        return len(counter.statements)

    plain = await statements({"body": "Sent without a form id."})
    form = {"body": "Sending this once.", "submission_id": "reply-form-once-000001"}
    assert await statements(form) == plain + 1
    again = await member.post_form(url, form)
    assert again.status_code == 303
    assert await Post.filter(body_md="Sending this once.").count() == 1
