"""Demo content: gentle, realistic stories and replies, loaded into an empty forum."""

from __future__ import annotations

import json
import secrets
from datetime import UTC, datetime, timedelta
from importlib import resources
from typing import Any

from tortoise.transactions import in_transaction

from forum.markup import render_markdown
from forum.models.accounts import User
from forum.models.content import Category, Post, PostStatus, Thread
from forum.passwords import hash_password
from forum.usernames import display_skeleton, skeleton, username_key


def load_demo_data() -> dict[str, Any]:
    text = resources.files("forum.data").joinpath("demo.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


async def seed_demo(*, force: bool = False) -> int:
    """Add the demo members, stories and replies; returns the number of posts written.

    Does nothing when the forum already has stories, unless forced. Demo members get a
    random password each, so nobody can sign in as them.
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
        for m in data["members"]:
            user = await User.get_or_none(username_key=username_key(m["username"]))
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
            members[m["username"]] = user
        for day, story in enumerate(data["stories"]):
            when = start + timedelta(days=day, hours=9)
            thread = await Thread.create(
                category=categories[story["category"]],
                title=story["title"],
                content_warnings=story.get("content_warnings", []),
                reply_count=len(story["replies"]),
                created_at=when,
                last_post_at=when + timedelta(hours=len(story["replies"])),
            )
            posts = [
                Post(thread=thread, author=members[story["author"]], is_story=True,
                     body_md=story["body"], body_html=render_markdown(story["body"]),
                     status=PostStatus.PUBLISHED, created_at=when)
            ]
            for n, reply in enumerate(story["replies"], start=1):
                posts.append(
                    Post(thread=thread, author=members[reply["author"]],
                         body_md=reply["body"], body_html=render_markdown(reply["body"]),
                         status=PostStatus.PUBLISHED, created_at=when + timedelta(hours=n))
                )
            await Post.bulk_create(posts)
            written += len(posts)
    return written
