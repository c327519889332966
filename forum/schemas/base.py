"""What every input schema shares: field types with kind messages, and one way to parse.

An HTML form and a JSON body are both turned into the same model by `parse_input`; a problem
becomes `FormInvalid` with one plain-language message per field and the values to put back
in the form, which the pages show beside the fields and the API answers as a 422 problem.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    ValidationError,
    WithJsonSchema,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, PydanticCustomError, core_schema

from forum.forms import CONTENT_WARNINGS, Checker, FormInvalid, _displayable
from forum.numbers import ID_MAX
from forum.numbers import whole_number as whole_number_text

SUBMISSION_ID = re.compile(r"[A-Za-z0-9_-]{16,64}")

M = TypeVar("M", bound="Input")


class Input(BaseModel):
    """Base of every input schema: immutable, unknown keys ignored (forms carry a CSRF token)."""

    model_config = ConfigDict(frozen=True, extra="ignore")


class Output(BaseModel):
    """Base of every output schema."""

    model_config = ConfigDict(frozen=True)


def parse_input(model: type[M], data: Mapping[str, Any]) -> M:
    """`data` (a form or a JSON object) -> `model`, or FormInvalid with a message per field."""
    values = dict(data)
    for name, info in model.model_fields.items():
        if info.is_required() and name not in values:
            values[name] = None  # the field's own validator words the "please write…" message
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        raise FormInvalid(field_errors(model, exc), _displayable(data)) from None


def field_errors(model: type[BaseModel], exc: ValidationError) -> dict[str, str]:
    errors: dict[str, str] = {}
    for error in exc.errors():
        name = str(error["loc"][0]) if error["loc"] else "form"
        if name in errors:
            continue
        if error["type"].startswith("forum."):
            errors[name] = error["msg"]
        else:
            info = model.model_fields.get(name)
            label = (info.title if info and info.title else name.replace("_", " ")).capitalize()
            errors[name] = f"{label} isn't something we can use. Please check it."
    return errors


def _fail(kind: str, message: str) -> PydanticCustomError:
    # Braces in a message would be read as placeholders by pydantic.
    return PydanticCustomError(f"forum.{kind}", message.replace("{", "(").replace("}", ")"))


@dataclass(frozen=True)
class TextRule:
    """A text field's rule, used as `Annotated[str, TextRule("Title", max_len=150)]`:
    unsafe characters refused, line breaks normalised, trimmed, then the length checked —
    with the same kind messages on the page and in the API, and the limits in the schema."""

    label: str
    max_len: int
    min_len: int = 0
    multiline: bool = False
    missing: str | None = None  # the message when nothing was written, if not the default

    def check(self, value: Any) -> str:
        checker = Checker({"value": value})
        text = checker.text("value", label=self.label, max_len=self.max_len,
                            min_len=self.min_len, multiline=self.multiline)
        if "value" in checker.errors:
            if self.missing and not text:
                raise _fail("missing", self.missing)
            raise _fail("text", checker.errors["value"])
        return text

    def __get_pydantic_core_schema__(self, source: Any,
                                     handler: GetCoreSchemaHandler) -> CoreSchema:
        return core_schema.no_info_before_validator_function(self.check, handler(source))

    def __get_pydantic_json_schema__(self, schema: CoreSchema,
                                     handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        shown: dict[str, Any] = {"type": "string", "title": self.label,
                                 "maxLength": self.max_len}
        if self.min_len:
            shown["minLength"] = self.min_len
        return shown


def _flag(value: Any) -> bool:
    if isinstance(value, str):
        return value.lower() in ("1", "true", "on", "yes")
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    raise _fail("flag", "Please answer yes or no.")


Flag = Annotated[bool, BeforeValidator(_flag), WithJsonSchema({"type": "boolean"})]


def whole_number(value: Any, *, low: int = 1, high: int = ID_MAX) -> int | None:
    """A whole number from a form (text) or JSON (a number), or None: text goes through
    `forum.numbers` (ASCII digits only); bools, fractions, inf and nan are refused."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        if not (math.isfinite(value) and value.is_integer()):
            return None
        value = int(value)
    if isinstance(value, int):
        return value if low <= value <= high else None
    if isinstance(value, str):
        return whole_number_text(value.strip(), low=low, high=high)
    return None


@dataclass(frozen=True)
class IdRule:
    """An optional reference to a row by id, used as `Annotated[int | None, IdRule(msg)]`."""

    message: str

    def check(self, value: Any) -> int | None:
        if value in (None, ""):
            return None
        number = whole_number(value)
        if number is None:
            raise _fail("id", self.message)
        return number

    def __get_pydantic_core_schema__(self, source: Any,
                                     handler: GetCoreSchemaHandler) -> CoreSchema:
        return core_schema.no_info_before_validator_function(self.check, handler(source))

    def __get_pydantic_json_schema__(self, schema: CoreSchema,
                                     handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        return {"type": ["integer", "null"], "minimum": 1, "maximum": ID_MAX}


def _submission_id(value: Any) -> str | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str) or not SUBMISSION_ID.fullmatch(value):
        raise _fail("submission_id", "This form is out of date. Please reload the page.")
    return value


SubmissionId = Annotated[
    str | None, BeforeValidator(_submission_id),
    WithJsonSchema({"type": ["string", "null"], "pattern": "^[A-Za-z0-9_-]{16,64}$"}),
]


def _content_warnings(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if (not isinstance(value, list | tuple) or not all(isinstance(w, str) for w in value)
            or any(w not in CONTENT_WARNINGS for w in value)):
        raise _fail("content_warnings", "Choose content warnings from the list.")
    return [w for w in CONTENT_WARNINGS if w in value]


check_content_warnings = _content_warnings

ContentWarnings = Annotated[
    list[str], BeforeValidator(_content_warnings),
    WithJsonSchema({"type": "array", "uniqueItems": True,
                    "items": {"type": "string", "enum": list(CONTENT_WARNINGS)}}),
]
