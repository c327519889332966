"""Content warnings collapse stories; stories nobody answered are surfaced."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from forum.models.content import Post

from ..factories import make_reply, make_story


async def test_a_warned_story_is_collapsed_unless_the_member_expands_warnings(member, visitor):
    story = await make_story(member.user, body="The hardest night of my life.",
                             warnings=["suicide"])
    page = await visitor.get(f"/stories/{story.thread_id}")
    collapsed = page.text.split('<details class="post__warned thread-warned">', 1)
    assert len(collapsed) == 2, "the story body sits inside a closed <details>"
    assert "This story mentions: suicide" in collapsed[1]
    assert "The hardest night of my life." in collapsed[1].split("</details>", 1)[0]
    assert "<details class=\"post__warned thread-warned\" open" not in page.text
    await member.post_form("/account", {"expand_warnings": "1"})
    expanded = await member.get(f"/stories/{story.thread_id}")
    assert "post__warned" not in expanded.text
    assert "The hardest night of my life." in expanded.text


async def test_stories_without_replies_from_the_last_30_days_wait_oldest_first(member,
                                                                               other_member,
                                                                               visitor):
    older = await make_story(member.user, title="Nobody answered yet")
    newer = await make_story(member.user, title="Also waiting")
    answered = await make_story(member.user, title="Already answered")
    await make_reply(other_member.user, answered)
    stale = await make_story(member.user, title="From long ago")
    await Post.filter(id=stale.id).update(created_at=datetime.now(UTC) - timedelta(days=40))
    await Post.filter(id=older.id).update(created_at=datetime.now(UTC) - timedelta(days=2))
    page = await visitor.get("/needs-reply")
    assert page.text.index("Nobody answered yet") < page.text.index("Also waiting")
    assert "Already answered" not in page.text and "From long ago" not in page.text
    home = await visitor.get("/")
    assert "2 stories are waiting for a first reply" in home.text
    assert newer.thread_id
