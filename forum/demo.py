"""Demo content: gentle, realistic stories and replies, loaded into an empty forum, and
taken away again by `forum remove-demo` (exactly what seeding made, nothing a real person
wrote)."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from importlib import resources
from typing import Any, cast

from tortoise.transactions import in_transaction

from forum.actions.moderation import record_admin_action
from forum.markup import render_markdown
from forum.models.accounts import User
from forum.models.content import Category, Post, PostStatus, Thread
from forum.models.site import DemoMember
from forum.passwords import hash_password
from forum.usernames import display_skeleton, skeleton, username_key


def load_demo_data() -> dict[str, Any]:
    text = resources.files("forum.data").joinpath("demo.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


async def seed_demo(*, force: bool = False) -> int:
    """Add the demo members, stories and replies; returns the number of posts written.

    Does nothing when the forum already has stories, unless forced. Demo members get a
    random password each, so nobody can sign in as them, and are marked as demo members
    (`DemoMember`). A demo name some real account already has is left to that account: the
    demo stories and replies of that name are not written.
    """
    if not force and await Thread.exists():
        return 0
    data = load_demo_data()
    categories = {c.slug: c for c in await Category.all()}
    unusable_hash = await hash_password(secrets.token_urlsafe(24))
    written = 0
    start = datetime.now(UTC) - timedelta(days=len(data["stories"]) + 2)
    async with in_transaction():
        members: dict[str, User] = {}
        marked = set(cast(list[int], await DemoMember.all().values_list("user_id",
                                                                          flat=True)))
        for m in data["members"]:
            user = await User.get_or_none(username_key=username_key(m["username"]))
            if user is not None and user.id not in marked:
                continue  # a real account has this name: never write demo posts as them
            if user is None:
                user = await User.create(
                    username=m["username"],
                    username_key=username_key(m["username"]),
                    skeleton=skeleton(m["username"]),
                    display_name=m.get("display_name", ""),
                    display_skeleton=display_skeleton(m.get("display_name", "")),
                    bio=m.get("bio", ""),
                    password_hash=unusable_hash,
                    created_at=start - timedelta(days=30),
                )
                await DemoMember.create(user=user)
            members[m["username"]] = user
        for day, story in enumerate(data["stories"]):
            if story["author"] not in members:
                continue
            replies = [r for r in story["replies"] if r["author"] in members]
            when = start + timedelta(days=day, hours=9)
            thread = await Thread.create(
                category=categories[story["category"]],
                title=story["title"],
                content_warnings=story.get("content_warnings", []),
                reply_count=len(replies),
                created_at=when,
                last_post_at=when + timedelta(hours=len(replies)),
            )
            posts = [
                Post(thread=thread, author=members[story["author"]], is_story=True,
                     body_md=story["body"], body_html=render_markdown(story["body"]),
                     status=PostStatus.PUBLISHED, created_at=when)
            ]
            for n, reply in enumerate(replies, start=1):
                posts.append(
                    Post(thread=thread, author=members[reply["author"]],
                         body_md=reply["body"], body_html=render_markdown(reply["body"]),
                         status=PostStatus.PUBLISHED, created_at=when + timedelta(hours=n))
                )
            await Post.bulk_create(posts)
            written += len(posts)
    return written


@dataclass(frozen=True)
class DemoRemoved:
    stories: int
    posts: int
    members: int
    kept_stories: list[str]  # demo stories real people answered: kept, with their answers


async def remove_demo() -> DemoRemoved:
    """Delete the demo: every story a demo member wrote whose thread holds nothing from
    anyone else, and every demo member left with nothing in the forum. A demo thread that a
    real member or guest answered is kept whole — their words are not ours to delete — and
    named in the answer. Running it again removes nothing more. One audit row (as the
    server console) when something was removed."""
    demo_ids = set(cast(list[int], await DemoMember.all().values_list("user_id", flat=True)))
    if not demo_ids:
        return DemoRemoved(0, 0, 0, [])
    async with in_transaction():
        stories = set(cast(list[int], await Post.filter(
            is_story=True, author_id__in=demo_ids).values_list("thread_id", flat=True)))
        rows = cast(list[tuple[int, int | None]], await Post.filter(
            thread_id__in=sorted(stories)).values_list("thread_id", "author_id"))
        others = {t for t, author in rows if author not in demo_ids}
        removable = sorted(stories - others)
        kept = cast(list[str], await Thread.filter(id__in=sorted(others)).order_by(
            "id").values_list("title", flat=True))
        posts = sum(1 for t, _ in rows if t in removable)
        if removable:
            await Thread.filter(id__in=removable).delete()
        still_writing = set(cast(list[int], await Post.filter(
            author_id__in=demo_ids).values_list("author_id", flat=True)))
        gone = sorted(demo_ids - still_writing)
        if gone:
            await User.filter(id__in=gone).delete()
        if removable or gone:
            await record_admin_action(
                None, "demo_remove", "site", 0,
                f"{len(removable)} demo stories, {posts} posts, {len(gone)} demo members")
    return DemoRemoved(len(removable), posts, len(gone), kept)
