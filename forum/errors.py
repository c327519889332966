"""Friendly error pages for people and RFC 9457 problem documents for API clients."""

from __future__ import annotations

import logging
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from forum.outage import RETRY_AFTER_SECONDS, Saved, database_unavailable, saved_so_far
from forum.safety.resources import emergency_for
from forum.templating import render
from forum.web import region_of

log = logging.getLogger("forum")

# status -> (stable problem slug, page title, what to tell a person)
MESSAGES: dict[int, tuple[str, str, str]] = {
    400: ("bad-request", "That request didn't make sense",
          "Something in the address or the form wasn't what we expected."),
    401: ("unauthorized", "Please sign in", "You need to be signed in to do that."),
    403: ("forbidden", "You can't do that", "You don't have permission to do that."),
    404: ("not-found", "We couldn't find that page",
          "It may have been moved or removed, or the link may be mistyped."),
    405: ("method-not-allowed", "That can't be done here",
          "This address doesn't accept that kind of request."),
    409: ("conflict", "That needs a decision first",
          "What you sent clashes with something already here. Nothing was saved yet."),
    413: ("too-large", "That was too much to send at once",
          "What you sent is larger than 256 KiB. Stories can be up to 40,000 characters; "
          "please shorten it or split it into parts."),
    422: ("validation", "Something needs another look",
          "Some of what you entered needs changing. Nothing was saved yet."),
    429: ("rate-limited", "Please slow down",
          "There were too many attempts in a short time. Please wait a little and try again."),
    500: ("server-error", "Something went wrong on our side",
          "It's not you. Nothing you wrote was saved half-way; please try again in a moment."),
    503: ("database-unavailable", "We can't reach our database right now",
          "It's not you: the forum's database isn't answering, usually for a short while."),
}


def problem_type(status: int) -> str:
    slug = MESSAGES.get(status, MESSAGES[400 if status < 500 else 500])[0]
    return f"/api/v1/problems/{slug}"


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def problem(status: int, detail: str | None = None, headers: dict[str, str] | None = None,
            **extra: Any) -> JSONResponse:
    _, title, message = MESSAGES.get(status, MESSAGES[400 if status < 500 else 500])
    body = {"type": problem_type(status), "title": title, "status": status,
            "detail": detail or message, **extra}
    return JSONResponse(body, status_code=status, headers=headers,
                        media_type="application/problem+json")


def error_response(request: Request, status: int, detail: str | None = None,
                   headers: dict[str, str] | None = None) -> Response:
    if is_api(request):
        return problem(status, detail, headers)
    if status == 401 and request.method == "GET":
        return RedirectResponse(f"/signin?next={request.url.path}", status_code=303)
    _, title, message = MESSAGES.get(status, MESSAGES[400 if status < 500 else 500])
    response = render(request, "errors/error.html",
                      {"status": status, "title": title, "message": detail or message},
                      status_code=status)
    response.headers.update(headers or {})
    return response


async def http_exception(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    detail = exc.detail if exc.detail and exc.detail != _default_phrase(exc.status_code) else None
    return error_response(request, exc.status_code, detail, dict(exc.headers or {}))


# The fields of a form worth giving back on the outage page (never passwords or tokens).
KEPT_FIELDS = {"title": "Title", "body": "What you wrote", "content_warning_note":
               "Content note", "note": "Your note", "message": "Your message"}
NOTHING_SAVED = "Nothing you sent was saved"


def saved_by(request: Request) -> list[Saved]:
    """What this request had committed when it failed (kept on the request, so the 500 page,
    drawn after the request's own context ended, knows too)."""
    return list(request.scope.get("state", {}).get("saved") or saved_so_far())


def saved_sentences(saved: list[Saved]) -> str:
    done = "; ".join(s.sentence for s in saved)
    return f"{done[0].upper()}{done[1:]}."


def outage_detail(request: Request, saved: list[Saved]) -> str:
    """Exactly what happened to what this request sent, in one or two sentences."""
    wait = f"Please try again in about {RETRY_AFTER_SECONDS} seconds."
    if saved:
        return (f"{saved_sentences(saved)} The database stopped answering before we could "
                "finish the page, so please don't send it again.")
    if request.method in ("GET", "HEAD"):
        return f"The forum's database isn't answering right now. {wait}"
    return f"The forum's database isn't answering, so {NOTHING_SAVED.lower()}. {wait}"


async def _form_sent(request: Request) -> dict[str, object]:
    """A form the request carries, read here because no view got to read it."""
    if not request.headers.get("content-type", "").startswith(
            "application/x-www-form-urlencoded"):
        return {}
    try:
        form = await request.form(max_files=0, max_fields=100)
    except Exception:  # unreadable: there is nothing to give back
        return {}
    return {key: value for key, value in form.items() if isinstance(value, str)}


async def unavailable_response(request: Request, *, read_form: bool = False) -> Response:
    """503 with Retry-After: a kind page (what was typed given back) or a problem document.

    ``read_form``: the request's body is still unread (the database failed before any view
    ran), so a form in it is read here to give its words back."""
    saved = saved_by(request)
    state = request.scope.setdefault("state", {})
    if read_form and "form_values" not in state and request.method == "POST":
        state["form_values"] = await _form_sent(request)
    detail = outage_detail(request, saved)
    # Never kept by a cache: the database may be back in a moment, and the page may hold
    # what this person typed.
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS), "Cache-Control": "private, no-store"}
    if is_api(request):
        return problem(503, detail, headers, saved=[
            {"what": s.what, "url": s.link, "earlier": s.earlier} for s in saved],
            retry_after=RETRY_AFTER_SECONDS)
    typed = state.get("form_values") or {}
    kept = [(label, str(typed[name])) for name, label in KEPT_FIELDS.items()
            if not saved and isinstance(typed.get(name), str) and typed[name].strip()]
    _, title, message = MESSAGES[503]
    response = render(request, "errors/unavailable.html", {
        "title": title, "message": message, "detail": detail, "saved": saved, "kept": kept,
        "retry_after": RETRY_AFTER_SECONDS, "emergency": emergency_for(region_of(request)),
    }, status_code=503)
    response.headers.update(headers)
    return response


async def database_down(request: Request, exc: Exception) -> Response:
    """The handler for the errors a lost database raises; any other error goes on as it is."""
    if not database_unavailable(exc):
        raise exc
    log.warning("database unavailable on %s %s: %s: %s", request.method, request.url.path,
                type(exc).__name__, exc)
    from forum.security import apply_security_headers

    response = await unavailable_response(request)
    apply_security_headers(response.headers, private=True, path=request.url.path)
    return response


async def server_error(request: Request, exc: Exception) -> Response:
    if database_unavailable(exc):  # raised outside the handlers (in a middleware)
        return await database_down(request, exc)
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    from forum.security import apply_security_headers

    saved = saved_by(request)
    detail = (f"{saved_sentences(saved)} Something went wrong on our side before we could "
              "finish the page, so please don't send it again.") if saved else None
    try:
        response = error_response(request, 500, detail)
    except Exception:  # the error page itself failed: say it plainly
        response = Response("Something went wrong on our side. Please try again.", 500,
                            media_type="text/plain")
    apply_security_headers(response.headers, private=True, path=request.url.path)
    return response


def _default_phrase(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""
