"""What an admin sends to change the site: a category, the site's name and description,
an about / guidelines / privacy page."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from forum.models.content import Premoderation
from forum.schemas.base import Flag, Input, TextRule

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
SLUG_MAX = 60
# Paths under /c/ the site itself uses: a category may not take them.
RESERVED_SLUGS = frozenset({"new", "feed", "feeds", "admin", "mod", "api", "static"})
PAGE_MAX = 40_000

PREMODERATION_LABELS = {
    Premoderation.NONE: "No: posts appear at once",
    Premoderation.NEW_MEMBERS: "New members' posts (and every anonymous post) wait for a moderator",
    Premoderation.ALL: "Every post waits for a moderator",
}


def _slug(value: str) -> str:
    slug = value.lower()
    if not SLUG.fullmatch(slug):
        raise PydanticCustomError(
            "forum.slug", "Use lower-case letters, digits and single hyphens, like "
            "grief-loss.")
    if slug in RESERVED_SLUGS:
        raise PydanticCustomError("forum.slug", "The site uses that address itself. "
                                  "Please choose another.")
    return slug


def _premoderation(value: Any) -> Premoderation:
    try:
        return Premoderation(value)
    except ValueError:
        raise PydanticCustomError("forum.premoderation",
                                  "Choose who waits for a moderator from the list.") from None


PremoderationChoice = Annotated[
    Premoderation, BeforeValidator(_premoderation),
    WithJsonSchema({"type": "string", "enum": [p.value for p in Premoderation]})]


class CategoryIn(Input):
    """A category's settings. The slug is given only when the category is made: it is its
    address (/c/<slug>) and never changes, so no link to it ever breaks."""

    name: Annotated[str, TextRule("Name", max_len=80, min_len=1,
                                  missing="Please give the category a name.")]
    description: Annotated[str, TextRule("Description", max_len=300, multiline=True)] = ""
    allow_anonymous: Flag = False
    allow_guests: Flag = False
    premoderation: PremoderationChoice = Premoderation.NEW_MEMBERS


class NewCategoryIn(CategoryIn):
    slug: Annotated[str, TextRule("Address", max_len=SLUG_MAX, min_len=1,
                                  missing="Please give the category an address, like "
                                          "grief-loss."),
                    AfterValidator(_slug)]


class MoveIn(Input):
    direction: Literal["up", "down"]


class SiteSettingsIn(Input):
    name: Annotated[str, TextRule("Site name", max_len=60, min_len=1,
                                  missing="Please give the site a name.")]
    description: Annotated[str, TextRule("Description", max_len=300, min_len=1,
                                         missing="Please say in a sentence what the site "
                                                 "is for.")]
    review_wait: Annotated[str, TextRule("Usual wait for a moderator", max_len=60, min_len=1,
                                         missing="Please say how soon a moderator usually "
                                                 "reads a waiting post, like “within a "
                                                 "day”.")]


class SitePageIn(Input):
    body: Annotated[str, TextRule("Page text", max_len=PAGE_MAX, min_len=1, multiline=True,
                                  missing="Please write the page (or put back the shipped "
                                          "text).")]
