"""Reports (members) and moderation (/api/v1/mod, /api/v1/admin: guarded by their mounts)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from forum.actions import moderate_people as people
from forum.actions import words as watched_words
from forum.actions.moderate_posts import Done, act_on_many
from forum.actions.reports import report_post
from forum.api.serialize import post_json
from forum.clock import iso_time
from forum.errors import problem
from forum.models.moderation import AuditEntry, Report, WatchedWord
from forum.moderation_commands import run_author_action, run_member_action, run_post_action
from forum.moderation_forms import parse_audit_filter
from forum.queries.moderation import (
    AUDIT_PER_PAGE,
    QUEUE_PER_PAGE,
    QueueTab,
    audit_page,
    list_watched_words,
    queue_page,
)
from forum.request_context import context_of
from forum.schemas.base import parse_input
from forum.schemas.mod_bulk import BulkInput
from forum.schemas.moderation import ReportInput, RevealInput, RoleInput, WatchedWordInput
from forum.web import int_param, page_param, read_json, viewer_of


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
    form = parse_input(ReportInput, await read_json(request))
    report = await report_post(context_of(request), int_param(request, "post_id"), form)
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
                   "reports": [report_json(r) for r in item.reports],
                   "crisis_level": item.post.crisis_level,
                   "waiting_in_crisis": item.waiting_in_crisis}
                  for item in found.items],
    })


def done_json(done: Done) -> dict[str, Any]:
    return {"changed": done.changed, "message": done.message}


async def post_action(request: Request) -> Response:
    ctx = context_of(request)
    done = await run_post_action(ctx, request.path_params["action"],
                                 int_param(request, "post_id"), await read_json(request))
    assert done.post is not None  # every post action answers with the post
    return JSONResponse({**done_json(done), "post": post_json(done.post, ctx.viewer)})


async def bulk(request: Request) -> Response:
    """The queue's bulk approve / reject, through the same use-case as the page."""
    outcome = await act_on_many(context_of(request), parse_input(BulkInput,
                                                                 await read_json(request)))
    return JSONResponse({
        "action": outcome.action, "done": [post.id for post in outcome.done],
        "failed": [{"post_id": f.post_id, "what": f.what, "why": f.why}
                   for f in outcome.failed],
        "message": outcome.message})


async def member_action(request: Request) -> Response:
    done = await run_member_action(context_of(request), request.path_params["action"],
                                   request.path_params["username"], await read_json(request))
    return JSONResponse(done_json(done))


async def audit(request: Request) -> Response:
    found = await audit_page(parse_audit_filter(request.query_params), page_param(request))
    return JSONResponse({"entries": [audit_json(e) for e in found.entries],
                         "page": found.page, "pages": found.pages,
                         "per_page": AUDIT_PER_PAGE, "total": found.total})


async def words(request: Request) -> Response:
    return JSONResponse({"words": [word_json(w) for w in await list_watched_words()]})


async def new_word(request: Request) -> Response:
    form = parse_input(WatchedWordInput, await read_json(request))
    word = await watched_words.add_word(context_of(request), form)
    return JSONResponse(word_json(word), status_code=201)


async def delete_word(request: Request) -> Response:
    await watched_words.remove_word(context_of(request), int_param(request, "word_id"))
    return Response(status_code=204)


async def role(request: Request) -> Response:
    form = parse_input(RoleInput, await read_json(request))
    done, member = await people.change_role(context_of(request),
                                            request.path_params["username"], form)
    return JSONResponse({"changed": done.changed, "username": member.username,
                         "role": member.role.value})


async def author_action(request: Request) -> Response:
    done = await run_author_action(context_of(request), request.path_params["action"],
                                   int_param(request, "post_id"), await read_json(request))
    return JSONResponse(done_json(done))


async def reveal(request: Request) -> Response:
    form = parse_input(RevealInput, await read_json(request))
    post, author = await people.reveal_author(context_of(request),
                                              int_param(request, "post_id"), form)
    return JSONResponse({"post_id": post.id, "username": author.username,
                         "reason": form.reason})
