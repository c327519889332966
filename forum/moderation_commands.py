"""A moderator's request -> the right verb: parse what it needs, run it, say what happened.

The HTML pages and the JSON API both call `run_post_action` and `run_member_action`, so an
action cannot take a reason in one place and skip it in the other.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from starlette.exceptions import HTTPException

from forum import permissions
from forum.actions import moderation as mod
from forum.models.accounts import User
from forum.models.content import Post
from forum.moderation_forms import (
    parse_category_slug,
    parse_note,
    parse_reason,
    parse_until,
    parse_warnings,
)
from forum.queries.content import get_category_or_404

Data = Mapping[str, Any]


@dataclass(frozen=True)
class Done:
    changed: bool
    message: str


async def _post_verb(action: str, actor: User, post: Post, data: Data) -> bool:
    thread = post.thread
    match action:
        case "approve":
            return await mod.approve_post(actor, post)
        case "reject":
            return await mod.reject_post(actor, post, parse_reason(data, required=True))
        case "hide":
            return await mod.hide_post(actor, post, parse_reason(data, required=True))
        case "restore":
            return await mod.restore_post(actor, post)
        case "dismiss":
            return await mod.dismiss_reports(actor, post, parse_reason(data, required=False))
        case "lock":
            return await mod.lock_thread(actor, thread, parse_reason(data, required=False))
        case "unlock":
            return await mod.unlock_thread(actor, thread, parse_reason(data, required=False))
        case "pin":
            return await mod.pin_thread(actor, thread, parse_reason(data, required=False))
        case "unpin":
            return await mod.unpin_thread(actor, thread, parse_reason(data, required=False))
        case "move":
            category = await get_category_or_404(parse_category_slug(data))
            return await mod.move_thread(actor, thread, category,
                                         parse_reason(data, required=False))
        case "warnings":
            form = parse_warnings(data)
            return await mod.set_content_warnings(actor, thread, form.content_warnings,
                                                  form.content_warning_note,
                                                  parse_reason(data, required=False))
        case "delete":
            if not post.is_story:
                raise HTTPException(400, "Deleting applies to a whole thread: use it on the "
                                         "story. To take down one reply, hide it.")
            return await mod.delete_thread(actor, post, parse_reason(data, required=True))
    raise HTTPException(404, "There is no such moderation action.")


POST_ACTIONS = ("approve", "reject", "hide", "restore", "dismiss", "lock", "unlock", "pin",
                "unpin", "move", "warnings", "delete")
MEMBER_ACTIONS = ("warn", "silence", "suspend", "ban", "lift", "note")


async def run_post_action(action: str, actor: User, post: Post, data: Data) -> Done:
    if action not in POST_ACTIONS:
        raise HTTPException(404, "There is no such moderation action.")
    changed = await _post_verb(action, actor, post, data)
    return Done(changed, "Done." if changed else "Nothing to change: it was already so.")




async def _member_verb(action: str, actor: User, member: User, data: Data) -> bool:
    match action:
        case "warn":
            return await mod.warn_user(actor, member, parse_reason(data, required=True))
        case "silence":
            until = parse_until(data)
            return await mod.silence_user(actor, member, until, parse_reason(data, required=True))
        case "suspend":
            until = parse_until(data)
            return await mod.suspend_user(actor, member, until, parse_reason(data, required=True))
        case "ban":
            return await mod.ban_user(actor, member, parse_reason(data, required=True))
        case "lift":
            return await mod.lift_sanctions(actor, member, parse_reason(data, required=False))
        case "note":
            return await mod.add_note(actor, member, parse_note(data))
    raise HTTPException(404, "There is no such moderation action.")


async def run_member_action(action: str, actor: User, member: User, data: Data) -> Done:
    if action not in MEMBER_ACTIONS:
        raise HTTPException(404, "There is no such moderation action.")
    if action != "note":
        permissions.ensure_can_sanction(actor, member)
    changed = await _member_verb(action, actor, member, data)
    return Done(changed, "Done." if changed else "Nothing to change: it was already so.")
