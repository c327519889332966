"""Moderating members, the audit log and watched words (under the guarded /mod mount),
and setting roles (under the guarded /admin mount)."""

from __future__ import annotations

from datetime import UTC, datetime

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from forum import permissions
from forum.actions.moderation import add_watched_word, remove_watched_word, set_role
from forum.forms import FormInvalid
from forum.moderation_commands import reveal_with_checks, run_member_action
from forum.moderation_forms import (
    AUDIT_TARGETS,
    WORD_ACTIONS,
    parse_audit_filter,
    parse_reason,
    parse_role,
    parse_test_text,
)
from forum.moderation_forms import parse_watched_word as parse_word
from forum.queries.moderation import (
    audit_page,
    get_any_post_or_404,
    get_member_or_404,
    get_watched_word_or_404,
    list_watched_words,
    member_record,
    watched_words_matcher,
)
from forum.templating import render
from forum.views.mod import DONE_NOTICES, post_page
from forum.web import int_param, page_param, read_form, viewer_of


async def member_page(request: Request, errors: dict | None = None,
                      values: dict | None = None, status_code: int = 200) -> Response:
    viewer = viewer_of(request)
    record = await member_record(await get_member_or_404(request.path_params["username"]))
    return render(request, "mod/user.html", {
        "record": record, "member": record.user,
        "can_sanction": permissions.can_sanction(viewer, record.user),
        "can_set_role": permissions.is_admin(viewer) and viewer is not None
        and viewer.id != record.user.id,
        # Only the limits set on this member directly: those set through an anonymous
        # post are sealed, or the page would tell who wrote it.
        "locked_out": record.user.banned_at is not None or _future(record.user.suspended_until),
        "silenced": _future(record.user.silenced_until),
        "errors": errors or {}, "values": values or {},
        "notice": DONE_NOTICES.get(request.query_params.get("done", "")),
    }, status_code=status_code)


def _future(moment: datetime | None) -> bool:
    return moment is not None and moment > datetime.now(UTC)


async def member_action(request: Request) -> Response:
    actor = viewer_of(request)
    assert actor is not None  # the mount's guard let only moderators in
    member = await get_member_or_404(request.path_params["username"])
    data = await read_form(request)
    try:
        done = await run_member_action(request.path_params["action"], actor, member, data)
    except FormInvalid as invalid:
        return await member_page(request, invalid.errors, invalid.values, status_code=422)
    outcome = "changed" if done.changed else "unchanged"
    return RedirectResponse(f"/mod/users/{member.username}?done={outcome}", status_code=303)


async def audit_log(request: Request) -> Response:
    filters = parse_audit_filter(request.query_params)
    found = await audit_page(filters, page_param(request))
    return render(request, "mod/log.html",
                  {"log": found, "filters": filters, "targets": AUDIT_TARGETS})


async def words_page(request: Request, errors: dict | None = None, values: dict | None = None,
                     status_code: int = 200, tested: dict | None = None) -> Response:
    return render(request, "mod/words.html", {
        "words": await list_watched_words(), "actions": WORD_ACTIONS,
        "errors": errors or {}, "values": values or {}, "tested": tested,
        "notice": DONE_NOTICES.get(request.query_params.get("done", "")),
    }, status_code=status_code)


async def add_word(request: Request) -> Response:
    actor = viewer_of(request)
    assert actor is not None
    data = await read_form(request)
    try:
        form = parse_word(data)
    except FormInvalid as invalid:
        return await words_page(request, invalid.errors, invalid.values, status_code=422)
    word = await add_watched_word(actor, form.pattern, form.action.value)
    if word is None:
        return await words_page(request, {"pattern": "That word or phrase is already watched."},
                                data, status_code=422)
    return RedirectResponse("/mod/words?done=changed", status_code=303)


async def remove_word(request: Request) -> Response:
    actor = viewer_of(request)
    assert actor is not None
    word = await get_watched_word_or_404(int_param(request, "word_id"))
    changed = await remove_watched_word(actor, word)
    return RedirectResponse(f"/mod/words?done={'changed' if changed else 'unchanged'}",
                            status_code=303)


async def test_words(request: Request) -> Response:
    data = await read_form(request)
    try:
        text = parse_test_text(data)
    except FormInvalid as invalid:
        return await words_page(request, invalid.errors, invalid.values, status_code=422)
    matcher = await watched_words_matcher()
    return await words_page(request, values={"text": text},
                            tested={"text": text, "matches": matcher.find(text)})


async def role_action(request: Request) -> Response:
    actor = viewer_of(request)
    assert actor is not None  # the /admin mount's guard let only admins in
    member = await get_member_or_404(request.path_params["username"])
    data = await read_form(request)
    try:
        role = parse_role(data)
        reason = parse_reason(data, required=False)
    except FormInvalid as invalid:
        return await member_page(request, invalid.errors, invalid.values, status_code=422)
    if member.id == actor.id:
        return await member_page(request, {"role": "You can't change your own role."}, data,
                                 status_code=403)
    changed = await set_role(actor, member, role, reason)
    return RedirectResponse(f"/mod/users/{member.username}?done="
                            f"{'changed' if changed else 'unchanged'}", status_code=303)


async def reveal(request: Request) -> Response:
    """An admin sees who wrote an anonymous post: reason and password required, logged."""
    actor = viewer_of(request)
    assert actor is not None  # the /admin mount's guard let only admins in
    post = await get_any_post_or_404(int_param(request, "post_id"))
    data = await read_form(request)
    try:
        reason, author = await reveal_with_checks(actor, post, data)
    except FormInvalid as invalid:
        return await post_page(request, invalid.errors, {}, status_code=invalid.status_code)
    return render(request, "mod/reveal.html", {"post": post, "author": author,
                                               "reason": reason})
