"""Email choices at the boundary: the page's form and the API's JSON."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from forum.forms import FormInvalid
from forum.mail.choices import MEMBER_KINDS, MODERATOR_KINDS, allowed
from forum.schemas.base import Flag, Input, parse_input
from forum.schemas.outputs import Shape


class MailPreferencesIn(Input):
    """How often each kind is emailed (none, soon, digest) — only the kinds given change —
    and whether emails may say more than that there is something (None: unchanged)."""

    choices: dict[str, str] = {}
    fuller: bool | None = None

    def checked(self, moderator: bool) -> MailPreferencesIn:
        """Refuses unknown kinds and cadences a kind does not have, with a message a person
        understands (moderator alerts only for moderators)."""
        errors: dict[str, str] = {}
        for kind, cadence in self.choices.items():
            if kind in MODERATOR_KINDS and not moderator:
                errors[kind] = "Only moderators can choose moderator alerts."
            elif not allowed(kind):
                known = ", ".join([*MEMBER_KINDS, *(MODERATOR_KINDS if moderator else ())])
                errors[kind] = f"There is no email kind called {kind!r} (there are: {known})."
            elif cadence not in allowed(kind):
                errors[kind] = (f"{kind} can be: " + ", ".join(allowed(kind)) + ".")
        if errors:
            raise FormInvalid(errors, {})
        return self


class _Fuller(Input):
    mail_fuller: Flag = False


def mail_preferences_from_form(data: Mapping[str, Any], moderator: bool) -> MailPreferencesIn:
    kinds = [*MEMBER_KINDS, *(MODERATOR_KINDS if moderator else ())]
    fuller = parse_input(_Fuller, data).mail_fuller
    return MailPreferencesIn(
        choices={kind: str(data[f"mail_{kind}"]) for kind in kinds if f"mail_{kind}" in data},
        fuller=fuller).checked(moderator)


class MailPreferences(Shape):
    """How often each kind is emailed (none, soon, digest; moderators also see their alerts),
    whether emails are fuller, and whether the member has a verified address (without one,
    nothing is sent)."""

    choices: dict[str, str]
    fuller: bool
    address_verified: bool
    changed: bool | None = None
