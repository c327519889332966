"""A moderator's request -> the right verb: parse what it needs, run it, say what happened.

The HTML pages and the JSON API both call `run_post_action` and `run_member_action`, so an
action cannot take a reason in one place and skip it in the other.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from starlette.exceptions import HTTPException

from forum import permissions
from forum.actions import moderation as mod
from forum.anonymity import author_id_of
from forum.forms import FormInvalid
from forum.models.accounts import User
from forum.models.content import Post
from forum.moderation_forms import (
    parse_category_slug,
    parse_note,
    parse_reason,
    parse_until,
    parse_warnings,
)
from forum.passwords import confirms_password
from forum.queries.accounts import find_user_by_id
from forum.queries.content import get_category_or_404

Data = Mapping[str, Any]


@dataclass(frozen=True)
class Done:
    changed: bool
    message: str


PostCommand = Callable[[str, User, Post, Data], Awaitable[Done]]


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
        case "care":
            message = parse_note({"body": data.get("message", "")})
            if not await mod.send_care_message(actor, post, message):
                raise HTTPException(409, "This post's author can't receive messages: it was "
                                         "written by a guest or by an account that is gone.")
            return True
        case "delete":
            if not post.is_story:
                raise HTTPException(400, "Deleting applies to a whole thread: use it on the "
                                         "story. To take down one reply, hide it.")
            return await mod.delete_thread(actor, post, parse_reason(data, required=True))
    raise HTTPException(404, "There is no such moderation action.")


POST_ACTIONS = ("approve", "reject", "hide", "restore", "dismiss", "lock", "unlock", "pin",
                "unpin", "move", "warnings", "delete", "care")
MEMBER_ACTIONS = ("warn", "silence", "suspend", "ban", "lift", "note")


async def run_post_action(action: str, actor: User, post: Post, data: Data) -> Done:
    if action not in POST_ACTIONS:
        raise HTTPException(404, "There is no such moderation action.")
    changed = await _post_verb(action, actor, post, data)
    return Done(changed, "Done." if changed else "Nothing to change: it was already so.")




async def _member_verb(action: str, actor: User, member: User, data: Data,
                       via: Post | None = None) -> bool:
    match action:
        case "warn":
            return await mod.warn_user(actor, member, parse_reason(data, required=True), via)
        case "silence":
            until = parse_until(data)
            return await mod.silence_user(actor, member, until,
                                          parse_reason(data, required=True), via)
        case "suspend":
            until = parse_until(data)
            return await mod.suspend_user(actor, member, until,
                                          parse_reason(data, required=True), via)
        case "ban":
            return await mod.ban_user(actor, member, parse_reason(data, required=True), via)
        case "lift":
            return await mod.lift_sanctions(actor, member, parse_reason(data, required=False),
                                            via)
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


AUTHOR_ACTIONS = ("warn", "silence", "suspend", "ban", "lift")
AUTHOR_UNKNOWN = ("The author of this post can't be identified: it was written by a guest, "
                  "by an account that no longer exists, or sealed with an earlier key.")


async def run_author_action(action: str, actor: User, post: Post, data: Data) -> Done:
    """A sanction on "the author of this post" — the moderator never learns who it is."""
    if action not in AUTHOR_ACTIONS:
        raise HTTPException(404, "There is no such moderation action.")
    author_id = author_id_of(post)
    member = await find_user_by_id(author_id) if author_id is not None else None
    if member is None:
        raise HTTPException(409, AUTHOR_UNKNOWN)
    if not permissions.can_sanction(actor, member):
        raise HTTPException(403, "You can't take that action on the author of this post.")
    changed = await _member_verb(action, actor, member, data, via=post)
    return Done(changed, "Done." if changed else "Nothing to change: it was already so.")


REVEAL_PASSWORD_WRONG = "That isn't your password. Nothing was revealed or logged."


async def reveal_with_checks(actor: User, post: Post, data: Data) -> tuple[str, User]:
    """Reason and the admin's own password first; then the reveal itself (logged)."""
    if not post.is_anonymous:
        raise FormInvalid({"reveal": "This post isn't anonymous."}, {}, status_code=400)
    reason = parse_reason(data, required=True)
    if not await confirms_password(actor.password_hash, data.get("password")):
        raise FormInvalid({"password": REVEAL_PASSWORD_WRONG}, {}, status_code=403)
    author = await mod.reveal_author(actor, post, reason)
    if author is None:
        raise FormInvalid({"reveal": AUTHOR_UNKNOWN}, {}, status_code=409)
    return reason, author
