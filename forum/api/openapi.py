"""The OpenAPI 3.1 description of /api/v1. A test keeps it and the routes in step."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from forum import __version__

_S = "#/components/schemas/"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": _S + name}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


_PROBLEM = {"description": "A problem (RFC 9457)",
            "content": {"application/problem+json": {"schema": _ref("Problem")}}}


def _op(summary: str, *, ok: tuple[int, str, dict[str, Any] | None], body: str | None = None,
        auth: bool = False, errors: tuple[int, ...] = (400,), params: list[dict] | None = None,
        ) -> dict[str, Any]:
    status, description, schema = ok
    responses: dict[str, Any] = {
        str(status): _json(schema, description) if schema else {"description": description}
    }
    for code in (*errors, *((401,) if auth else ())):
        responses[str(code)] = _PROBLEM
    operation: dict[str, Any] = {"summary": summary, "responses": responses}
    if body:
        operation["requestBody"] = {"required": True,
                                    "content": {"application/json": {"schema": _ref(body)}}}
    if auth:
        operation["security"] = [{"bearer": []}]
    if params:
        operation["parameters"] = params
    return operation


def _path_param(name: str, kind: str = "integer") -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": kind}}


_PAGE = {"name": "page", "in": "query", "required": False,
         "schema": {"type": "integer", "minimum": 1}}
_PER_PAGE = {"name": "per_page", "in": "query", "required": False,
             "schema": {"type": "integer", "minimum": 1, "maximum": 50}}
_IDEMPOTENCY = {"name": "Idempotency-Key", "in": "header", "required": False,
                "description": "16-64 characters [A-Za-z0-9_-]; a repeat returns the first result",
                "schema": {"type": "string"}}

_STRING = {"type": "string"}
_SCHEMAS: dict[str, Any] = {
    "Problem": {"type": "object", "required": ["type", "title", "status", "detail"],
                "properties": {"type": _STRING, "title": _STRING, "status": {"type": "integer"},
                               "detail": _STRING,
                               "errors": {"type": "object",
                                          "additionalProperties": _STRING}}},
    "SignUp": {"type": "object", "required": ["username", "password"],
               "properties": {"username": _STRING, "password": _STRING,
                              "email": {"type": ["string", "null"]}}},
    "Credentials": {"type": "object", "required": ["username", "password"],
                    "properties": {"username": _STRING, "password": _STRING}},
    "Token": {"type": "object", "properties": {"token": _STRING, "token_type": _STRING}},
    "Account": {"type": "object", "properties": {
        "username": _STRING, "display_name": _STRING, "bio": _STRING,
        "email": {"type": ["string", "null"]}, "country": {"type": ["string", "null"]},
        "expand_warnings": {"type": "boolean"}, "role": _STRING, "created_at": _STRING}},
    "AccountChanges": {"type": "object", "properties": {
        "display_name": _STRING, "bio": _STRING, "email": {"type": ["string", "null"]},
        "country": {"type": ["string", "null"]}, "expand_warnings": {"type": "boolean"}}},
    "PasswordChange": {"type": "object", "required": ["current_password", "new_password"],
                       "properties": {"current_password": _STRING, "new_password": _STRING}},
    "Category": {"type": "object", "properties": {
        "slug": _STRING, "name": _STRING, "description": _STRING,
        "allow_anonymous": {"type": "boolean"}, "allow_guests": {"type": "boolean"}}},
    "Author": {"oneOf": [
        {"type": "object", "properties": {"kind": {"const": "member"}, "username": _STRING,
                                          "display_name": _STRING}},
        {"type": "object", "properties": {"kind": {"const": "anonymous"},
                                          "pseudonym": _STRING, "is_op": {"type": "boolean"}}},
        {"type": "object", "properties": {"kind": {"const": "guest"}, "pseudonym": _STRING}},
        {"type": "object", "properties": {"kind": {"const": "former_member"}}},
    ]},
    "Post": {"type": "object", "properties": {
        "id": {"type": "integer"}, "story_id": {"type": "integer"}, "author": _ref("Author"),
        "body": {"type": ["string", "null"]}, "body_html": {"type": ["string", "null"]},
        "hidden_reason": {"type": ["string", "null"]}, "status": _STRING,
        "reply_to": {"type": ["integer", "null"]}, "created_at": _STRING,
        "edited": {"type": "boolean"}, "edited_at": {"type": ["string", "null"]},
        "url": _STRING}},
    "Story": {"type": "object", "properties": {
        "id": {"type": "integer"}, "title": _STRING, "category": _STRING,
        "content_warnings": {"type": "array", "items": _STRING},
        "content_warning_note": _STRING, "is_locked": {"type": "boolean"},
        "is_pinned": {"type": "boolean"}, "reply_count": {"type": "integer"},
        "last_post_at": _STRING, "post": _ref("Post"), "url": _STRING}},
    "StoryPage": {"allOf": [_ref("Story"), {"type": "object", "properties": {
        "replies": {"type": "array", "items": _ref("Post")}, "page": {"type": "integer"},
        "pages": {"type": "integer"}, "per_page": {"type": "integer"},
        "reply_total": {"type": "integer"}, "total": {"type": "integer"}}}]},
    "NewStory": {"type": "object", "required": ["category", "title", "body"], "properties": {
        "category": _STRING, "title": {"type": "string", "maxLength": 150},
        "body": {"type": "string", "maxLength": 40000},
        "content_warnings": {"type": "array", "items": {"enum": [
            "suicide", "self_harm", "substance_use", "abuse", "domestic_violence",
            "child_loss", "pregnancy_loss", "eating_disorders", "violence"]}},
        "content_warning_note": {"type": "string", "maxLength": 60},
        "anonymous": {"type": "boolean"}}},
    "NewReply": {"type": "object", "required": ["body"], "properties": {
        "body": {"type": "string", "maxLength": 10000},
        "reply_to": {"type": ["integer", "null"]}, "anonymous": {"type": "boolean"}}},
    "PostChanges": {"type": "object", "required": ["body"], "properties": {
        "body": _STRING, "title": _STRING,
        "show_my_name": {"type": "boolean", "description": "anonymous -> named (one way)"}}},
    "NewReport": {"type": "object", "required": ["reason"], "properties": {
        "reason": {"enum": ["worried", "harassment", "hate", "spam", "self_promotion",
                            "other"]},
        "note": {"type": "string", "maxLength": 1000}}},
    "Report": {"type": "object", "properties": {
        "id": {"type": "integer"}, "post_id": {"type": "integer"}, "reason": _STRING,
        "note": _STRING, "created_at": _STRING, "outcome": {"type": ["string", "null"]}}},
    "QueuePage": {"type": "object", "properties": {
        "tab": _STRING, "page": {"type": "integer"}, "pages": {"type": "integer"},
        "per_page": {"type": "integer"}, "total": {"type": "integer"},
        "counts": {"type": "object", "additionalProperties": {"type": "integer"}},
        "items": {"type": "array", "items": {"type": "object", "properties": {
            "post": _ref("Post"), "story_title": _STRING, "category": _STRING,
            "content_warnings": {"type": "array", "items": _STRING},
            "reports": {"type": "array", "items": _ref("Report")}}}}}},
    "ModAction": {"type": "object", "description": (
        "Fields by action. Posts: reject and hide need `reason` (hide's is public); "
        "delete (stories only) needs `reason`; move needs `category` (a slug); warnings "
        "takes `content_warnings` and `content_warning_note`; others take an optional "
        "`reason`. Members: warn, ban need `reason`; silence and suspend need `days` "
        "(1-3650) and `reason`; lift takes an optional `reason`; note needs `body`."),
        "properties": {"reason": _STRING, "category": _STRING, "days": {"type": "integer"},
                       "body": _STRING, "content_warnings": {"type": "array", "items": _STRING},
                       "content_warning_note": _STRING}},
    "ModResult": {"type": "object", "properties": {
        "changed": {"type": "boolean"}, "message": _STRING, "post": _ref("Post")}},
    "AuditPage": {"type": "object", "properties": {
        "entries": {"type": "array", "items": {"type": "object", "properties": {
            "id": {"type": "integer"}, "actor": _STRING, "action": _STRING,
            "target_type": _STRING, "target_id": {"type": "integer"}, "target": _STRING,
            "reason": _STRING, "created_at": _STRING}}},
        "page": {"type": "integer"}, "pages": {"type": "integer"},
        "per_page": {"type": "integer"}, "total": {"type": "integer"}}},
    "WatchedWord": {"type": "object", "properties": {
        "id": {"type": "integer"}, "pattern": _STRING,
        "action": {"enum": ["block", "require_approval", "flag", "censor"]}}},
    "NewWatchedWord": {"type": "object", "required": ["pattern", "action"], "properties": {
        "pattern": {"type": "string", "maxLength": 100},
        "action": {"enum": ["block", "require_approval", "flag", "censor"]}}},
    "Resource": {"type": "object", "properties": {
        "name": _STRING, "country": _STRING, "topics": {"type": "array", "items": _STRING},
        "description": _STRING, "phone": {"type": ["string", "null"]},
        "phone_display": {"type": ["string", "null"]}, "text": {"type": ["string", "null"]},
        "text_keyword": {"type": ["string", "null"]}, "chat_url": {"type": ["string", "null"]},
        "website": {"type": ["string", "null"]}, "hours": _STRING,
        "languages": {"type": "array", "items": _STRING}, "source": _STRING,
        "last_verified": _STRING}},
    "Help": {"type": "object", "properties": {
        "country": _STRING, "emergency_number": {"type": ["string", "null"]},
        "resources": {"type": "array", "items": _ref("Resource")}}},
    "Crisis": {"type": "object", "description": "In posting responses: what crisis-language "
               "detection found, with resources for the writer's region unless `none`.",
               "properties": {"level": {"enum": ["none", "concern", "urgent"]},
                              "resources": {"type": "array", "items": _ref("Resource")}}},
    "AccountDeletion": {"type": "object", "required": ["password", "keep_posts"],
                        "properties": {"password": _STRING, "keep_posts": {
                            "type": "boolean",
                            "description": "true: posts stay as Former member; false: erased"}}},
    "SearchPage": {"type": "object", "properties": {
        "query": {"type": "string", "description": "what was searched for: trimmed, capped"},
        "results": {"type": "array", "items": {"type": "object", "properties": {
            "post": _ref("Post"), "story_id": {"type": "integer"}, "story_title": _STRING,
            "snippet_html": {"type": "string", "description": "escaped text; hits in <mark>"},
            "rank": {"type": "number", "description": "higher is better, within one search"},
        }}},
        "page": {"type": "integer"}, "pages": {"type": "integer"},
        "total": {"type": "integer"}, "crisis": _ref("Crisis")}},
    "Draft": {"type": "object", "required": ["text"], "properties": {
        "text": {"type": "string", "maxLength": 40000}}},
    "Reveal": {"type": "object", "required": ["reason", "password"], "properties": {
        "reason": {"type": "string", "maxLength": 500}, "password": _STRING}},
    "RoleChange": {"type": "object", "required": ["role"], "properties": {
        "role": {"enum": ["member", "moderator", "admin"]}, "reason": _STRING}},
}


def _query(name: str, kind: str = "string") -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": {"type": kind}}


_ACTION = {"name": "action", "in": "path", "required": True, "schema": {"type": "string"}}

PATHS: dict[str, dict[str, Any]] = {
    "/api/v1/accounts": {"post": _op("Sign up", body="SignUp", errors=(400, 422, 429),
                                     ok=(201, "The new account", _ref("Account")))},
    "/api/v1/tokens": {"post": _op("Get a bearer token", body="Credentials",
                                   errors=(400, 401, 422, 429),
                                   ok=(201, "A new token", _ref("Token")))},
    "/api/v1/tokens/current": {"delete": _op("Revoke this token", auth=True, errors=(),
                                             ok=(204, "Revoked", None))},
    "/api/v1/me": {
        "get": _op("Your account", auth=True, errors=(), ok=(200, "Account", _ref("Account"))),
        "patch": _op("Change your settings", auth=True, body="AccountChanges",
                     errors=(400, 422), ok=(200, "Account", _ref("Account"))),
        "delete": _op("Delete your account at once: {password, keep_posts}", auth=True,
                      body="AccountDeletion", errors=(400, 403, 422),
                      ok=(200, "Deleted", {"type": "object", "properties": {
                          "deleted": {"type": "boolean"},
                          "posts_removed": {"type": "integer"},
                          "posts_kept": {"type": "integer"}}})),
    },
    "/api/v1/me/password": {"post": _op(
        "Change your password (ends every session and token; returns a new token)",
        auth=True, body="PasswordChange", errors=(400, 422), ok=(200, "New token", _ref("Token")))},
    "/api/v1/me/sessions/end": {"post": _op("Sign out everywhere", auth=True, errors=(),
                                            ok=(204, "Every session ended", None))},
    "/api/v1/categories": {"get": _op("Categories", errors=(), ok=(200, "Categories", {
        "type": "object", "properties": {"categories": {"type": "array",
                                                        "items": _ref("Category")}}}))},
    "/api/v1/categories/{slug}/stories": {"get": _op(
        "Stories in a category", errors=(400, 404),
        params=[_path_param("slug", "string"), _PAGE, _PER_PAGE],
        ok=(200, "A page of stories", {"type": "object", "properties": {
            "stories": {"type": "array", "items": _ref("Story")},
            "page": {"type": "integer"}, "pages": {"type": "integer"},
            "per_page": {"type": "integer"}, "total": {"type": "integer"}}}))},
    "/api/v1/stories": {"post": _op(
        "Write a story (202: it waits for a moderator)", auth=True, body="NewStory",
        errors=(400, 403, 404, 422, 429), params=[_IDEMPOTENCY],
        ok=(201, "The story", _ref("Story")))},
    "/api/v1/stories/{id}": {"get": _op("A story with a page of its replies",
                                        errors=(400, 404), params=[_path_param("id"), _PAGE],
                                        ok=(200, "Story and replies", _ref("StoryPage")))},
    "/api/v1/stories/{id}/replies": {"post": _op(
        "Reply to a story", auth=True, body="NewReply", errors=(400, 403, 404, 422),
        params=[_path_param("id"), _IDEMPOTENCY], ok=(201, "The reply", _ref("Post")))},
    "/api/v1/posts/{id}": {
        "patch": _op("Edit your post", auth=True, body="PostChanges",
                     errors=(400, 403, 404, 422), params=[_path_param("id")],
                     ok=(200, "The post", _ref("Post"))),
        "delete": _op("Delete your post", auth=True, errors=(403, 404),
                      params=[_path_param("id")], ok=(204, "Deleted", None)),
    },
    "/api/v1/posts/{id}/reports": {"post": _op(
        "Report a post to the moderators (one open report per member per post)", auth=True,
        body="NewReport", errors=(400, 403, 404, 422, 429), params=[_path_param("id")],
        ok=(201, "The report", _ref("Report")))},
    "/api/v1/mod/queue": {"get": _op(
        "The moderation queue (moderators)", auth=True, errors=(400, 403, 404),
        params=[{**_query("tab"), "description": "urgent | approval | reports"}, _PAGE],
        ok=(200, "A page of the queue", _ref("QueuePage")))},
    "/api/v1/mod/posts/{id}/{action}": {"post": _op(
        "Act on a post: approve, reject, hide, restore, dismiss, lock, unlock, pin, unpin, "
        "move, warnings, delete (moderators)", auth=True, body="ModAction",
        errors=(400, 403, 404, 422), params=[_path_param("id"), _ACTION],
        ok=(200, "What happened", _ref("ModResult")))},
    "/api/v1/mod/posts/{id}/author/{action}": {"post": _op(
        "Act on the author of a post without learning who it is: warn, silence, suspend, "
        "ban, lift (moderators)", auth=True, body="ModAction",
        errors=(400, 403, 404, 409, 422), params=[_path_param("id"), _ACTION],
        ok=(200, "What happened", _ref("ModResult")))},
    "/api/v1/admin/posts/{id}/reveal": {"post": _op(
        "Reveal who wrote an anonymous post (admins; reason and password required; "
        "audit-logged)", auth=True, body="Reveal", errors=(400, 403, 404, 409, 422),
        params=[_path_param("id")], ok=(200, "The author", {"type": "object", "properties": {
            "post_id": {"type": "integer"}, "username": _STRING, "reason": _STRING}}))},
    "/api/v1/mod/users/{username}/{action}": {"post": _op(
        "Act on a member: warn, silence, suspend, ban, lift, note (moderators)", auth=True,
        body="ModAction", errors=(400, 403, 404, 422),
        params=[_path_param("username", "string"), _ACTION],
        ok=(200, "What happened", _ref("ModResult")))},
    "/api/v1/mod/audit": {"get": _op(
        "The audit log, newest first (moderators)", auth=True, errors=(400, 403, 404),
        params=[_query("action"), _query("actor"), _query("target_type"),
                _query("target_id", "integer"), _PAGE],
        ok=(200, "A page of the log", _ref("AuditPage")))},
    "/api/v1/mod/words": {
        "get": _op("Watched words (moderators)", auth=True, errors=(403,),
                   ok=(200, "The list", {"type": "object", "properties": {
                       "words": {"type": "array", "items": _ref("WatchedWord")}}})),
        "post": _op("Watch a word or phrase (moderators)", auth=True, body="NewWatchedWord",
                    errors=(400, 403, 409, 422), ok=(201, "Added", _ref("WatchedWord"))),
    },
    "/api/v1/mod/words/{word_id}": {"delete": _op(
        "Stop watching a word (moderators)", auth=True, errors=(403, 404),
        params=[_path_param("word_id")], ok=(204, "Removed", None))},
    "/api/v1/admin/users/{username}/role": {"post": _op(
        "Set a member's role (admins)", auth=True, body="RoleChange",
        errors=(400, 403, 404, 422), params=[_path_param("username", "string")],
        ok=(200, "The result", {"type": "object", "properties": {
            "changed": {"type": "boolean"}, "username": _STRING, "role": _STRING}}))},
    "/api/v1/resources": {"get": _op(
        "Crisis resources for a country (default: yours) and the international ones",
        errors=(400,), params=[{**_query("country"), "description": "ISO code or INTL"},
                               _query("topic")],
        ok=(200, "Help", _ref("Help")))},
    "/api/v1/needs-reply": {"get": _op(
        "Published stories of the last 30 days with no reply yet, oldest first",
        errors=(400, 404), params=[_PAGE, _PER_PAGE],
        ok=(200, "A page of stories", {"type": "object", "properties": {
            "stories": {"type": "array", "items": _ref("Story")},
            "page": {"type": "integer"}, "pages": {"type": "integer"},
            "per_page": {"type": "integer"}, "total": {"type": "integer"}}}))},
    "/api/v1/search": {"get": _op(
        "Search published stories and replies: every word must match (stemmed), best first",
        errors=(400, 404, 429),
        params=[_query("q"), {**_query("category"), "description": "a category slug"}, _PAGE,
                {"name": "per_page", "in": "query", "required": False,
                 "schema": {"type": "integer", "minimum": 1, "maximum": 50}}],
        ok=(200, "A page of results", _ref("SearchPage")))},
    "/api/v1/safety/check": {"post": _op(
        "Check a draft for crisis language (nothing is stored)", body="Draft",
        errors=(400, 422, 429), ok=(200, "What was found", _ref("Crisis")))},
    "/api/v1/posts/{id}/reactions/{kind}": {
        method: _op(f"{verb} a reaction (hug, me_too, thank_you, strength)", auth=True,
                    errors=(403, 404), params=[_path_param("id"), _path_param("kind", "string")],
                    ok=(200, "Counts and yours", {"type": "object", "properties": {
                        "changed": {"type": "boolean"},
                        "counts": {"type": "object", "additionalProperties": {"type": "integer"}},
                        "mine": {"type": "array", "items": _STRING}}}))
        for method, verb in (("put", "Give"), ("delete", "Take back"))},
    "/api/v1/stories/{id}/follow": {
        method: _op(f"{verb} a thread", auth=True, errors=(403, 404),
                    params=[_path_param("id")],
                    ok=(200, "Whether you follow it", {"type": "object", "properties": {
                        "following": {"type": "boolean"}, "changed": {"type": "boolean"}}}))
        for method, verb in (("put", "Follow"), ("delete", "Stop following"))},
    "/api/v1/me/notifications": {"get": _op(
        "Your notifications, newest first", auth=True, errors=(400,),
        params=[_PAGE, _query("per_page", "integer")],
        ok=(200, "A page of notifications", {"type": "object", "properties": {
            "notifications": {"type": "array", "items": {"type": "object", "properties": {
                "kind": _STRING, "message": _STRING, "link": {"type": ["string", "null"]},
                "created_at": _STRING, "read": {"type": "boolean"}}}},
            "unread": {"type": "integer"}, "total": {"type": "integer"},
            "page": {"type": "integer"}, "per_page": {"type": "integer"}}}))},
    "/api/v1/me/notifications/read": {"post": _op(
        "Mark all your notifications read", auth=True, errors=(),
        ok=(200, "How many", {"type": "object", "properties": {
            "marked_read": {"type": "integer"}}}))},
    "/api/v1/me/export": {"get": _op(
        "Everything you wrote and chose, as JSON (send X-Confirm-Password)", auth=True,
        errors=(403,), params=[{"name": "X-Confirm-Password", "in": "header", "required": True,
                                "schema": {"type": "string"}}],
        ok=(200, "Your data", {"type": "object"}))},
    "/api/v1/users/{username}": {"get": _op(
        "A member's public profile (never their anonymous posts)", errors=(404,),
        params=[_path_param("username", "string")],
        ok=(200, "The profile", {"type": "object"}))},
    "/api/v1/openapi.json": {"get": _op("This document", errors=(),
                                        ok=(200, "OpenAPI 3.1", {"type": "object"}))},
}

DOCUMENT: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Hearth API", "version": __version__,
             "description": "Errors are RFC 9457 problem documents. Authenticate with "
                            "`Authorization: Bearer <token>` from POST /api/v1/tokens."},
    "paths": PATHS,
    "components": {
        "schemas": _SCHEMAS,
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
    },
}


async def openapi_document(request: Request) -> JSONResponse:
    return JSONResponse(DOCUMENT)
