"""The Jinja2 environment: autoescaped everywhere, with the globals every page needs."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import jinja2
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.templating import Jinja2Templates

from forum.clock import iso_time
from forum.forms import CONTENT_WARNINGS
from forum.models.community import REACTION_LABELS
from forum.paths import TEMPLATES_DIR
from forum.safety.resources import sms_link, tel_link
from forum.sessions import csrf_token
from forum.settings import Settings

SITE_NAME = "Hearth"  # where no request is at hand (emails); pages show the admins' choice
SITE_DESCRIPTION = ""


class SharedBytecodeCache(jinja2.BytecodeCache):
    """Compiled templates in memory, shared by every environment `make_templates` builds.

    Those environments differ only in what is looked up while rendering (undefined, globals),
    never in how a template compiles, so each new app (the tests build one per test) loads a
    template without parsing it again. Jinja checks every entry against a checksum of the
    template's source: an edited template is compiled afresh.
    """

    def __init__(self) -> None:
        self._compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        compiled = self._compiled.get(bucket.key)
        if compiled is not None:
            bucket.bytecode_from_string(compiled)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._compiled[bucket.key] = bucket.bytecode_to_string()


_compiled_templates = SharedBytecodeCache()



def site_name(request: Request) -> str:
    """What the admins call the site (forum.queries.site), for pages and feeds."""
    identity = getattr(request.app.state, "site_identity", None)
    return str(identity.current.name) if identity else SITE_NAME

def relative_time(moment: datetime, now: datetime | None = None) -> str:
    now = now or datetime.now(UTC)
    seconds = int((now - moment).total_seconds())
    if seconds < 60:
        return "just now"
    for unit, size in (("year", 31_536_000), ("month", 2_592_000), ("week", 604_800),
                       ("day", 86_400), ("hour", 3_600), ("minute", 60)):
        if seconds >= size:
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''} ago"
    return "just now"


def long_date(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%-d %B %Y, %H:%M UTC")


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    return f"{count:,} {singular if count == 1 else (plural_form or singular + 's')}"


def request_csrf_token(secret: str, state: dict[str, Any]) -> str:
    """`csrf_token`, worked out once per request (a page with 200 small forms asks 200 times)
    for as long as what it is bound to stays the same."""
    binding = (state.get("session_token"), state.get("visitor_id"))
    kept = state.get("_csrf_kept")
    if kept is not None and kept[0] == binding:
        state["csrf_used"] = True
        return str(kept[1])
    token = csrf_token(secret, state)
    state["_csrf_kept"] = ((state.get("session_token"), state.get("visitor_id")), token)
    return token


def page_csrf_token(request: Request) -> str:
    """The CSRF token a page's forms carry (marks the response private, as any form does)."""
    secret = request.app.state.settings.secret_key.get_secret_value()
    return request_csrf_token(secret, request.scope.setdefault("state", {}))


def make_templates(settings: Settings, *, strict: bool = False) -> Jinja2Templates:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        undefined=jinja2.StrictUndefined if strict else jinja2.Undefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=settings.debug,  # otherwise every render stats every template file
        bytecode_cache=_compiled_templates,
    )
    env.filters.update(reltime=relative_time, isotime=iso_time, longdate=long_date,
                       tel=tel_link, sms=sms_link)
    env.globals.update(
        site_name=SITE_NAME,
        plural=plural,
        quick_exit_url=settings.quick_exit_url,
        content_warning_labels=CONTENT_WARNINGS,
        reaction_labels={k.value: v for k, v in REACTION_LABELS.items()},
    )
    secret = settings.secret_key.get_secret_value()

    def per_request(request: Request) -> dict[str, Any]:
        state = request.scope.setdefault("state", {})
        # What admins call the site (forum.queries.site): shown on every page.
        identity = getattr(request.app.state, "site_identity", None)
        return {
            "site_name": site_name(request),
            "site_description": (identity.current.description if identity
                                 else SITE_DESCRIPTION),
            "viewer": state.get("viewer"),
            "unread": state.get("unread", 0),
            "mod_counts": state.get("mod_counts"),  # moderators only (forum.sessions)
            "csrf_token": lambda: request_csrf_token(secret, state),
        }

    return Jinja2Templates(env=env, context_processors=[per_request])


def render(request: Request, name: str, context: dict[str, Any] | None = None,
           status_code: int = 200) -> HTMLResponse:
    templates: Jinja2Templates = request.app.state.templates
    return templates.TemplateResponse(request, name, context or {}, status_code=status_code)
