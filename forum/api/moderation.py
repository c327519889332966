"""Reports (members) and moderation (/api/v1/mod, /api/v1/admin: guarded by their mounts)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from forum import permissions
from forum.actions.moderation import add_watched_word, remove_watched_word, set_role
from forum.actions.reports import REPORT_LIMITED, report_post
from forum.api.serialize import post_json
from forum.errors import problem
from forum.models.moderation import AuditEntry, Report, WatchedWord
from forum.moderation_commands import (
    reveal_with_checks,
    run_author_action,
    run_member_action,
    run_post_action,
)
from forum.moderation_forms import (
    parse_audit_filter,
    parse_reason,
    parse_report,
    parse_role,
    parse_watched_word,
)
from forum.queries.content import get_post_or_404
from forum.queries.moderation import (
    AUDIT_PER_PAGE,
    QUEUE_PER_PAGE,
    QueueTab,
    audit_page,
    get_any_post_or_404,
    get_member_or_404,
    get_watched_word_or_404,
    list_watched_words,
    queue_page,
)
from forum.templating import iso_time
from forum.web import enforce_form_rate_limit, int_param, page_param, read_json, viewer_of


def report_json(report: Report) -> dict[str, Any]:
    return {"id": report.id, "post_id": report.post_id, "reason": report.reason.value,
            "note": report.note, "created_at": iso_time(report.created_at),
            "outcome": report.outcome.value if report.outcome else None}


def audit_json(entry: AuditEntry) -> dict[str, Any]:
    return {"id": entry.id, "actor": entry.actor_name, "action": entry.action,
            "target_type": entry.target_type, "target_id": entry.target_id,
            "target": entry.target_label, "reason": entry.reason,
            "created_at": iso_time(entry.created_at)}


def word_json(word: WatchedWord) -> dict[str, Any]:
    return {"id": word.id, "pattern": word.pattern, "action": word.action}


async def new_report(request: Request) -> Response:
    viewer = viewer_of(request)
    post = await get_post_or_404(int_param(request, "post_id"), viewer)
    permissions.ensure_can_report(viewer, post)
    assert viewer is not None
    data = await read_json(request)
    form = parse_report(data)
    await enforce_form_rate_limit(request, "report", str(viewer.id), data, REPORT_LIMITED)
    report = await report_post(viewer, post, form)
    return JSONResponse(report_json(report), status_code=201)


async def queue(request: Request) -> Response:
    tab = request.query_params.get("tab", QueueTab.URGENT.value)
    if tab not in {t.value for t in QueueTab}:
        return problem(400, "The tab must be urgent, approval or reports.")
    viewer = viewer_of(request)
    found = await queue_page(QueueTab(tab), page_param(request))
    return JSONResponse({
        "tab": found.tab.value, "page": found.page, "pages": found.pages,
        "per_page": QUEUE_PER_PAGE, "total": found.counts[found.tab.value],
        "counts": found.counts,
        "items": [{"post": post_json(item.post, viewer),
                   "story_title": item.post.thread.title,
                   "category": item.post.thread.category.slug,
                   "content_warnings": item.post.thread.content_warnings,
                   "reports": [report_json(r) for r in item.reports]}
                  for item in found.items],
    })


async def post_action(request: Request) -> Response:
    actor = viewer_of(request)
    assert actor is not None  # the mount's guard let only moderators in
    post = await get_any_post_or_404(int_param(request, "post_id"))
    done = await run_post_action(request.path_params["action"], actor, post,
                                 await read_json(request))
    return JSONResponse({"changed": done.changed, "message": done.message,
                         "post": post_json(post, actor)})


async def member_action(request: Request) -> Response:
    actor = viewer_of(request)
    assert actor is not None
    member = await get_member_or_404(request.path_params["username"])
    done = await run_member_action(request.path_params["action"], actor, member,
                                   await read_json(request))
    return JSONResponse({"changed": done.changed, "message": done.message})


async def audit(request: Request) -> Response:
    found = await audit_page(parse_audit_filter(request.query_params), page_param(request))
    return JSONResponse({"entries": [audit_json(e) for e in found.entries],
                         "page": found.page, "pages": found.pages,
                         "per_page": AUDIT_PER_PAGE, "total": found.total})


async def words(request: Request) -> Response:
    return JSONResponse({"words": [word_json(w) for w in await list_watched_words()]})


async def new_word(request: Request) -> Response:
    actor = viewer_of(request)
    assert actor is not None
    form = parse_watched_word(await read_json(request))
    word = await add_watched_word(actor, form.pattern, form.action.value)
    if word is None:
        return problem(409, "That word or phrase is already watched.")
    return JSONResponse(word_json(word), status_code=201)


async def delete_word(request: Request) -> Response:
    actor = viewer_of(request)
    assert actor is not None
    await remove_watched_word(actor, await get_watched_word_or_404(int_param(request, "word_id")))
    return Response(status_code=204)


async def role(request: Request) -> Response:
    actor = viewer_of(request)
    assert actor is not None  # the /admin mount's guard let only admins in
    member = await get_member_or_404(request.path_params["username"])
    data = await read_json(request)
    new_role = parse_role(data)
    if member.id == actor.id:
        return problem(403, "You can't change your own role.")
    changed = await set_role(actor, member, new_role, parse_reason(data, required=False))
    return JSONResponse({"changed": changed, "username": member.username,
                         "role": member.role.value})


async def author_action(request: Request) -> Response:
    actor = viewer_of(request)
    assert actor is not None
    post = await get_any_post_or_404(int_param(request, "post_id"))
    done = await run_author_action(request.path_params["action"], actor, post,
                                   await read_json(request))
    return JSONResponse({"changed": done.changed, "message": done.message})


async def reveal(request: Request) -> Response:
    actor = viewer_of(request)
    assert actor is not None  # the /admin mount's guard let only admins in
    post = await get_any_post_or_404(int_param(request, "post_id"))
    reason, author = await reveal_with_checks(actor, post, await read_json(request))
    return JSONResponse({"post_id": post.id, "username": author.username, "reason": reason})
