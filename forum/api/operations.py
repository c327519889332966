"""What every API operation takes and answers, keyed by route name (see forum/routes.py).

The OpenAPI document is built from these declarations and the route table together; a test
fails when a route has no declaration or a declaration names no route. Statuses every
operation of a kind shares (a body that is not JSON, a body too large, a failed validation,
sign-in, the /mod and /admin guards, an id that matches nothing) are added by the builder
in forum/api/openapi.py; what is declared here is each operation's own.
"""

from __future__ import annotations

import operator
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import reduce
from typing import Any, Literal

from forum.forms import PAGE_MAX
from forum.models.community import ReactionKind
from forum.moderation_commands import AUTHOR_COMMANDS, MEMBER_COMMANDS, POST_COMMANDS, Command
from forum.moderation_forms import AUDIT_TARGETS
from forum.queries.moderation import QueueTab
from forum.queries.search import MAX_PER_PAGE as SEARCH_PER_PAGE_MAX
from forum.schemas import outputs as out
from forum.schemas import reading as rd
from forum.schemas.accounts import (
    AccountDeletionIn,
    EmailVerifyIn,
    PasswordChangeIn,
    PasswordConfirmIn,
    PasswordResetConfirmIn,
    PasswordResetIn,
    SettingsIn,
    SignInIn,
    SignUpIn,
)
from forum.schemas.community import DraftCheckIn
from forum.schemas.drafts import Draft, DraftIn, DraftList, DraftSaved, Preview, PreviewIn
from forum.schemas.mail import MailPreferences, MailPreferencesIn
from forum.schemas.mod_bulk import BulkInput
from forum.schemas.moderation import ReportInput, RevealInput, RoleInput, WatchedWordInput
from forum.schemas.posting import CATEGORY_SLUG_MAX, EditIn, ReplyIn, StoryIn
from forum.web import PER_PAGE_MAX

Auth = Literal["none", "optional", "required"]


@dataclass(frozen=True)
class Param:
    """A query parameter or request header."""

    name: str
    where: Literal["query", "header"]
    schema: Mapping[str, Any]
    description: str = ""
    required: bool = False


@dataclass(frozen=True)
class Answer:
    """A successful response: what it means, its body's model (None: no body), its headers."""

    description: str
    model: Any = None
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Operation:
    summary: str
    answers: Mapping[int, Answer]
    errors: Mapping[int, str] = field(default_factory=dict)  # status -> when
    body: Any = None  # the JSON body's model, if the operation reads one
    auth: Auth = "none"
    params: tuple[Param, ...] = ()
    path: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # narrower path params
    description: str = ""


def _query_int(name: str, high: int, description: str) -> Param:
    return Param(name, "query", {"type": "integer", "minimum": 1, "maximum": high}, description)


PAGE = _query_int("page", PAGE_MAX, "which page, from 1 (past the last: 404)")
PER_PAGE = _query_int("per_page", PER_PAGE_MAX, "how many per page (default 20)")
IDEMPOTENCY_KEY = Param(
    "Idempotency-Key", "header", {"type": "string", "pattern": "^[A-Za-z0-9_-]{16,64}$"},
    "a repeat with the same key returns the first result (200) instead of posting twice")
MANAGE_TOKEN = Param(
    "X-Manage-Token", "header", {"type": "string", "minLength": 1},
    "a guest's manage token (from the 202 that took the post): acts on that post, no account")
RETRY_AFTER = {"Retry-After": "seconds to wait before trying again"}
LOCATION = {"Location": "where the new post can be read"}


def _enum(values: tuple[str, ...]) -> dict[str, Any]:
    return {"type": "string", "enum": list(values)}


def _commands(table: Mapping[str, Command[Any]]) -> dict[str, Any]:
    """A moderator's action in the path, and the body each one takes (its input schema)."""
    schemas = tuple(dict.fromkeys(command.schema for command in table.values()))
    by_action = "; ".join(f"`{action}`: {command.schema.__name__}"
                          for action, command in table.items())
    return {"path": {"action": _enum(tuple(table))}, "description": f"The body by action: "
            f"{by_action}.", "body": reduce(operator.or_, schemas)}


RATE_LIMITED = "too many attempts in a short time (Retry-After says how long to wait)"
WRONG_PASSWORDS_LIMITED = ("too many wrong passwords in a short time: even the right one waits "
                           "until Retry-After says")
POSTING_REFUSED = ("silenced, suspended or banned; a locked thread; a category that takes no "
                   "anonymous posts or guests")
NAMED_NEEDS_CONFIRMING = ("you wrote in this thread anonymously: a reply under your name "
                          "needs `\"confirm_named\": true` (nothing was posted)")
STICKY_ANONYMITY_NOTE = ("Anonymity is sticky in a thread: if you posted there anonymously, a "
                         "reply without `anonymous` is answered 409, explaining what your "
                         "name would show, unless the body says `confirm_named`.")
GUEST_NOTE = ("Without a bearer token this posts as a guest: always held for a moderator "
              "(202), no links, a per-address limit, and a `manage_token` shown once.")

_STORY_WRITTEN = {
    201: Answer("Published", out.PostedStory, LOCATION),
    200: Answer("Already posted with this Idempotency-Key: the first result", out.PostedStory,
                LOCATION),
    202: Answer("Taken, waiting for a moderator (new members' and every guest's posts)",
                out.PostedStory | out.GuestPostedStory | out.GuestRepeatedStory, LOCATION),
}
_REPLY_WRITTEN = {
    201: Answer("Published", out.PostedReply, LOCATION),
    200: Answer("Already posted with this Idempotency-Key: the first result", out.PostedReply,
                LOCATION),
    202: Answer("Taken, waiting for a moderator",
                out.PostedReply | out.GuestPostedReply | out.GuestRepeatedReply, LOCATION),
}

OPERATIONS: dict[str, Operation | dict[str, Operation]] = {
    # --- accounts and tokens -------------------------------------------------------------
    "api_accounts": Operation(
        "Sign up", {201: Answer("The new account, with its recovery codes (shown once)",
                                out.NewAccount)}, body=SignUpIn,
        errors={429: RATE_LIMITED},
        description="An `email` given is sent a link to verify it; it is used for nothing "
                    "until then."),
    "api_password_reset": Operation(
        "Ask for a password reset link by email",
        {202: Answer("The same answer for every address, known or not", out.ResetAsked)},
        body=PasswordResetIn, errors={429: RATE_LIMITED},
        description="A link (valid 30 minutes, once) is mailed to each account that has "
                    "verified this address; nothing says whether any has."),
    "api_password_reset_confirm": Operation(
        "Set a new password with a reset link's token or a recovery code",
        {200: Answer("The password is set; every session and token of the account ended",
                     out.PasswordReset)},
        body=PasswordResetConfirmIn,
        errors={410: "the link has expired or has been used", 429: RATE_LIMITED},
        description="Send `token` (from the email) or `username` with `recovery_code`, and "
                    "the new `password`. Each token and code works once."),
    "api_email_verification": Operation(
        "Verify an email address with the token from its link",
        {204: Answer("Verified")}, body=EmailVerifyIn,
        errors={410: "the link has expired or has been used"}),
    "api_me_email_verification": Operation(
        "Send the verification link to your address again", {202: Answer("Sent")},
        auth="required",
        errors={409: "no address, or it is verified already", 429: RATE_LIMITED}),
    "api_me_recovery_codes": Operation(
        "Make ten new recovery codes (the old set stops working)",
        {201: Answer("The new codes, shown once", out.RecoveryCodes)},
        body=PasswordConfirmIn, auth="required",
        errors={429: WRONG_PASSWORDS_LIMITED}),
    "api_tokens": Operation(
        "Get a bearer token", {201: Answer("A new token", out.Token)}, body=SignInIn,
        errors={401: "wrong username or password", 403: "the account is suspended or banned",
                429: RATE_LIMITED}),
    "api_token_current": Operation(
        "Revoke the token this request carries", {204: Answer("Revoked")}, auth="required"),
    "api_me": Operation("Your account", {200: Answer("Your account", out.Account)},
                        auth="required"),
    "api_me_update": Operation(
        "Change your settings", {200: Answer("Your account", out.Account)},
        body=SettingsIn, auth="required"),
    "api_me_password": Operation(
        "Change your password (ends every session and token; answers a new token)",
        {200: Answer("A new token", out.Token)}, body=PasswordChangeIn, auth="required",
        errors={429: WRONG_PASSWORDS_LIMITED}),
    "api_me_sessions_end": Operation(
        "Sign out everywhere", {204: Answer("Every session and token ended")}, auth="required"),
    "api_me_delete": Operation(
        "Delete your account at once", {200: Answer("Deleted", out.AccountDeleted)},
        body=AccountDeletionIn, auth="required",
        errors={403: "that isn't your password", 429: WRONG_PASSWORDS_LIMITED}),
    "api_me_export": Operation(
        "Everything you wrote and chose, as JSON", {200: Answer("Your data", out.Export)},
        auth="required",
        params=(Param("X-Confirm-Password", "header", {"type": "string"},
                      "your password, again", required=True),),
        errors={403: "the password is missing or wrong", 429: WRONG_PASSWORDS_LIMITED}),
    "api_me_mail_preferences": Operation(
        "How often each kind of notification is emailed to you",
        {200: Answer("Your email choices", MailPreferences)}, auth="required"),
    "api_me_mail_preferences_update": Operation(
        "Choose how often each kind is emailed (only the kinds given change) and whether "
        "emails are fuller", {200: Answer("Your email choices", MailPreferences)},
        body=MailPreferencesIn, auth="required"),
    "api_me_notifications": Operation(
        "Your notifications, newest first",
        {200: Answer("A page of notifications", out.NotificationPage)}, auth="required",
        params=(PAGE, PER_PAGE), errors={400: "page or per_page out of bounds"}),
    "api_me_notifications_read": Operation(
        "Mark all your notifications read", {200: Answer("How many", out.MarkedRead)},
        auth="required"),
    "api_user": Operation(
        "A member's public profile (never their anonymous posts)",
        {200: Answer("The profile", out.Profile)}, errors={404: "no such member"},
        path={"username": {"type": "string", "minLength": 1, "maxLength": 30}}),
    # --- community -------------------------------------------------------------------------
    "api_post_reaction": {
        method: Operation(
            f"{verb} a supportive reaction", {200: Answer("Counts and yours", out.Reactions)},
            auth="required", path={"kind": _enum(tuple(k.value for k in ReactionKind))},
            errors={403: "you can't react to this post (your own, or you are silenced)",
                    404: "no such post or reaction"})
        for method, verb in (("PUT", "Give"), ("DELETE", "Take back"))},
    "api_story_follow": {
        method: Operation(
            f"{verb} a story's replies", {200: Answer("Whether you follow it", out.Following)},
            auth="required", errors={403: "you can't follow this story"})
        for method, verb in (("PUT", "Follow"), ("DELETE", "Stop following"))},
    # --- reading for oneself: read positions, bookmarks, blocks -------------------------------
    "api_story_read": Operation(
        "Mark a story read up to a post (never moves back)",
        {200: Answer("Your read position", rd.ReadPosition)}, body=rd.ReadBody, auth="required",
        errors={404: "no such story, or that post is not in it"}),
    "api_post_bookmark": {
        method: Operation(
            f"{verb} a post", {200: Answer("Whether you bookmarked it", rd.BookmarkState)},
            auth="required",
            errors={403: "not published, or in a thread you wrote anonymously in"})
        for method, verb in (("PUT", "Bookmark"), ("DELETE", "Remove your bookmark of"))},
    "api_me_bookmarks": Operation("Your bookmarks, newest first",
                                  {200: Answer("Bookmarks", rd.BookmarkList)}, auth="required"),
    "api_me_blocks": Operation("The members you blocked",
                               {200: Answer("Blocked members", rd.BlockList)}, auth="required"),
    "api_me_block": {
        method: Operation(
            f"{verb} a member", {200: Answer("Whether you block them", rd.BlockState)},
            auth="required", path={"username": {"type": "string", "minLength": 1,
                                                "maxLength": 60}},
            errors={403: "yourself, or a moderator or admin", 404: "no such member"})
        for method, verb in (("PUT", "Block"), ("DELETE", "Unblock"))},
    # --- content ---------------------------------------------------------------------------
    "api_categories": Operation("Categories", {200: Answer("Every category",
                                                           out.CategoryList)}),
    "api_category_stories": Operation(
        "Stories in a category, pinned first, then by latest activity",
        {200: Answer("A page of stories", out.StoryList)}, params=(PAGE, PER_PAGE),
        errors={400: "page or per_page out of bounds", 404: "no such category or page"},
        path={"slug": {"type": "string", "minLength": 1, "maxLength": CATEGORY_SLUG_MAX}}),
    "api_stories": Operation(
        "Write a story", _STORY_WRITTEN, body=StoryIn, auth="optional",
        params=(IDEMPOTENCY_KEY,), description=GUEST_NOTE,
        errors={401: "the bearer token is not valid", 403: POSTING_REFUSED,
                404: "no such category", 429: RATE_LIMITED}),
    "api_story": Operation(
        "A story with a page of its replies", {200: Answer("Story and replies", out.StoryPage)},
        params=(PAGE,), errors={400: "page out of bounds",
                                404: "no such story (or hidden from you), or no such page"}),
    "api_replies": Operation(
        "Reply to a story", _REPLY_WRITTEN, body=ReplyIn, auth="optional",
        params=(IDEMPOTENCY_KEY,), description=GUEST_NOTE + " " + STICKY_ANONYMITY_NOTE,
        errors={401: "the bearer token is not valid", 403: POSTING_REFUSED,
                409: NAMED_NEEDS_CONFIRMING, 429: RATE_LIMITED}),
    "api_post_update": Operation(
        "Edit your post (or a guest's, with its manage token)",
        {200: Answer("The post", out.Post)}, body=EditIn, auth="optional",
        params=(MANAGE_TOKEN,),
        errors={401: "not signed in and no manage token",
                403: "not yours, or the edit window has passed"}),
    "api_post_delete": Operation(
        "Delete your post (or a guest's, with its manage token)", {204: Answer("Deleted")},
        auth="optional", params=(MANAGE_TOKEN,),
        errors={401: "not signed in and no manage token", 403: "not yours"}),
    "api_post_reports": Operation(
        "Report a post to the moderators", {201: Answer("The report", out.Report)},
        body=ReportInput, auth="required",
        errors={403: "your own post, or you can't report", 429: RATE_LIMITED}),
    # --- drafts and previews ----------------------------------------------------------------
    "api_me_drafts": Operation(
        "Your drafts, the latest saved first (only you ever see them)",
        {200: Answer("Your drafts", DraftList)}, auth="required"),
    "api_me_drafts_save": Operation(
        "Keep what you are writing as a draft (the composer's autosave)",
        {200: Answer("The draft as kept, and how the words sound", DraftSaved)},
        body=DraftIn, auth="required",
        errors={404: "`draft_id` or `thread_id` names nothing of yours / nothing you can see",
                429: RATE_LIMITED},
        description="With `draft_id`, that draft is saved over; a reply's draft is the one "
                    "for its `thread_id`; otherwise a new draft is kept. Empty `title` and "
                    "`body` let the draft go (`draft` is null). Everything in a draft is "
                    "sealed in the database. Crisis language is noticed as in "
                    "`/safety/check` (`crisis`), never sent to moderators: the post is, "
                    "when it is sent. Sending the post with `draft_id` (or a reply to the "
                    "same story) lets its draft go."),
    "api_me_draft": Operation(
        "One of your drafts", {200: Answer("The draft", Draft)}, auth="required",
        errors={404: "no draft of yours has this id"}),
    "api_me_draft_delete": Operation(
        "Delete one of your drafts", {204: Answer("Deleted")}, auth="required",
        errors={404: "no draft of yours has this id"}),
    "api_preview": Operation(
        "See text as it would be posted (nothing is stored)",
        {200: Answer("The rendered, sanitised HTML", Preview)}, body=PreviewIn,
        auth="optional", errors={429: RATE_LIMITED},
        description="Members' `@name`s link to the members they name, as in their posts; "
                    "guests' link nobody."),
    # --- care and search -------------------------------------------------------------------
    "api_resources": Operation(
        "Crisis resources for a country (default: yours) and the international ones",
        {200: Answer("Help", out.Help)},
        params=(Param("country", "query", {"type": "string"}, "an ISO code, or INTL"),
                Param("topic", "query", {"type": "string"}, "one resource topic")),
        errors={400: "an unknown country or topic"}),
    "api_needs_reply": Operation(
        "Published stories of the last 30 days with no reply yet, oldest first",
        {200: Answer("A page of stories", out.StoryList)}, params=(PAGE, PER_PAGE),
        errors={400: "page or per_page out of bounds", 404: "no such page"}),
    "api_search": Operation(
        "Search published stories and replies: every word must match (stemmed), best first",
        {200: Answer("A page of results", out.SearchPage)},
        params=(Param("q", "query", {"type": "string"}, "the words to find"),
                Param("category", "query", {"type": "string"}, "a category slug"), PAGE,
                _query_int("per_page", SEARCH_PER_PAGE_MAX, "how many per page")),
        errors={400: "page or per_page out of bounds", 404: "no such category or page",
                429: RATE_LIMITED}),
    "api_safety_check": Operation(
        "Check a draft for crisis language (nothing is stored or logged)",
        {200: Answer("What was found", out.Crisis)}, body=DraftCheckIn,
        errors={429: RATE_LIMITED}),
    "api_openapi": Operation("This document", {200: Answer("OpenAPI 3.1",
                                                           out.OpenAPIDocument)}),
    # --- moderation (the /mod mount: moderators; /admin: admins) ---------------------------
    "api_mod_queue": Operation(
        "The moderation queue", {200: Answer("A page of the queue", out.QueuePage)},
        params=(Param("tab", "query", _enum(tuple(t.value for t in QueueTab)),
                      "which tab (default urgent)"), PAGE),
        errors={400: "an unknown tab, or page out of bounds", 404: "no such page"}),
    "api_mod_post_action": Operation(
        "Act on a post", {200: Answer("What happened", out.ModResult)},
        **_commands(POST_COMMANDS),
        errors={400: "delete on a reply", 404: "no such post or action"}),
    "api_mod_bulk": Operation(
        "Approve or reject several held posts (each audited as if alone)",
        {200: Answer("What was done, and what could not be, with why", out.BulkResult)},
        body=BulkInput),
    "api_mod_post_author_action": Operation(
        "Act on a post's author without learning who it is",
        {200: Answer("What happened", out.ActionResult)}, **_commands(AUTHOR_COMMANDS),
        errors={404: "no such post or action"}),
    "api_mod_user_action": Operation(
        "Act on a member", {200: Answer("What happened", out.ActionResult)},
        **_commands(MEMBER_COMMANDS),
        errors={404: "no such member or action"}),
    "api_mod_audit": Operation(
        "The audit log, newest first", {200: Answer("A page of the log", out.AuditPage)},
        params=(Param("action", "query", {"type": "string"}, "an action name"),
                Param("actor", "query", {"type": "string"}, "who acted"),
                Param("target_type", "query", _enum(AUDIT_TARGETS), "what was acted on"),
                _query_int("target_id", 2**31 - 1, "which one"), PAGE),
        errors={400: "target_id or page out of bounds", 404: "no such page"}),
    "api_mod_words": Operation("Watched words", {200: Answer("The list",
                                                             out.WatchedWordList)}),
    "api_mod_words_add": Operation(
        "Watch a word or phrase", {201: Answer("Added", out.WatchedWord)},
        body=WatchedWordInput, errors={409: "already watched"}),
    "api_mod_words_remove": Operation("Stop watching a word", {204: Answer("Removed")}),
    "api_admin_user_role": Operation(
        "Set a member's role", {200: Answer("The result", out.RoleResult)},
        body=RoleInput,
        errors={403: "your own role", 404: "no such member"}),
    "api_admin_post_reveal": Operation(
        "Reveal who wrote an anonymous post (reason and password required; audit-logged)",
        {200: Answer("The author", out.Revealed)}, body=RevealInput,
        errors={400: "the post isn't anonymous", 403: "wrong password",
                409: "the author is unknown (a guest, or gone)",
                429: WRONG_PASSWORDS_LIMITED}),
}
