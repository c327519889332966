"""Reading a story's thread, writing stories and replies, editing and deleting posts."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from forum import permissions
from forum.actions import stories as use
from forum.actions.posting import REPLY_TARGET_GONE
from forum.anonymity import author_view
from forum.forms import CONTENT_WARNINGS, FormInvalid
from forum.models.accounts import User
from forum.models.content import Post, Thread
from forum.post_fragments import muted_word, post_html
from forum.queries.community import ReactionSummary
from forum.queries.content import (
    get_post_or_404,
    get_story_or_404,
    list_categories,
    not_found,
    page_of_post,
    thread_page_rows,
)
from forum.queries.drafts import draft_for, my_draft_or_404
from forum.queries.reading import NOBODY, ThreadState, thread_page_state
from forum.read_models import PostFacts, ThreadFacts, ThreadRow
from forum.reader import warning_choice
from forum.request_context import context_of
from forum.schemas.base import parse_input, whole_number
from forum.schemas.posting import ReplyIn, StoryIn, edit_schema
from forum.templating import page_csrf_token, relative_time, render
from forum.web import int_param, new_submission_id, page_param, read_form, viewer_of


def with_headers(response: Response, invalid: FormInvalid) -> Response:
    response.headers.update(invalid.headers)
    return response


def after_writing(post: Post, link: str) -> Response:
    """Where the writer goes next: their post, or first a caring page when what they wrote
    sounds like they may be in crisis (the post is published or held as usual)."""
    if post.crisis_level in ("concern", "urgent"):
        return RedirectResponse(f"/care/{post.id}", status_code=303)
    return RedirectResponse(link, status_code=303)


def post_link(post: Post, page: int) -> str:
    page_part = f"?page={page}" if page > 1 else ""
    return f"/stories/{post.thread_id}{page_part}#post-{post.id}"


def warning_text(thread: ThreadFacts) -> str:
    labels = [CONTENT_WARNINGS[w] for w in thread.content_warnings if w in CONTENT_WARNINGS]
    return ", ".join([*labels, *([thread.content_warning_note]
                                 if thread.content_warning_note else [])])


def _post_card(post: PostFacts, thread: ThreadFacts, viewer: User | None,
               reactions: dict[int, ReactionSummary] | None = None,
               state: ThreadState = NOBODY) -> dict[str, Any]:
    """What one post shows this viewer: every entry is part of the fragment's key
    (forum.post_fragments), so nothing here may be left out of what the macro reads."""
    warned = post.is_story and warning_choice(viewer, thread) != "show"
    blockable = permissions.blockable_author(post)
    return {
        "post": post,
        "collapsed": warned,
        "warning_text": warning_text(thread) if warned else "",
        "muted": muted_word(viewer, post),
        # Only posts under the blocked member's name: never an anonymous one (forum.actions.blocks)
        "blocked": blockable is not None and blockable in state.blocked,
        "reactions": (reactions or {}).get(post.id),
        "can_react": permissions.can_react(viewer, post),
        "author": author_view(post, viewer),
        "staff": permissions.staff_badge(post),
        "can_edit": permissions.can_edit_post(viewer, post),
        "can_delete": permissions.can_delete_post(viewer, post),
        "can_report": permissions.can_report(viewer, post),
        "can_moderate": permissions.is_moderator(viewer),
        "can_bookmark": permissions.can_bookmark(viewer, post),
        "bookmarked": post.id in state.bookmarked,
        "can_block": (permissions.can_block_author(viewer, blockable)
                      and blockable not in state.blocked),
        "is_new": not post.is_story and state.is_new(post.id),
    }


def _reply_defaults(viewer: User | None, thread: ThreadRow | Thread,
                    writes_here_anonymously: bool) -> dict[str, Any]:
    """A fresh reply form: anonymous already ticked where the viewer wrote anonymously. (The
    story page reads no drafts — its script puts a draft reply back; the reply page opens
    one with `_reply_draft`.)"""
    if not permissions.can_reply(viewer, thread) or not thread.category.allow_anonymous:
        return {}
    return {"anonymous": True} if writes_here_anonymously else {}


async def _reply_draft(viewer: User | None, thread: Thread) -> dict[str, Any] | None:
    """The member's draft reply to this story, for the reply page."""
    if not permissions.can_reply(viewer, thread):
        return None
    draft = await draft_for(viewer, kind="reply", thread_id=thread.id)
    return draft.form_values() if draft else None


async def _draft_asked(request: Request, kind: str, thread_id: int | None = None
                       ) -> dict[str, Any] | None:
    """The draft `?draft=N` opens in the composer: the viewer's own, of this kind (and for a
    reply, of this story), or a 404."""
    viewer, raw = viewer_of(request), request.query_params.get("draft")
    if raw is None or viewer is None:
        return None
    draft = await my_draft_or_404(viewer, _positive_int(raw))
    if draft.kind != kind or (kind == "reply" and draft.thread_id != thread_id):
        raise not_found()
    return draft.form_values()


async def story_detail(request: Request, form_errors: dict[str, Any] | None = None,
                       form_values: dict[str, Any] | None = None,
                       status_code: int = 200) -> Response:
    viewer = viewer_of(request)
    rows = await thread_page_rows(int_param(request, "thread_id"), viewer, page_param(request))
    thread = rows.thread
    # Reactions and the member's own reading state (read position, bookmarks, blocks): one query.
    reactions, state = await thread_page_state(
        viewer, thread.id, [rows.story.id, *(r.id for r in rows.replies)])
    can_reply = permissions.can_reply(viewer, thread)
    env = request.app.state.templates.env

    token: list[str] = []

    def csrf() -> str:
        if not token:
            token.append(page_csrf_token(request))
        return token[0]

    def shown(card: dict[str, Any]) -> Markup:
        post = card["post"]
        return post_html(env, card, show_reply_link=can_reply,
                         when=relative_time(post.created_at), csrf_token=csrf)

    replies = [_post_card(r, thread, viewer, reactions, state) for r in rows.replies]
    story = _post_card(rows.story, thread, viewer, reactions, state)
    # A warned story is folded together with its replies (one disclosure, in the template).
    thread_warning = story["warning_text"] if story["collapsed"] else ""
    story["collapsed"] = False
    return render(request, "stories/detail.html", {
        "thread": thread,
        "category": thread.category,
        "story_html": shown(story),
        "thread_warning": thread_warning,
        "replies": replies,
        "replies_html": [shown(card) for card in replies],
        "reading": reading_marks(state, rows.story.id, replies),
        "following": rows.following,
        "can_follow": permissions.can_follow(viewer, rows.story),
        "page": rows.page,
        "pages": rows.pages,
        "reply_total": rows.reply_total,
        "can_reply": can_reply,
        "errors": form_errors or {},
        "values": form_values or _reply_defaults(viewer, thread, rows.writes_here_anonymously),
        "submission_id": new_submission_id(),
    }, status_code=status_code)


def reading_marks(state: ThreadState, story_id: int,
                  replies: list[dict[str, Any]]) -> dict[str, Any]:
    """Where the reader left off: the first new reply on this page (the "New since your last
    visit" line goes before it), the first unread anywhere (for "Jump to the first unread"),
    and the last post this page shows (what "Mark as read" records)."""
    first_new = next((c["post"].id for c in replies if c["is_new"]), None)
    shown = [story_id, *(c["post"].id for c in replies)]
    return {"unread": state.unread, "first_unread_id": state.first_unread_id,
            "first_new_here": first_new, "last_shown_id": max(shown),
            "read_before": state.last_read_post_id is not None}


async def new_story_form(request: Request, errors: dict[str, Any] | None = None,
                         values: dict[str, Any] | None = None, status_code: int = 200) -> Response:
    viewer = viewer_of(request)
    permissions.ensure_can_write_story(viewer)
    category = request.query_params.get("category", "")
    if not values:
        values = await _draft_asked(request, "story")
    if not values and not request.query_params.get("fresh"):
        draft = await draft_for(viewer, kind="story", category=category)
        values = draft.form_values() if draft else None
    values = values or {"category": category}
    return render(request, "stories/new.html", {
        "categories": await list_categories(),
        "warnings": CONTENT_WARNINGS,
        "errors": errors or {},
        "values": values,
        "submission_id": values.get("submission_id") or new_submission_id(),
    }, status_code=status_code)


async def new_story(request: Request) -> Response:
    permissions.ensure_can_write_story(viewer_of(request))  # before reading the form
    try:
        data = parse_input(StoryIn, await read_form(request))
        written = await use.write_story(context_of(request), data)
    except FormInvalid as invalid:
        return with_headers(await new_story_form(request, invalid.errors, invalid.values,
                                                 status_code=invalid.status_code), invalid)
    return after_writing(written.post, f"/stories/{written.post.thread_id}")


async def reply_form(request: Request, errors: dict[str, Any] | None = None,
                     values: dict[str, Any] | None = None, status_code: int = 200) -> Response:
    """A page to answer one post in particular (the story page has the general reply form)."""
    viewer = viewer_of(request)
    story = await get_story_or_404(int_param(request, "thread_id"), viewer)
    permissions.ensure_can_reply(viewer, story.thread)
    values = (values or await _draft_asked(request, "reply", story.thread_id)
              or await _reply_draft(viewer, story.thread)
              or _reply_defaults(viewer, story.thread,
                                 bool(await use.my_pseudonyms_in(viewer, story.thread_id))))
    target_id = values.get("reply_to") or request.query_params.get("to") or story.id
    target = await get_post_or_404(_positive_int(target_id), viewer)
    if target.thread_id != story.thread_id:
        raise not_found()
    return render(request, "stories/reply.html", {
        "thread": story.thread,
        "target": _post_card(target, target.thread, viewer),
        "errors": errors or {},
        "values": values,
        "submission_id": values.get("submission_id") or new_submission_id(),
    }, status_code=status_code)


def _positive_int(value: object) -> int:
    number = whole_number(value)
    if number is None:
        raise not_found()
    return number


async def new_reply(request: Request) -> Response:
    ctx = context_of(request)
    try:
        data = parse_input(ReplyIn, await read_form(request))
        written = await use.write_reply(ctx, int_param(request, "thread_id"), data)
    except FormInvalid as invalid:
        return with_headers(await _reply_again(request, invalid), invalid)
    reply = written.post
    return after_writing(reply, post_link(reply, await page_of_post(reply, ctx.viewer)))


async def _reply_again(request: Request, invalid: FormInvalid) -> Response:
    """The refused reply's form again, with what was typed: on the page answering one post,
    or — when there is none, or that post can no longer be seen — on the story page."""
    errors, values = invalid.errors, invalid.values
    if values.get("reply_to") and "reply_to" not in errors:
        try:
            return await reply_form(request, errors, values, status_code=invalid.status_code)
        except HTTPException as gone:
            if gone.status_code != 404:
                raise
            errors = {"form": f"{REPLY_TARGET_GONE} Your reply is kept below.", **errors}
    return await story_detail(request, errors, {k: v for k, v in values.items()
                                                if k != "reply_to"},
                              status_code=invalid.status_code)


async def permalink(request: Request) -> Response:
    viewer = viewer_of(request)
    post = await get_post_or_404(int_param(request, "post_id"), viewer)
    page = await page_of_post(post, viewer)
    return RedirectResponse(post_link(post, page), status_code=303)


async def edit_form(request: Request, errors: dict[str, Any] | None = None,
                    values: dict[str, Any] | None = None, status_code: int = 200) -> Response:
    viewer = viewer_of(request)
    post = await get_post_or_404(int_param(request, "post_id"), viewer)
    permissions.ensure_can_edit_post(viewer, post)
    values = values or {"title": post.thread.title, "body": post.body_md,
                        "content_warnings": post.thread.content_warnings,
                        "content_warning_note": post.thread.content_warning_note}
    return render(request, "stories/edit.html",
                  {"post": post, "thread": post.thread, "errors": errors or {}, "values": values,
                   "warnings": CONTENT_WARNINGS},
                  status_code=status_code)


async def edit(request: Request) -> Response:
    ctx = context_of(request)
    post = await use.post_to_edit(ctx, int_param(request, "post_id"))
    form = await read_form(request)
    if post.is_story:  # the form's warnings, all unticked, send nothing: that means none
        form.setdefault("content_warnings", [])
        form.setdefault("content_warning_note", "")
    try:
        await use.edit(ctx, post, parse_input(edit_schema(post.is_story), form))
    except FormInvalid as invalid:
        return await edit_form(request, invalid.errors, invalid.values, status_code=422)
    return after_writing(post, post_link(post, await page_of_post(post, ctx.viewer)))


async def delete_form(request: Request) -> Response:
    viewer = viewer_of(request)
    post = await get_post_or_404(int_param(request, "post_id"), viewer)
    permissions.ensure_can_delete_post(viewer, post)
    return render(request, "stories/delete.html", {"post": post, "thread": post.thread})


async def delete(request: Request) -> Response:
    deleted = await use.delete(context_of(request), int_param(request, "post_id"))
    post = deleted.post
    if post.is_story:
        return RedirectResponse(f"/c/{post.thread.category.slug}", status_code=303)
    return RedirectResponse(f"/stories/{post.thread_id}", status_code=303)
