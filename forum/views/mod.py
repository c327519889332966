"""The moderation queue and moderating one post (the /mod area is guarded by its mount)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from forum.actions.moderate_people import AUTHOR_TAKEN
from forum.actions.moderate_posts import (
    CHANGED,
    DID,
    UNCHANGED,
    BulkDone,
    act_on_many,
    did_message,
)
from forum.actions.moderation import CARE_MESSAGE_TEMPLATE
from forum.anonymity import author_view
from forum.forms import CONTENT_WARNINGS, FormInvalid
from forum.moderation_commands import PostRunner, run_author_action, run_post_action
from forum.moderation_forms import REPORT_REASONS
from forum.queries.content import list_categories
from forum.queries.moderation import (
    QueueTab,
    forget_header_counts,
    next_in_queue,
    post_heading,
    post_under_review,
    posts_by_id,
    queue_page,
)
from forum.request_context import context_of
from forum.schemas.base import parse_input
from forum.schemas.mod_bulk import BULK_MAX, BulkInput
from forum.templating import render
from forum.web import int_param, page_param, read_form, viewer_of

DONE_NOTICES = {"changed": CHANGED, "unchanged": UNCHANGED, "author": AUTHOR_TAKEN}
# The Awaiting approval tab shows a burst of held posts at once, to approve in one go.
APPROVAL_PAGE_ROWS = BULK_MAX
TAB_LABELS = {"urgent": "Urgent", "approval": "Awaiting approval", "reports": "Reports"}
LAST_ONE = "That was the last one waiting here. Thank you."


def _tab(value: str | None, default: QueueTab = QueueTab.URGENT) -> QueueTab:
    return QueueTab(value) if value in {t.value for t in QueueTab} else default


async def _did_notice(request: Request) -> str | None:
    """What the moderator just did, naming the post: from the address they were sent back
    to (``did``, and ``post`` for one post or ``n`` for several)."""
    params = request.query_params
    did = params.get("did", "")
    if did not in DID:
        return None
    count = params.get("n", "1")
    if count.isdecimal() and 1 < int(count) <= BULK_MAX:
        return f"{DID[did]}: {int(count)} posts."
    post_id = params.get("post", "")
    heading = await post_heading(int(post_id)) if post_id.isdecimal() and len(
        post_id) < 10 else None
    notice = f"{DID[did]}: {heading}." if heading else f"{DID[did]}."
    return notice + (" " + LAST_ONE if params.get("last") == "1" else "")


async def queue(request: Request, *, bulk: BulkDone | None = None,
                errors: dict[str, str] | None = None, status_code: int = 200,
                tab: QueueTab | None = None) -> Response:
    tab = tab or _tab(request.query_params.get("tab"))
    found = await queue_page(tab, page_param(request), approval_rows=APPROVAL_PAGE_ROWS)
    return render(request, "mod/queue.html", {
        "queue": found, "reasons": REPORT_REASONS, "labels": TAB_LABELS,
        "notice": bulk.message if bulk and bulk.done else await _did_notice(request),
        "failed": bulk.failed if bulk else [], "errors": errors or {},
    }, status_code=status_code)


async def act_on_queue(request: Request) -> Response:
    """The queue's one form: Approve or Reject… on one item, or on the ticked ones. Approving
    happens at once; rejecting asks for the reason (sent to each author) on a confirm page
    first. Back to the queue, where the next item is now first, with what was done."""
    data = await read_form(request)
    tab = _tab(str(data.get("tab", "")), QueueTab.APPROVAL)
    for one in ("approve", "reject"):
        if str(data.get(one, "")).isdecimal():
            data = {**data, "action": one, "post_ids": [data[one]]}
    if data.get("action") == "reject" and data.get("confirmed") != "1":
        return await _confirm_rejecting(request, data, tab)
    try:
        form = parse_input(BulkInput, data)
    except FormInvalid as invalid:
        if data.get("action") == "reject":
            return await _confirm_rejecting(request, data, tab, invalid.errors,
                                            invalid.status_code)
        return await queue(request, errors=invalid.errors, status_code=invalid.status_code,
                           tab=tab)
    outcome = await act_on_many(context_of(request), form)
    forget_header_counts()
    if outcome.failed:  # said here, beside what was done
        return await queue(request, bulk=outcome, tab=tab)
    query = {"tab": tab.value, "did": form.action}
    if len(outcome.done) == 1:
        query["post"] = str(outcome.done[0].id)
    else:
        query["n"] = str(len(outcome.done))
    return RedirectResponse(f"/mod/?{urlencode(query)}#queue-items", status_code=303)


async def _confirm_rejecting(request: Request, data: dict[str, Any], tab: QueueTab,
                             errors: dict[str, str] | None = None,
                             status_code: int = 200) -> Response:
    raw = data.get("post_ids") or []
    ids = [int(i) for i in (raw if isinstance(raw, list) else [raw])
           if str(i).isdecimal() and len(str(i)) < 10][:BULK_MAX]
    posts = await posts_by_id(ids)
    chosen = [posts[i] for i in ids if i in posts]
    if not chosen and not errors:
        errors = {"post_ids": "Choose at least one post: tick the box beside each one."}
        status_code = 422
    return render(request, "mod/confirm_reject.html", {
        "posts": chosen, "tab": tab.value, "errors": errors or {},
        "reason": str(data.get("reason", "")),
    }, status_code=status_code)


async def post_page(request: Request, errors: dict[str, str] | None = None,
                    values: dict[str, Any] | None = None, status_code: int = 200) -> Response:
    review = await post_under_review(int_param(request, "post_id"))
    post = review.post
    notice = DONE_NOTICES.get(request.query_params.get("done", ""))
    did = request.query_params.get("did", "")
    if did in DID and request.query_params.get("done") in ("changed", "unchanged"):
        handled = request.query_params.get("handled", "")
        if handled.isdecimal() and len(handled) < 10 and int(handled) != post.id:
            heading = await post_heading(int(handled))
            changed = request.query_params.get("done") == "changed"
            said = f"{DID[did]}: {heading}." if changed else (
                f"Nothing to change: {heading} was already so.")
            notice = f"{said} Here is the next one." if heading else notice
        else:
            notice = did_message(did, post, request.query_params.get("done") == "changed")
    return render(request, "mod/post.html", {
        "post": post, "thread": post.thread, "revisions": review.revisions,
        "author": author_view(post, viewer_of(request)),
        "reports": review.reports,
        "categories": await list_categories(), "warnings": CONTENT_WARNINGS,
        "reasons": REPORT_REASONS, "errors": errors or {}, "values": values or {},
        "notice": notice, "tab": _tab(request.query_params.get("tab"), _home_tab(post)).value,
        "care_template": CARE_MESSAGE_TEMPLATE,
    }, status_code=status_code)


def _home_tab(post: Any) -> QueueTab:
    return QueueTab.APPROVAL if post.status.value == "pending" else QueueTab.URGENT


async def _act_on_post(request: Request, run: PostRunner, *, author: bool = False) -> Response:
    """Run the moderator's command on the post, come back to it with the outcome (for the
    author of the post, always the same one) — or, asked to (``then=next``), go on to the
    next item waiting in the queue tab they came from."""
    post_id = int_param(request, "post_id")
    action = request.path_params["action"]
    data = await read_form(request)
    try:
        done = await run(context_of(request), action, post_id, data)
    except FormInvalid as invalid:
        return await post_page(request, invalid.errors, invalid.values,
                               status_code=invalid.status_code)
    forget_header_counts()
    outcome = "author" if author else "changed" if done.changed else "unchanged"
    if author:
        return RedirectResponse(f"/mod/posts/{post_id}?done={outcome}", status_code=303)
    if data.get("then") == "next":
        tab = _tab(str(data.get("tab", "")), QueueTab.APPROVAL)
        following = await next_in_queue(tab, leaving=post_id)
        if following is None:
            query = urlencode({"tab": tab.value, "did": action, "post": post_id, "last": 1})
            return RedirectResponse(f"/mod/?{query}", status_code=303)
        query = urlencode({"did": action, "handled": post_id, "tab": tab.value,
                           "done": outcome})
        return RedirectResponse(f"/mod/posts/{following}?{query}", status_code=303)
    return RedirectResponse(f"/mod/posts/{post_id}?did={action}&done={outcome}",
                            status_code=303)


async def post_action(request: Request) -> Response:
    return await _act_on_post(request, run_post_action)


async def author_action(request: Request) -> Response:
    """Sanction "the author of this post" without learning who it is."""
    return await _act_on_post(request, run_author_action, author=True)
