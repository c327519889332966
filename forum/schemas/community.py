"""What a member sends to react, follow, choose how the forum reaches them, search, and
check a draft — shared by the pages and the API."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, WithJsonSchema, create_model

from forum.forms import CONTENT_WARNINGS
from forum.preference_forms import MUTED_WORDS_MAX, NOTIFICATION_KINDS, WARNING_CHOICES
from forum.queries.search import MAX_PER_PAGE, RESULTS_PER_PAGE, SearchQuery
from forum.safety.crisis import CrisisLevel, detect
from forum.schemas.accounts import refuse
from forum.schemas.base import Flag, Input, TextRule, parse_input

DRAFT_MAX = 40_000  # characters checked: a story's longest body


class ReactionIn(Input):
    post_id: int
    kind: str  # an unknown kind is a 404, as for a path that does not exist
    on: bool


class FollowIn(Input):
    thread_id: int
    on: bool


def _warning_choice(value: Any) -> str:
    if value is None or value == "":
        return "collapse"
    if value not in WARNING_CHOICES:
        raise refuse("warning_choice", "Choose show, collapse or hide.")
    return str(value)


WarningChoice = Annotated[str, BeforeValidator(_warning_choice),
                          WithJsonSchema({"type": "string", "enum": list(WARNING_CHOICES)})]
MutedWords = Annotated[str, TextRule("Muted words", max_len=MUTED_WORDS_MAX, multiline=True)]


class PreferencesIn(Input):
    """A reader's choices: which notes reach them, how each warned theme meets them, words
    to mute, and whether their profile lists their posts."""

    notification_prefs: dict[str, bool]
    warning_prefs: dict[str, str]
    muted_words: str = ""
    hide_activity: bool = False


# The preferences form, one field per choice (`notify_mention`, `cw_self_harm`, …): an unticked
# box is "no", an unset theme "collapse". Built from the lists so a new kind or theme is a field.
PreferencesForm: type[Input] = create_model(  # type: ignore[call-overload]
    "PreferencesForm", __base__=Input,
    hide_activity=(Flag, False), muted_words=(MutedWords, ""),
    **{f"notify_{kind}": (Flag, False) for kind in NOTIFICATION_KINDS},
    **{f"cw_{theme}": (WarningChoice, "collapse") for theme in CONTENT_WARNINGS},
)


def preferences_from_form(data: Mapping[str, Any]) -> PreferencesIn:
    form = parse_input(PreferencesForm, data).model_dump()
    return PreferencesIn(
        notification_prefs={kind: form[f"notify_{kind}"] for kind in NOTIFICATION_KINDS},
        warning_prefs={theme: form[f"cw_{theme}"] for theme in CONTENT_WARNINGS},
        muted_words=form["muted_words"], hide_activity=form["hide_activity"])


class SearchIn(Input):
    query: SearchQuery
    category: str | None = None
    page: int = Field(default=1, ge=1)
    per_page: int = Field(default=RESULTS_PER_PAGE, ge=1, le=MAX_PER_PAGE)

    model_config = {**Input.model_config, "arbitrary_types_allowed": True}

    @property
    def crisis_level(self) -> CrisisLevel:
        """Words searched for can sound like crisis; then the results come with help."""
        return detect(self.query.text).level if self.query.text else CrisisLevel.NONE


class DraftCheckIn(Input):
    text: Annotated[str, TextRule("The text", max_len=DRAFT_MAX, multiline=True)] = ""
