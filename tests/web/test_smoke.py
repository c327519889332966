from forum.models.content import Post

from ..factories import make_reply, make_story


async def test_member_writes_a_story_and_another_member_replies(member, other_member):
    response = await member.post_form("/stories/new", {
        "category": "small-wins", "title": "I made the call", "body": "I called my sister today.",
    })
    assert response.status_code == 303
    thread_url = response.headers["location"]

    response = await other_member.post_form(thread_url + "/replies", {"body": "So proud of you."})
    assert response.status_code == 303

    page = await other_member.get(thread_url)
    assert "I called my sister today." in page.text
    assert "So proud of you." in page.text
    assert await Post.filter(is_story=False).count() == 1


async def test_story_page_lists_replies_oldest_first(visitor, member, other_member):
    story = await make_story(member.user)
    await make_reply(other_member.user, story, "first reply")
    await make_reply(member.user, story, "second reply")
    page = await visitor.get(f"/stories/{story.thread_id}")
    assert page.text.index("first reply") < page.text.index("second reply")
