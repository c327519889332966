"""Anonymous posts through HTTP: what readers, the author and moderators see and can do."""

from __future__ import annotations

from forum.models.accounts import Role
from forum.models.content import Category, Post, PostStatus
from forum.models.moderation import AuditEntry
from forum.models.notifications import Notification, SealedNotification
from forum.sealed_side import read_sealed_side

from ..factories import PASSWORD, make_reply, make_story, make_user


async def post_anonymous_story(client, title="Leaving was the hardest thing") -> Post:
    response = await client.post_form("/stories/new", {
        "category": "parenting-mom-guilt", "title": title, "body": "I left my children.",
        "anonymous": "1", "submission_id": "anon-story-000001"})
    assert response.status_code == 303
    return await Post.get(is_story=True, is_anonymous=True)


async def test_readers_see_a_pseudonym_and_the_database_holds_no_author(member, visitor,
                                                                       other_member):
    story = await post_anonymous_story(member)
    assert story.author_id is None and story.sealed_author and story.pseudonym
    for client in (visitor, other_member):
        page = await client.get(f"/stories/{story.thread_id}")
        assert story.pseudonym in page.text
        assert member.user.username not in page.text
    api = (await visitor.get(f"/api/v1/stories/{story.thread_id}")).json()
    assert api["post"]["author"] == {"kind": "anonymous", "pseudonym": story.pseudonym,
                                     "is_op": False}


async def test_the_author_edits_deletes_and_lists_their_anonymous_post(member, other_member):
    story = await post_anonymous_story(member)
    mine = await member.get("/account/posts")
    assert "Leaving was the hardest thing" in mine.text and story.pseudonym in mine.text
    assert mine.headers["cache-control"] == "private, no-store"
    assert "Leaving was" not in (await other_member.get("/account/posts")).text
    assert (await other_member.get(f"/posts/{story.id}/edit")).status_code == 403
    edited = await member.post_form(f"/posts/{story.id}/edit",
                                    {"title": "Leaving, and coming back", "body": "Changed."})
    assert edited.status_code == 303
    assert (await Post.get(id=story.id)).body_md == "Changed."
    assert (await member.post_form(f"/posts/{story.id}/delete", {})).status_code == 303
    assert (await Post.get(id=story.id)).status == PostStatus.DELETED


async def test_op_replying_anonymously_in_their_own_thread_is_marked_op(member, other_member):
    story = await post_anonymous_story(member)
    await other_member.post_form(f"/stories/{story.thread_id}/replies",
                                 {"body": "Sending love", "anonymous": "1",
                                  "submission_id": "other-reply-00001"})
    await member.post_form(f"/stories/{story.thread_id}/replies",
                           {"body": "Thank you all", "anonymous": "1",
                            "submission_id": "op-reply-0000001"})
    own = await Post.get(body_md="Thank you all")
    others = await Post.get(body_md="Sending love")
    assert own.is_op and own.pseudonym == story.pseudonym
    assert not others.is_op and others.pseudonym != story.pseudonym
    page = (await other_member.get(f"/api/v1/stories/{story.thread_id}")).json()
    authors = {r["body"]: r["author"] for r in page["replies"]}
    assert authors["Thank you all"]["is_op"] is True
    assert authors["Sending love"]["is_op"] is False


async def test_a_named_post_can_become_named_never_the_reverse(member):
    story = await post_anonymous_story(member)
    await member.post_form(f"/posts/{story.id}/edit", {
        "title": "Leaving was the hardest thing", "body": "I left my children.",
        "show_my_name": "1"})
    named = await Post.get(id=story.id)
    assert named.author_id == member.user.id and not named.is_anonymous
    assert named.sealed_author is None
    # The edit form offers no way back, and the field is ignored for a named post.
    form = await member.get(f"/posts/{story.id}/edit")
    assert "show_my_name" not in form.text and 'name="anonymous"' not in form.text


async def test_categories_can_refuse_anonymous_posts(member):
    await Category.filter(slug="small-wins").update(allow_anonymous=False)
    refused = await member.post_form("/stories/new", {
        "category": "small-wins", "title": "T", "body": "B", "anonymous": "1"})
    assert refused.status_code == 422 and "anonymous" in refused.text


async def test_moderators_sanction_the_author_without_learning_who(member, moderator):
    story = await post_anonymous_story(member)
    page = await moderator.get(f"/mod/posts/{story.id}")
    assert member.user.username not in page.text
    response = await moderator.post_form(f"/mod/posts/{story.id}/author/silence",
                                         {"days": "2", "reason": "Please take a break"})
    assert response.status_code == 303
    refused = await member.post_form("/stories/new", {
        "category": "small-wins", "title": "T", "body": "B"})
    assert refused.status_code == 403
    entry = await AuditEntry.get(action="silence")
    assert (entry.target_type, entry.target_id) == ("post", story.id)
    assert member.user.username not in entry.target_label
    assert await Notification.filter(user_id=member.user.id).count() == 0
    assert await SealedNotification.all().count() == 1
    assert "Please take a break" in (await member.get("/account")).text
    fresh = await type(member.user).get(id=member.user.id)
    assert fresh.silenced_until is None  # nothing plain on the member's row or page
    sealed = (await read_sealed_side(fresh)).restrictions.silenced_until
    assert sealed is not None and (sealed.hour, sealed.minute) == (0, 0)
    record = await moderator.get(f"/mod/users/{member.user.username}")
    assert "silenced" not in record.text.lower().split("<main", 1)[1].split("history")[0]


async def test_only_admins_reveal_with_a_reason_and_their_password(member, moderator,
                                                                   client_factory):
    story = await post_anonymous_story(member)
    admin_user = await make_user("reveal_admin", role=Role.ADMIN)
    admin = await client_factory(admin_user)
    url = f"/admin/posts/{story.id}/reveal"
    assert (await moderator.post_form(url, {"reason": "x", "password": PASSWORD})
            ).status_code == 403
    wrong = await admin.post_form(url, {"reason": "Threat to a child", "password": "nope"})
    assert wrong.status_code == 403 and not await AuditEntry.exists(action="reveal")
    shown = await admin.post_form(url, {"reason": "Threat to a child", "password": PASSWORD})
    assert shown.status_code == 200 and member.user.username in shown.text
    entry = await AuditEntry.get(action="reveal")
    assert entry.reason == "Threat to a child" and member.user.username not in entry.target_label
    log = await moderator.get("/mod/log")
    assert "Threat to a child" in log.text and member.user.username not in log.text


async def test_approval_news_reaches_an_anonymous_author_sealed(member, moderator):
    await Category.filter(slug="grief-loss").update(premoderation="all")
    await member.post_form("/stories/new", {"category": "grief-loss", "title": "Held",
                                            "body": "Waiting words", "anonymous": "1"})
    story = await Post.get(is_story=True)
    assert story.status == PostStatus.PENDING
    assert "Waiting for a moderator" in (await member.get(f"/stories/{story.thread_id}")).text
    await moderator.post_form(f"/mod/posts/{story.id}/approve", {})
    assert await Notification.all().count() == 0
    assert "was approved" in (await member.get("/account")).text


async def test_replying_to_an_anonymous_post_links_to_it_not_its_author(member, other_member):
    story = await make_story(other_member.user)
    anonymous = await make_reply(member.user, story, "Anonymous words")
    await Post.filter(id=anonymous.id).update(is_anonymous=True, author_id=None,
                                              pseudonym="Anonymous Wren")
    page = await other_member.get(f"/stories/{story.thread_id}/reply?to={anonymous.id}")
    assert "Anonymous Wren" in page.text and member.user.username not in page.text
