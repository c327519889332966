"""The pages that ask before a destructive moderation action (reject, hide, delete a thread,
ban). They work without JavaScript: the action's button on the post or member page opens
this page (a GET, which changes nothing), where the reason is written and the action is
confirmed by posting to the action's own address."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from forum import permissions
from forum.queries.moderation import describe_post, get_any_post_or_404, get_member_or_404
from forum.templating import render
from forum.web import int_param, viewer_of

NOT_ASKED = "There is nothing to confirm here."


@dataclass(frozen=True)
class Ask:
    question: str  # "{what}" is the post or member
    consequence: str
    reason_label: str
    button: str
    reason_required: bool = True


POST_ASKS = {
    "reject": Ask("Reject {what}?", "It will not be published. Your reason is sent privately "
                  "to the author.", "Reason, sent privately to the author (required)",
                  "Reject: don't publish"),
    "hide": Ask("Hide {what}?", "Everyone sees your reason in its place until a moderator "
                "restores it.", "Public reason, shown in place of the post (required)",
                "Hide the post"),
    "delete": Ask("Delete the whole thread of {what}?", "The story and every reply in it go "
                  "out of view for everyone. The rows are kept for the record, but this "
                  "can't be undone from these pages.", "Reason for the log (required)",
                  "Delete the whole thread"),
}
AUTHOR_ASKS = {
    "ban": Ask("Ban the author of {what}?", "If it can apply, they can no longer sign in. You "
               "won't learn who they are; an admin is told.", "Reason for the log (required)",
               "Ban the author"),
}
MEMBER_ASKS = {
    "ban": Ask("Ban {what}?", "They can no longer sign in, and every session they have ends "
               "now. It can be lifted later from their page.", "Reason for the log (required)",
               "Ban this member"),
}


def _ask(table: dict[str, Ask], request: Request) -> Ask:
    ask = table.get(request.path_params["action"])
    if ask is None:
        raise HTTPException(404, NOT_ASKED)
    return ask


def _carried(request: Request) -> dict[str, str]:
    """Where to go afterwards, carried from the button that opened the page."""
    params = request.query_params
    then = {"then": "next"} if params.get("then") == "next" else {}
    tab = params.get("tab", "")
    return {**then, **({"tab": tab} if tab in ("urgent", "approval", "reports") else {})}


async def confirm_post_action(request: Request) -> Response:
    ask = _ask(POST_ASKS, request)
    post = await get_any_post_or_404(int_param(request, "post_id"))
    action = request.path_params["action"]
    return render(request, "mod/confirm.html", {
        "ask": ask, "what": describe_post(post), "action_url":
        f"/mod/posts/{post.id}/{action}", "back_url": f"/mod/posts/{post.id}",
        "carried": _carried(request), "post": post})


async def confirm_author_action(request: Request) -> Response:
    ask = _ask(AUTHOR_ASKS, request)
    post = await get_any_post_or_404(int_param(request, "post_id"))
    action = request.path_params["action"]
    return render(request, "mod/confirm.html", {
        "ask": ask, "what": describe_post(post), "action_url":
        f"/mod/posts/{post.id}/author/{action}", "back_url": f"/mod/posts/{post.id}",
        "carried": {}, "post": post})


async def confirm_member_action(request: Request) -> Response:
    ask = _ask(MEMBER_ASKS, request)
    member = await get_member_or_404(request.path_params["username"])
    if not permissions.can_sanction(viewer_of(request), member):
        raise HTTPException(403, "You can't take this action on this member.")
    action = request.path_params["action"]
    url = f"/mod/users/{quote(member.username)}"
    return render(request, "mod/confirm.html", {
        "ask": ask, "what": member.username, "action_url": f"{url}/{action}",
        "back_url": url, "carried": {}, "post": None})
