"""A moderator's action named in the address -> its input schema and its use-case.

`/mod/posts/{id}/{action}`, `/mod/posts/{id}/author/{action}` and `/mod/users/{name}/{action}`
(and their API twins) name the action; this is the one table both doors look it up in, so
an action cannot take a reason through the page and skip it through the API. The handler
parses the request into the schema and the use-case does everything else.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from starlette.exceptions import HTTPException

from forum.actions import moderate_people as people
from forum.actions import moderate_posts as posts
from forum.actions.context import Context
from forum.actions.moderate_posts import Done
from forum.schemas.base import Input, parse_input
from forum.schemas.moderation import (
    CareInput,
    LiftInput,
    LimitInput,
    MoveInput,
    NoInput,
    NoteInput,
    ReasonInput,
    RequiredReasonInput,
    SanctionInput,
    WarningsInput,
)

Target = TypeVar("Target", int, str)
NO_SUCH_ACTION = "There is no such moderation action."


@dataclass(frozen=True)
class Command(Generic[Target]):
    schema: type[Input]
    run: Callable[[Context, Target, Any], Awaitable[Done]]


POST_COMMANDS: dict[str, Command[int]] = {
    "approve": Command(NoInput, posts.approve),
    "reject": Command(RequiredReasonInput, posts.reject),
    "hide": Command(RequiredReasonInput, posts.hide),
    "restore": Command(NoInput, posts.restore),
    "dismiss": Command(ReasonInput, posts.dismiss_reports),
    "lock": Command(ReasonInput, posts.lock),
    "unlock": Command(ReasonInput, posts.unlock),
    "pin": Command(ReasonInput, posts.pin),
    "unpin": Command(ReasonInput, posts.unpin),
    "move": Command(MoveInput, posts.move),
    "warnings": Command(WarningsInput, posts.edit_warnings),
    "delete": Command(RequiredReasonInput, posts.delete_thread),
    "care": Command(CareInput, posts.send_care),
}

MEMBER_COMMANDS: dict[str, Command[str]] = {
    "warn": Command(SanctionInput, people.warn_member),
    "silence": Command(LimitInput, people.silence_member),
    "suspend": Command(LimitInput, people.suspend_member),
    "ban": Command(SanctionInput, people.ban_member),
    "lift": Command(LiftInput, people.lift_member),
    "note": Command(NoteInput, people.note_member),
}

AUTHOR_COMMANDS: dict[str, Command[int]] = {
    "warn": Command(SanctionInput, people.warn_author),
    "silence": Command(LimitInput, people.silence_author),
    "suspend": Command(LimitInput, people.suspend_author),
    "ban": Command(SanctionInput, people.ban_author),
    "lift": Command(LiftInput, people.lift_author),
}

PostRunner = Callable[[Context, str, int, Mapping[str, Any]], Awaitable[Done]]

POST_ACTIONS = tuple(POST_COMMANDS)
MEMBER_ACTIONS = tuple(MEMBER_COMMANDS)
AUTHOR_ACTIONS = tuple(AUTHOR_COMMANDS)


async def _run(table: Mapping[str, Command[Target]], ctx: Context, action: str,
               target: Target, data: Mapping[str, Any]) -> Done:
    command = table.get(action)
    if command is None:
        raise HTTPException(404, NO_SUCH_ACTION)
    return await command.run(ctx, target, parse_input(command.schema, data))


async def run_post_action(ctx: Context, action: str, post_id: int,
                          data: Mapping[str, Any]) -> Done:
    return await _run(POST_COMMANDS, ctx, action, post_id, data)


async def run_member_action(ctx: Context, action: str, username: str,
                            data: Mapping[str, Any]) -> Done:
    return await _run(MEMBER_COMMANDS, ctx, action, username, data)


async def run_author_action(ctx: Context, action: str, post_id: int,
                            data: Mapping[str, Any]) -> Done:
    """A sanction on "the author of this post" — the moderator never learns who it is: every
    request answers alike whoever wrote the post (see `moderate_people._on_author`)."""
    return await _run(AUTHOR_COMMANDS, ctx, action, post_id, data)
