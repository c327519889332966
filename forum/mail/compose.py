"""A message from templates: `templates/email/NAME.txt` (first line ``Subject: …``, a blank
line, then the plain-text body) and, when there is one, `NAME.html` for the HTML part."""

from __future__ import annotations

import functools
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any
from urllib.parse import urlsplit

import jinja2

from forum.paths import TEMPLATES_DIR
from forum.queries.site import SiteIdentity
from forum.settings import Settings

SUBJECT_PREFIX = "Subject: "


@functools.cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR / "email"),
        autoescape=jinja2.select_autoescape(["html"], default_for_string=False,
                                            default=False),
        undefined=jinja2.StrictUndefined, keep_trailing_newline=True)


def template_exists(name: str) -> bool:
    return (TEMPLATES_DIR / "email" / f"{name}.txt").is_file()


def compose(settings: Settings, *, to: str, template: str, context: dict[str, Any],
            message_id: str, headers: dict[str, str] | None = None,
            site_name: str | None = None) -> EmailMessage:
    """``site_name``: what the admins call the site (forum.queries.site), said in the mail."""
    env = _environment()
    values = {"base_url": settings.base_url,
              "site_name": site_name or SiteIdentity.defaults().name, **context}
    text = env.get_template(f"{template}.txt").render(values)
    first, _, body = text.partition("\n")
    if not first.startswith(SUBJECT_PREFIX):
        raise ValueError(f"templates/email/{template}.txt must begin with 'Subject: '")
    message = EmailMessage()
    message["Subject"] = first[len(SUBJECT_PREFIX):].strip()
    message["From"] = settings.mail_from
    message["To"] = to
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = f"<{message_id}@{urlsplit(settings.base_url).hostname or 'hearth'}>"
    message["Auto-Submitted"] = "auto-generated"
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body.lstrip("\n"))
    try:
        html = env.get_template(f"{template}.html").render(values)
    except jinja2.TemplateNotFound:
        return message
    message.add_alternative(html, subtype="html")
    return message
