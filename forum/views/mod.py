"""The moderation queue and moderating one post (the /mod area is guarded by its mount)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from forum.actions.moderation import CARE_MESSAGE_TEMPLATE
from forum.anonymity import author_view
from forum.forms import CONTENT_WARNINGS, FormInvalid
from forum.moderation_commands import PostCommand, run_author_action, run_post_action
from forum.moderation_forms import REPORT_REASONS
from forum.queries.content import list_categories
from forum.queries.moderation import (
    QueueTab,
    get_any_post_or_404,
    post_under_review,
    queue_page,
)
from forum.templating import render
from forum.web import int_param, page_param, read_form, viewer_of

DONE_NOTICES = {"changed": "Done.", "unchanged": "Nothing to change: it was already so."}


async def queue(request: Request) -> Response:
    tab_name = request.query_params.get("tab", QueueTab.URGENT.value)
    if tab_name not in {t.value for t in QueueTab}:
        tab_name = QueueTab.URGENT.value
    found = await queue_page(QueueTab(tab_name), page_param(request))
    return render(request, "mod/queue.html", {"queue": found, "reasons": REPORT_REASONS})


async def post_page(request: Request, errors: dict | None = None, values: dict | None = None,
                    status_code: int = 200) -> Response:
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


async def _act_on_post(request: Request, run: PostCommand) -> Response:
    """Load the post, run the moderator's command, come back to the post with the outcome."""
    actor = viewer_of(request)
    assert actor is not None  # the mount's guard let only moderators in
    post = await get_any_post_or_404(int_param(request, "post_id"))
    data = await read_form(request)
    try:
        done = await run(request.path_params["action"], actor, post, data)
    except FormInvalid as invalid:
        return await post_page(request, invalid.errors, invalid.values, status_code=422)
    outcome = "changed" if done.changed else "unchanged"
    return RedirectResponse(f"/mod/posts/{post.id}?done={outcome}", status_code=303)


async def post_action(request: Request) -> Response:
    return await _act_on_post(request, run_post_action)


async def author_action(request: Request) -> Response:
    """Sanction "the author of this post" without learning who it is."""
    return await _act_on_post(request, run_author_action)
