"""The moderation queue and moderating one post (the /mod area is guarded by its mount)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from forum.actions.moderate_people import AUTHOR_TAKEN
from forum.actions.moderate_posts import CHANGED, UNCHANGED
from forum.actions.moderation import CARE_MESSAGE_TEMPLATE
from forum.anonymity import author_view
from forum.forms import CONTENT_WARNINGS, FormInvalid
from forum.moderation_commands import PostRunner, run_author_action, run_post_action
from forum.moderation_forms import REPORT_REASONS
from forum.queries.content import list_categories
from forum.queries.moderation import (
    QueueTab,
    post_under_review,
    queue_page,
)
from forum.request_context import context_of
from forum.templating import render
from forum.web import int_param, page_param, read_form, viewer_of

DONE_NOTICES = {"changed": CHANGED, "unchanged": UNCHANGED, "author": AUTHOR_TAKEN}


async def queue(request: Request) -> Response:
    tab_name = request.query_params.get("tab", QueueTab.URGENT.value)
    if tab_name not in {t.value for t in QueueTab}:
        tab_name = QueueTab.URGENT.value
    found = await queue_page(QueueTab(tab_name), page_param(request))
    return render(request, "mod/queue.html", {"queue": found, "reasons": REPORT_REASONS})


async def post_page(request: Request, errors: dict[str, str] | None = None,
                    values: dict[str, Any] | None = None, status_code: int = 200) -> Response:
    review = await post_under_review(int_param(request, "post_id"))
    return render(request, "mod/post.html", {
        "post": review.post, "thread": review.post.thread, "revisions": review.revisions,
        "author": author_view(review.post, viewer_of(request)),
        "reports": review.reports,
        "categories": await list_categories(), "warnings": CONTENT_WARNINGS,
        "reasons": REPORT_REASONS, "errors": errors or {}, "values": values or {},
        "notice": DONE_NOTICES.get(request.query_params.get("done", "")),
        "care_template": CARE_MESSAGE_TEMPLATE,
    }, status_code=status_code)


async def _act_on_post(request: Request, run: PostRunner, *, author: bool = False) -> Response:
    """Run the moderator's command on the post, come back to it with the outcome (for the
    author of the post, always the same one)."""
    post_id = int_param(request, "post_id")
    try:
        done = await run(context_of(request), request.path_params["action"], post_id,
                         await read_form(request))
    except FormInvalid as invalid:
        return await post_page(request, invalid.errors, invalid.values,
                               status_code=invalid.status_code)
    outcome = "author" if author else "changed" if done.changed else "unchanged"
    return RedirectResponse(f"/mod/posts/{post_id}?done={outcome}", status_code=303)


async def post_action(request: Request) -> Response:
    return await _act_on_post(request, run_post_action)


async def author_action(request: Request) -> Response:
    """Sanction "the author of this post" without learning who it is."""
    return await _act_on_post(request, run_author_action, author=True)
