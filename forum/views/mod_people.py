"""Moderating members, the audit log and watched words (under the guarded /mod mount),
and setting roles (under the guarded /admin mount)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from forum import permissions
from forum.actions import moderate_people as people
from forum.actions import words
from forum.forms import FormInvalid
from forum.moderation_commands import run_member_action
from forum.moderation_forms import AUDIT_TARGETS, WORD_ACTIONS, parse_audit_filter
from forum.queries.member_search import SEARCH_PREFIX_MAX, search_members
from forum.queries.moderation import (
    audit_page,
    forget_header_counts,
    get_member_or_404,
    list_watched_words,
    member_record,
)
from forum.request_context import context_of
from forum.schemas.base import parse_input
from forum.schemas.moderation import RevealInput, RoleInput, WatchedWordInput, WordTestInput
from forum.templating import render
from forum.views.mod import DONE_NOTICES, post_page
from forum.web import int_param, page_param, read_form, viewer_of

# What a moderator is told they did to a member, naming them (never a bare "Done.").
MEMBER_DID = {"warn": "Warning sent to", "silence": "Silenced", "suspend": "Suspended",
              "ban": "Banned", "lift": "Limits lifted for", "note": "Note added on",
              "role": "Role changed for"}
EMAIL_SEARCH_MAX = 254
WORD_NOTICES = {"changed": "Saved: the list of watched words is updated.",
                "unchanged": "Nothing to change: that word was already gone."}
# The audit log's actions as a person reads them (the filter keeps the stored names).
AUDIT_ACTION_WORDS = {
    "approve": "approved", "reject": "rejected", "hide": "hid", "restore": "restored",
    "delete_thread": "deleted the thread", "dismiss_reports": "closed the reports",
    "lock": "locked", "unlock": "unlocked", "pin": "pinned", "unpin": "unpinned",
    "move": "moved", "content_warnings": "set content warnings", "warn": "warned",
    "silence": "silenced", "suspension": "suspended", "ban": "banned", "lift": "lifted limits",
    "note": "added a note", "care_message": "sent a care message", "reveal": "revealed the author",
    "role_member": "made a member", "role_moderator": "made a moderator",
    "role_admin": "made an admin", "word_add": "added a watched word",
    "word_remove": "removed a watched word",
}


async def member_page(request: Request, errors: dict[str, str] | None = None,
                      values: dict[str, Any] | None = None, status_code: int = 200) -> Response:
    viewer = viewer_of(request)
    record = await member_record(await get_member_or_404(request.path_params["username"]))
    return render(request, "mod/user.html", {
        "record": record, "member": record.user,
        "can_sanction": permissions.can_sanction(viewer, record.user),
        "can_set_role": permissions.can_set_role(viewer, record.user),
        # Only the limits set on this member directly: those set through an anonymous
        # post are sealed, or the page would tell who wrote it.
        "locked_out": record.user.banned_at is not None or _future(record.user.suspended_until),
        "silenced": _future(record.user.silenced_until),
        "errors": errors or {}, "values": values or {},
        "notice": _member_notice(request, record.user.username),
    }, status_code=status_code)


def _member_notice(request: Request, username: str) -> str | None:
    did, done = request.query_params.get("did", ""), request.query_params.get("done", "")
    if did in MEMBER_DID and done == "changed":
        return f"{MEMBER_DID[did]} {username}."
    if did in MEMBER_DID and done == "unchanged":
        return f"Nothing to change for {username}: it was already so."
    return DONE_NOTICES.get(done)


async def people_page(request: Request) -> Response:
    """Find a member by the start of their username (admins: or of their email)."""
    with_email = permissions.is_admin(viewer_of(request))
    prefix = request.query_params.get("q", "").strip()
    if "\x00" in prefix or len(prefix) > (EMAIL_SEARCH_MAX if with_email
                                           else SEARCH_PREFIX_MAX):
        return render(request, "mod/people.html", {
            "found": await search_members("", 1, with_email=with_email),
            "with_email": with_email,
            "problem": "That is longer than any name. Please type the start of it.",
        }, status_code=400)
    found = await search_members(prefix, page_param(request), with_email=with_email)
    return render(request, "mod/people.html", {"found": found, "with_email": with_email,
                                               "problem": None})


def _future(moment: datetime | None) -> bool:
    return moment is not None and moment > datetime.now(UTC)


async def member_action(request: Request) -> Response:
    username = request.path_params["username"]
    try:
        done = await run_member_action(context_of(request), request.path_params["action"],
                                       username, await read_form(request))
    except FormInvalid as invalid:
        return await member_page(request, invalid.errors, invalid.values,
                                 status_code=invalid.status_code)
    forget_header_counts()
    return _back_to(f"/mod/users/{quote(username)}", done.changed,
                    did=request.path_params["action"])


def _back_to(url: str, changed: bool, did: str = "") -> Response:
    what = f"did={did}&" if did in MEMBER_DID else ""
    return RedirectResponse(f"{url}?{what}done={'changed' if changed else 'unchanged'}",
                            status_code=303)


async def audit_log(request: Request) -> Response:
    filters = parse_audit_filter(request.query_params)
    found = await audit_page(filters, page_param(request))
    return render(request, "mod/log.html",
                  {"log": found, "filters": filters, "targets": AUDIT_TARGETS,
                   "action_words": AUDIT_ACTION_WORDS})


async def words_page(request: Request, errors: dict[str, str] | None = None,
                     values: dict[str, Any] | None = None, status_code: int = 200,
                     tested: dict[str, Any] | None = None) -> Response:
    return render(request, "mod/words.html", {
        "words": await list_watched_words(), "actions": WORD_ACTIONS,
        "errors": errors or {}, "values": values or {}, "tested": tested,
        "notice": WORD_NOTICES.get(request.query_params.get("done", "")),
    }, status_code=status_code)


async def add_word(request: Request) -> Response:
    try:
        form = parse_input(WatchedWordInput, await read_form(request))
        await words.add_word(context_of(request), form)
    except FormInvalid as invalid:
        return await words_page(request, invalid.errors, invalid.values,
                                status_code=invalid.status_code)
    return _back_to("/mod/words", True)


async def remove_word(request: Request) -> Response:
    changed = await words.remove_word(context_of(request), int_param(request, "word_id"))
    return _back_to("/mod/words", changed)


async def test_words(request: Request) -> Response:
    try:
        form = parse_input(WordTestInput, await read_form(request))
    except FormInvalid as invalid:
        return await words_page(request, invalid.errors, invalid.values,
                                status_code=invalid.status_code)
    matches = await words.try_words(context_of(request), form)
    return await words_page(request, values={"text": form.text},
                            tested={"text": form.text, "matches": matches})


async def role_action(request: Request) -> Response:
    try:
        form = parse_input(RoleInput, await read_form(request))
        done, member = await people.change_role(context_of(request),
                                                request.path_params["username"], form)
    except FormInvalid as invalid:
        return await member_page(request, invalid.errors, invalid.values,
                                 status_code=invalid.status_code)
    return _back_to(f"/mod/users/{quote(member.username)}", done.changed, did="role")


async def reveal(request: Request) -> Response:
    """An admin sees who wrote an anonymous post: reason and password required, logged."""
    try:
        form = parse_input(RevealInput, await read_form(request))
        post, author = await people.reveal_author(context_of(request),
                                                  int_param(request, "post_id"), form)
    except FormInvalid as invalid:
        response = await post_page(request, invalid.errors, invalid.values,
                                   status_code=invalid.status_code)
        response.headers.update(invalid.headers)
        return response
    return render(request, "mod/reveal.html", {"post": post, "author": author,
                                               "reason": form.reason})
