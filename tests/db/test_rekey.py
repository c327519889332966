"""`forum rekey` end to end on the test database: after re-sealing under a new key, readers see
the same pseudonyms and authors keep their anonymous posts, news and sanctions; the old key
opens nothing; an interrupted run finishes when run again, and a second run changes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from forum import sealing
from forum.actions.rekey import rekey
from forum.anonymity import retired_author_tag
from forum.models.accounts import User
from forum.models.content import Post, ThreadPseudonym
from forum.models.moderation import SealedLimit
from forum.models.notifications import SealedNotification
from forum.sealed_side import limit_slot
from forum.sealing import Sealer, sealer_for

from ..factories import PASSWORD, make_story

NEW_KEY = "the-new-anonymity-key-from-a-secrets-manager-0123456789"


@pytest.fixture
def old_key(settings: Any) -> Iterator[str]:
    """The key the test app runs with; the app is put back on it afterwards."""
    yield settings.anonymity_secret
    sealing.configure(settings.anonymity_secret)


@pytest.fixture
def keys(old_key: str) -> tuple[Sealer, Sealer]:
    return sealer_for(old_key), sealer_for(NEW_KEY)


async def reveal(admin: Any, post: Post) -> Any:
    return await admin.post_form(f"/admin/posts/{post.id}/reveal",
                                 {"reason": "Threat to a child", "password": PASSWORD})


async def post_anonymously(client: Any, url: str, fields: dict[str, str]) -> Post:
    response = await client.post_form(url, {**fields, "anonymous": "1"})
    assert response.status_code == 303, response.text
    return await Post.filter(body_md=fields["body"]).get()


async def anonymous_thread(member: Any, other_member: Any, moderator: Any) -> dict[str, Any]:
    """A's anonymous story; B's anonymous reply to it (news to A, sealed); A's OP reply; a
    moderator silences "the author of" B's reply (a sealed sanction and sealed news to B)."""
    story = await post_anonymously(member, "/stories/new", {
        "category": "parenting-mom-guilt", "title": "Leaving was the hardest thing",
        "body": "I left my children."})
    replies = f"/stories/{story.thread_id}/replies"
    answer = await post_anonymously(other_member, replies, {"body": "Sending love"})
    op_reply = await post_anonymously(member, replies, {"body": "Thank you all"})
    silenced = await moderator.post_form(f"/mod/posts/{answer.id}/author/silence",
                                         {"days": "2", "reason": "Please take a break"})
    assert silenced.status_code == 303
    # News to A, A's own receipt for the OP reply (written like anyone's), the sanction to B.
    assert await SealedNotification.all().count() == 3
    return {"story": story, "answer": answer, "op_reply": op_reply}


async def sealed_values() -> list[tuple[str, str]]:
    """Every sealed value in the database, with the purpose it was sealed for."""
    found = [(p.sealed_author, "post-author")
             for p in await Post.filter(sealed_author__isnull=False)]
    owners = {}  # a limit row's slot, under either key -> its member
    for user in await User.all():
        for sealer in (sealing.current(), sealer_for(NEW_KEY)):
            with sealing.using(sealer):
                owners.update({limit_slot(user.id, n): user.id for n in range(4)})
    for limit in await SealedLimit.all():
        found.append((limit.sealed, f"limit:{owners[limit.slot]}"))
    found += [(n.sealed_recipient, "notice-recipient") for n in await SealedNotification.all()]
    return [(token, purpose) for token, purpose in found if token]


async def snapshot() -> tuple[list[tuple[str, str]], list[tuple[int, str, str]]]:
    tags = [(t.thread_id, t.author_tag, t.pseudonym)
            for t in await ThreadPseudonym.all().order_by("id")]
    tags += [(0, str(p.owner_slot), f"post {p.id}")
             for p in await Post.filter(owner_slot__isnull=False).order_by("id")]
    tags += [(0, limit.slot, f"limit {limit.id}") for limit in await SealedLimit.all().order_by(
        "id")]
    return await sealed_values(), tags


async def test_after_rekey_the_new_key_keeps_everything_and_the_old_opens_nothing(
        member, other_member, moderator, visitor, admin, old_key, keys):
    old, new = keys
    made = await anonymous_thread(member, other_member, moderator)
    story, answer = made["story"], made["answer"]
    names = {p.id: p.pseudonym for p in await Post.filter(thread_id=story.thread_id)}
    before_values, before_tags = await snapshot()

    report = await rekey(old, new)

    assert report.unreadable_total == 0 and report.resealed_total == len(before_values)
    after_values, after_tags = await snapshot()
    assert all(old.unseal(token, purpose) is None for token, purpose in after_values)
    assert all(new.unseal(token, purpose) is not None for token, purpose in after_values)
    assert {t for _, t, _ in after_tags}.isdisjoint({t for _, t, _ in before_tags})
    assert [name for *_, name in after_tags] == [name for *_, name in before_tags]

    sealing.configure(NEW_KEY)
    page = (await visitor.get(f"/stories/{story.thread_id}")).text
    assert all(name in page for name in names.values())
    assert {p.id: p.pseudonym for p in await Post.filter(thread_id=story.thread_id)} == names
    mine = (await member.get("/account/posts")).text
    assert f'href="/posts/{story.id}"' in mine and f'href="/posts/{made["op_reply"].id}"' in mine
    edited = await member.post_form(f"/posts/{story.id}/edit",
                                    {"title": "Leaving, and coming back", "body": "Changed."})
    assert edited.status_code == 303
    again = await post_anonymously(member, f"/stories/{story.thread_id}/replies",
                                   {"body": "Still here"})
    assert again.pseudonym == story.pseudonym and again.is_op
    assert "replied to your story" in (await member.get("/notifications")).text
    assert "Please take a break" in (await other_member.get("/account")).text
    refused = await other_member.post_form("/stories/new", {
        "category": "small-wins", "title": "T", "body": "B"})
    assert refused.status_code == 403
    shown = await reveal(admin, answer)
    assert shown.status_code == 200 and other_member.user.username in shown.text

    sealing.configure(old_key)
    assert (await reveal(admin, answer)).status_code == 409
    assert f'href="/posts/{story.id}"' not in (await member.get("/account/posts")).text
    assert "replied to your story" not in (await member.get("/notifications")).text


async def test_running_rekey_twice_changes_nothing_the_second_time(member, other_member,
                                                                  moderator, keys):
    old, new = keys
    await anonymous_thread(member, other_member, moderator)
    await rekey(old, new)
    done = await snapshot()
    second = await rekey(old, new)
    assert second.resealed_total == 0 and second.tags_moved == 0
    assert second.unreadable_total == 0 and second.already_new == len(done[0])
    assert await snapshot() == done


async def test_an_interrupted_rekey_finishes_when_run_again_and_loses_no_author(
        member, other_member, moderator, visitor, old_key, keys):
    old, new = keys
    made = await anonymous_thread(member, other_member, moderator)
    story = made["story"]
    # As a run stopped after its first batch leaves it: the story re-sealed, its tag moved.
    author = old.unseal(story.sealed_author, "post-author")
    assert author is not None
    await Post.filter(id=story.id).update(sealed_author=new.seal(author, "post-author"))
    await ThreadPseudonym.filter(
        thread_id=story.thread_id,
        author_tag=old.tag("thread-author", story.thread_id, author)).update(
        author_tag=new.tag("thread-author", story.thread_id, author))

    report = await rekey(old, new, batch_rows=1)

    assert report.unreadable_total == 0 and report.already_new == 1
    values, _ = await snapshot()
    assert all(new.unseal(token, purpose) is not None for token, purpose in values)
    sealing.configure(NEW_KEY)
    mine = (await member.get("/account/posts")).text
    assert f'href="/posts/{story.id}"' in mine and f'href="/posts/{made["op_reply"].id}"' in mine
    again = await post_anonymously(member, f"/stories/{story.thread_id}/replies",
                                   {"body": "Still here"})
    assert again.pseudonym == story.pseudonym


async def test_a_guest_posts_tag_is_replaced_by_a_random_one_and_its_name_kept(
        member, keys):
    old, new = keys
    story = await post_anonymously(member, "/stories/new", {
        "category": "small-wins", "title": "A small win", "body": "I went outside."})
    stray = await ThreadPseudonym.create(thread_id=story.thread_id,
                                         author_tag=old.tag("guest", "one post"),
                                         pseudonym="Guest Otter")
    report = await rekey(old, new)
    assert report.tags_scrubbed == 1
    kept = await ThreadPseudonym.get(id=stray.id)
    assert kept.pseudonym == "Guest Otter" and kept.author_tag != stray.author_tag


async def test_a_retired_pseudonym_stays_retired_and_the_next_one_stays_yours(
        member, other_member, keys, old_key):
    old, new = keys
    story = await make_story(other_member.user)
    replies = f"/stories/{story.thread_id}/replies"
    first = await post_anonymously(member, replies, {"body": "First, anonymously"})
    named = await member.post_form(f"/posts/{first.id}/edit",
                                   {"body": first.body_md, "show_my_name": "1"})
    assert named.status_code == 303
    later = await post_anonymously(member, replies, {"body": "Later, anonymously again"})
    assert later.pseudonym != first.pseudonym
    # The story's author names their only anonymous reply: no anonymous post names them now.
    own = await post_anonymously(other_member, replies, {"body": "Thank you"})
    assert (await other_member.post_form(f"/posts/{own.id}/edit", {
        "body": own.body_md, "show_my_name": "1"})).status_code == 303

    await rekey(old, new)

    for retired_by, pseudonym in ((member, first.pseudonym), (other_member, own.pseudonym)):
        with sealing.using(new):
            retired = retired_author_tag(story.thread_id, retired_by.user.id, 0)
        assert (await ThreadPseudonym.get(thread_id=story.thread_id, author_tag=retired)
                ).pseudonym == pseudonym
    sealing.configure(NEW_KEY)
    again = await post_anonymously(member, replies, {"body": "Still me"})
    assert again.pseudonym == later.pseudonym
