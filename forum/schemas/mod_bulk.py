"""What a moderator sends to approve or reject several held posts at once."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator, WithJsonSchema, model_validator
from pydantic_core import PydanticCustomError

from forum.moderation_forms import REASON_MAX
from forum.numbers import ID_MAX
from forum.schemas.base import Input, TextRule, whole_number

# A page of the Awaiting approval tab, and what one form may carry (the forms' field cap
# is 100, a CSRF token and a few choices included).
BULK_MAX = 80
BULK_ACTIONS = ("approve", "reject")
CHOOSE_POSTS = "Choose at least one post: tick the box beside each one."
TOO_MANY = f"Choose at most {BULK_MAX} posts at a time."
CHOOSE_ACTION = "Choose whether to approve or reject them."
REASON_FOR_REJECTING = "Please write the reason: it is sent privately to each author."


def _refuse(kind: str, message: str) -> PydanticCustomError:
    return PydanticCustomError(f"forum.{kind}", message)


def _post_ids(value: Any) -> list[int]:
    values = value if isinstance(value, list) else [] if value in (None, "") else [value]
    if not values:
        raise _refuse("post_ids", CHOOSE_POSTS)
    if len(values) > BULK_MAX:
        raise _refuse("post_ids", TOO_MANY)
    ids: list[int] = []
    for item in values:
        number = whole_number(item, low=1, high=ID_MAX)
        if number is None:
            raise _refuse("post_ids", "Each post is chosen by its number, like 42.")
        if number not in ids:
            ids.append(number)
    return ids


def _action(value: Any) -> str:
    if value not in BULK_ACTIONS:
        raise _refuse("action", CHOOSE_ACTION)
    return str(value)


class BulkInput(Input):
    """Approve or reject these held posts (rejecting needs one reason, sent to each author)."""

    action: Annotated[str, BeforeValidator(_action), WithJsonSchema({"enum": list(BULK_ACTIONS)})]
    post_ids: Annotated[list[int], BeforeValidator(_post_ids),
                     WithJsonSchema({"type": "array", "items": {"type": "integer"},
                                     "minItems": 1, "maxItems": BULK_MAX})]
    reason: Annotated[str, TextRule("The reason", max_len=REASON_MAX, multiline=True)] = ""

    @model_validator(mode="after")
    def _reason_to_reject(self) -> BulkInput:
        if self.action == "reject" and not self.reason:
            raise _refuse("reason", REASON_FOR_REJECTING)
        return self
