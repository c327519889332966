"""Make users, stories and replies straight through the actions (no HTTP)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from forum.actions.accounts import create_account
from forum.actions.posting import create_reply, create_story
from forum.models.accounts import Role, SessionKind, User
from forum.models.content import Category, Post
from forum.schemas.posting import ReplyIn, StoryIn
from forum.sessions import start_session

PASSWORD = "a gentle harbour at dusk"


@dataclass(frozen=True)
class AccountDetails:
    """An account as the tests want it, without the sign-up form's rules (a test may need a
    name the form would refuse)."""

    username: str
    password: str
    email: str | None = None
_numbers = itertools.count(1)


async def make_user(username: str | None = None, *, password: str = PASSWORD,
                    role: Role = Role.MEMBER, email: str | None = None) -> User:
    username = username or f"member{next(_numbers)}"
    return await create_account(
        AccountDetails(username=username, password=password, email=email), role)


async def sign_in_directly(user: User, *, api: bool = False) -> str:
    return await start_session(user, SessionKind.API if api else SessionKind.WEB)


async def make_story(author: User, *, title: str = "A story", body: str = "Words that matter.",
                     category: str = "small-wins", warnings: list[str] | None = None) -> Post:
    found = await Category.get(slug=category)
    story, _ = await create_story(author, found, StoryIn(
        category=category, title=title, body=body, content_warnings=warnings or []),
        rules=None)
    return story


async def make_reply(author: User, story: Post, body: str = "Sending you strength.",
                     reply_to: int | None = None) -> Post:
    reply, _ = await create_reply(author, story.thread, ReplyIn(body=body, reply_to=reply_to),
                                rules=None)
    return reply
