"""`forum remove-demo` takes away exactly what `forum seed-demo` wrote: its members, their
stories and replies — never a real member's account or words, even a real reply in a demo
thread. Running it twice removes nothing more. On both databases."""

from __future__ import annotations

from forum.demo import load_demo_data, remove_demo, seed_demo
from forum.models.accounts import User
from forum.models.community import Reaction
from forum.models.content import Post, Thread
from forum.models.moderation import AuditEntry
from forum.models.site import DemoMember

from ..factories import make_reply, make_story, make_user


async def test_remove_demo_deletes_only_the_demo_and_keeps_real_members_words(db):
    real = await make_user("wren_real")
    mine = await make_story(real, title="My own story", category="grief-loss")
    written = await seed_demo(force=True)
    data = load_demo_data()
    assert written == sum(1 + len(s["replies"]) for s in data["stories"])
    demo_ids = {m.user_id for m in await DemoMember.all()}
    assert len(demo_ids) == len(data["members"])
    answered = await Thread.get(title=data["stories"][0]["title"])
    story = await Post.get(thread_id=answered.id, is_story=True).select_related("thread")
    my_reply = await make_reply(real, story, "This helped me, thank you.")
    other = await Thread.get(title=data["stories"][1]["title"])
    other_story = await Post.get(thread_id=other.id, is_story=True)
    await Reaction.create(post=other_story, user=real, kind="hug")
    await make_reply(real, mine, "Replying to myself.")

    removed = await remove_demo()

    assert removed.stories == len(data["stories"]) - 1
    assert removed.kept_stories == [answered.title]
    assert await User.exists(id=real.id)
    assert await Post.filter(author_id=real.id).count() == 3  # story, two replies: all kept
    assert await Thread.exists(id=mine.thread_id) and await Post.exists(id=my_reply.id)
    # The demo thread a real member answered is kept whole, with its demo author.
    assert await Post.filter(thread_id=answered.id).count() == 2 + len(
        data["stories"][0]["replies"])
    assert not await Thread.exists(id=other.id)
    assert set(await Thread.all().values_list("id", flat=True)) == {mine.thread_id,
                                                                     answered.id}
    left = set(await User.filter(id__in=demo_ids).values_list("id", flat=True))
    assert left == set(await Post.filter(thread_id=answered.id, author_id__in=demo_ids)
                       .values_list("author_id", flat=True))
    assert removed.members == len(demo_ids) - len(left)
    audit = await AuditEntry.all()
    assert [(a.action, a.actor_name, a.actor_id) for a in audit] == [
        ("demo_remove", "(server console)", None)]

    again = await remove_demo()
    assert (again.stories, again.posts, again.members) == (0, 0, 0)
    assert await AuditEntry.all().count() == 1  # nothing removed, nothing logged


async def test_seeding_never_writes_as_a_real_account_that_has_a_demo_name(db):
    data = load_demo_data()
    taken = data["members"][0]["username"]
    real = await make_user(taken)
    await seed_demo()
    assert not await Post.exists(author_id=real.id)
    assert not await DemoMember.exists(user_id=real.id)
    assert await Thread.exists()
    await remove_demo()
    assert await User.exists(id=real.id)
    assert not await Thread.exists() and not await DemoMember.exists()


async def test_remove_demo_on_a_forum_without_demo_removes_nothing(db):
    real = await make_user("lark_real")
    await make_story(real, title="Real")
    removed = await remove_demo()
    assert (removed.stories, removed.members) == (0, 0)
    assert await Thread.exists(title="Real") and not await AuditEntry.exists()


async def test_the_migration_marks_demo_accounts_seeded_before_it_and_no_real_one(db):
    """A forum seeded before demo members were marked (0018): the migration marks the
    accounts that wrote only demo words, never one that wrote its own."""
    import importlib

    from tortoise import connections

    migration = importlib.import_module("migrations.0018_site")
    data = load_demo_data()
    await seed_demo()
    await DemoMember.all().delete()  # as it was before 0018
    first, second = data["members"][0]["username"], data["members"][1]["username"]
    wrote_own = await User.get(username=first)
    await make_story(wrote_own, title="My own words")  # someone signed in as this name?
    await User.filter(username=second).update(email="someone@example.org")
    real = await make_user("lark_real")
    await make_story(real, title="Lark's story")

    class Editor:
        client = connections.get("default")

    await migration.mark_earlier_demo(None, Editor())
    marked = set(await DemoMember.all().values_list("user__username", flat=True))
    assert marked == {m["username"] for m in data["members"]} - {first, second}
    await remove_demo()
    assert await Thread.exists(title="My own words") and await Thread.exists(
        title="Lark's story")
    assert await User.exists(username=first) and await User.exists(username=second)
