"""A curious moderator cannot learn who wrote an anonymous post: not from how "the author of
this post" actions answer, not from the audit rows they leave, not by comparing sanctions
through posts in different threads, and not from which anonymous posts pre-moderation holds.

Only admins can reveal an author; what a moderator asked that could not apply goes to them.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from forum.actions.posting import create_story
from forum.app import create_app
from forum.models.accounts import Role, User
from forum.models.content import Category, Post, PostStatus
from forum.models.moderation import AuditEntry
from forum.models.notifications import Notification
from forum.schemas.posting import StoryIn

from ..conftest import make_settings
from ..factories import make_story, make_user

AUTHORS = ("member", "moderator", "admin", "the moderator themself", "guest")
VERBS: dict[str, dict[str, Any]] = {
    "author/warn": {"reason": "Please keep it kind"},
    "author/silence": {"days": "2", "reason": "A pause to cool off"},
    "author/suspend": {"days": "3", "reason": "Threats"},
    "author/ban": {"reason": "Repeated threats"},
    "author/lift": {"reason": "Second chance"},
    "care": {"message": "Thinking of you tonight."},
}
CONCERN = "I'm so tired of everything. What's the point of any of it."


@pytest.fixture
def app(var_dir, database_url, db):
    """New members are those younger than 3 days or with fewer than 2 published posts, and
    guests share the test client's address (a roomier guest limit)."""
    settings = make_settings(var_dir, database_url, FORUM_NEW_MEMBER_DAYS="3",
                             FORUM_NEW_MEMBER_POSTS="2",
                             FORUM_RATE_LIMITS="guest=100/hour;post_new_member=100/hour")
    return create_app(settings, manage_database=False, strict_templates=True)


@pytest.fixture
async def moderator_api(client_factory, moderator):
    return await client_factory(moderator.user, api_token=True)


async def anonymous_story(author: User, title: str = "A hard week") -> Post:
    category = await Category.get(slug="small-wins")
    story, _ = await create_story(author, category, StoryIn(
        category="small-wins", title=title, body="Words that matter.", anonymous=True),
        rules=None)
    return story


async def guest_story(visitor) -> Post:
    assert (await visitor.get("/guest/new")).status_code == 200
    response = await visitor.post_form("/guest/new", {
        "category": "small-wins", "title": "A hard week", "body": "Words that matter."})
    assert response.status_code == 201, response.text[:300]
    return await Post.filter(is_guest=True).order_by("-id").first()


async def post_by(kind: str, moderator, visitor) -> Post:
    if kind == "guest":
        return await guest_story(visitor)
    if kind == "the moderator themself":
        return await anonymous_story(moderator.user)
    role = {"member": Role.MEMBER, "moderator": Role.MODERATOR, "admin": Role.ADMIN}[kind]
    return await anonymous_story(await make_user(role=role))


def without_ids(text: str, *post_ids: int) -> str:
    for post_id in post_ids:
        text = re.sub(rf"(?<=[/#]){post_id}(?![0-9])", "<post>", text)
    return text


async def audit_rows_since(last_id: int, post_id: int) -> list[tuple[Any, ...]]:
    return [(e.actor_name, e.action, e.target_type, e.target_id == post_id,
             without_ids(e.target_label, post_id), e.reason)
            for e in await AuditEntry.filter(id__gt=last_id).order_by("id")]


async def last_audit_id() -> int:
    last = await AuditEntry.all().order_by("-id").first()
    return last.id if last else 0


async def what_the_moderator_sees(verb: str, post: Post, moderator, moderator_api
                                  ) -> dict[str, Any]:
    before = await last_audit_id()
    page = await moderator.post_form(f"/mod/posts/{post.id}/{verb}", VERBS[verb])
    shown = await moderator.get(page.headers.get("location", "/mod/"))
    notice = re.search(r'<p class="notice" role="status">(.*?)</p>', shown.text)
    api = await moderator_api.api("POST", f"/api/v1/mod/posts/{post.id}/{verb}",
                                  json=VERBS[verb])
    body = api.json()
    body.pop("post", None)  # the post itself, as a moderator sees any post
    return {"page": (page.status_code, without_ids(page.headers.get("location", ""), post.id),
                     notice.group(1) if notice else None),
            "api": (api.status_code, without_ids(str(body), post.id)),
            "audit": await audit_rows_since(before, post.id)}


@pytest.mark.parametrize("verb", list(VERBS))
async def test_every_author_action_answers_and_logs_alike_whoever_wrote_the_post(
        verb, moderator, moderator_api, visitor, admin):
    seen = {}
    for kind in AUTHORS:
        post = await post_by(kind, moderator, visitor)
        seen[kind] = await what_the_moderator_sees(verb, post, moderator, moderator_api)
    assert seen["member"]["page"][0] == 303 and seen["member"]["api"][0] == 200
    assert len(seen["member"]["audit"]) == 2  # the page's request and the API's, both logged
    for kind in AUTHORS:
        assert seen[kind] == seen["member"], kind
    logged = " ".join(f"{e.target_type} {e.target_label}" for e in await AuditEntry.all())
    assert "user" not in logged.split() and "@" not in logged


async def test_what_could_not_apply_goes_privately_to_the_admins(moderator, admin):
    staff = await make_user("merlin_mod", role=Role.MODERATOR)
    post = await anonymous_story(staff)
    response = await moderator.post_form(f"/mod/posts/{post.id}/author/ban",
                                         {"reason": "Repeated threats"})
    assert response.status_code == 303
    assert (await User.get(id=staff.id)).banned_at is None
    assert await Notification.filter(kind="for_admins").count() == 1
    told = (await admin.get("/notifications")).text
    assert f"the author of post #{post.id}" in told and "could not apply" in told
    assert staff.username not in told  # why is not written down: the admin reveals if needed
    assert "could not apply" not in (await moderator.get("/notifications")).text


async def test_a_sanction_through_another_thread_answers_alike_for_the_same_or_another_person(
        moderator, moderator_api):
    same, first, second = [await make_user() for _ in range(3)]
    a1, b1 = await anonymous_story(same, "Thread A"), await anonymous_story(same, "Thread B")
    c1, d1 = await anonymous_story(first, "Thread C"), await anonymous_story(second, "Thread D")
    assert len({a1.thread_id, b1.thread_id, c1.thread_id, d1.thread_id}) == 4
    seen = []
    for earlier, later in ((a1, b1), (c1, d1)):
        for door in ("page", "api"):
            url = f"/mod/posts/{earlier.id}/author/silence"
            data = {"days": "2", "reason": "A pause"}
            if door == "page":
                assert (await moderator.post_form(url, data)).status_code == 303
            else:
                assert (await moderator_api.api("POST", f"/api/v1{url}", json=data)
                        ).status_code == 200
        seen.append(await what_the_moderator_sees("author/silence", later, moderator,
                                                  moderator_api))
        page = (await moderator.get(f"/mod/posts/{earlier.id}")).text
        section = re.search(r'<section aria-labelledby="author-heading">.*?</section>', page,
                            flags=re.S)
        assert section is not None
        seen[-1]["earlier"] = without_ids(re.sub(r'name="csrf_token" value="[^"]*"', "",
                                                 section.group(0)), earlier.id)
    assert seen[0] == seen[1]
    for user in (same, first, second):
        # nothing plain on the members' rows either, so their pages compare alike too
        assert (await User.get(id=user.id)).silenced_until is None


async def backdate_with_posts(user: User) -> None:
    await User.filter(id=user.id).update(created_at=datetime.now(UTC) - timedelta(days=30))
    for n in range(2):
        await make_story(user, title=f"Earlier {n}")


async def test_a_held_anonymous_post_says_nothing_about_who_wrote_it(
        client_factory, moderator, moderator_api):
    new = await make_user("newcomer")
    old = await make_user("longtimer")
    await backdate_with_posts(old)
    await backdate_with_posts(moderator.user)
    writers = {"new member": new, "old member": old, "moderator": moderator.user}
    for label, user in writers.items():
        client = await client_factory(user)
        response = await client.post_form("/stories/new", {
            "category": "grief-loss", "title": f"Held {label}", "body": "Missing him today.",
            "anonymous": "1", "submission_id": f"held-{label.replace(' ', '-')}-0001"})
        assert response.status_code == 303, response.text[:300]
    stories = await Post.filter(is_anonymous=True, thread__category__slug="grief-loss")
    assert [s.status for s in stories] == [PostStatus.PENDING] * 3
    queue = await moderator_api.api("GET", "/api/v1/mod/queue?tab=approval")
    items = queue.json()["items"]
    assert len(items) == 3

    def shape(item: dict[str, Any]) -> Any:
        post = item["post"]
        return (sorted(item), sorted(post), post["status"], post["author"]["kind"],
                sorted(post["author"]), item["reports"], item["category"],
                item["content_warnings"])

    assert len({str(shape(item)) for item in items}) == 1
    page = await moderator.get("/mod/?tab=approval")
    rows = re.findall(r'<article class="queue-item">.*?</article>', page.text, flags=re.S)
    # Each row's tick box and buttons carry its post's number (value="N", id="pick-N").
    held = [without_ids(re.sub(r'Held [a-z ]+|Anonymous [A-Z][a-z]+|<time.*?</time>'
                               r'|(?<=value=")[0-9]+(?=")|(?<=pick-)[0-9]+', "",
                               row), *(s.id for s in stories), *(s.thread_id for s in stories))
            for row in rows if "Held " in row]
    assert len(held) == 3 and len(set(held)) == 1
    for tab in ("urgent", "reports"):
        listed = (await moderator.get(f"/mod/?tab={tab}")).text
        assert "Held " not in listed


async def test_named_posts_keep_the_new_member_rule_and_crisis_posts_are_never_held(
        client_factory, moderator):
    newcomer = await client_factory(await make_user("newcomer"))
    for n, (body, anonymous) in enumerate([("Missing him today.", ""), (CONCERN, ""),
                                           (CONCERN, "1")]):
        response = await newcomer.post_form("/stories/new", {
            "category": "grief-loss", "title": f"Story {n}", "body": body,
            "anonymous": anonymous, "submission_id": f"story-number-{n:04d}"})
        assert response.status_code == 303, response.text[:300]
    statuses = [p.status for p in await Post.filter(is_story=True).order_by("id")]
    assert statuses == [PostStatus.PENDING, PostStatus.PUBLISHED, PostStatus.PUBLISHED]
    await moderator.post_form("/stories/new", {
        "category": "grief-loss", "title": "Named by staff", "body": "Welcome, all.",
        "submission_id": "named-by-staff-01"})
    named = await Post.filter(is_story=True).order_by("-id").first()
    assert named is not None and named.status == PostStatus.PUBLISHED
