"""An admin's crisis resource entry, as the form and any client send it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

from forum.safety.resources import SHIPPED
from forum.schemas.base import Flag, Input, TextRule

URL_MAX = 300
_PHONE = re.compile(r"^\+?[0-9 ()-]{2,30}$")
_COUNTRY = re.compile(r"[A-Z]{2}")


def _refuse(kind: str, message: str) -> PydanticCustomError:
    return PydanticCustomError(f"forum.{kind}", message)


@dataclass(frozen=True)
class Https:
    """An optional link that must be https (empty -> None)."""

    label: str

    def __call__(self, value: str) -> str | None:
        if value and not value.startswith("https://"):
            raise _refuse("url", f"{self.label} must start with https://")
        return value or None


def _phone(value: str) -> str | None:
    if value and not _PHONE.match(value):
        raise _refuse("phone", "Use digits, spaces and an optional leading +.")
    return value or None


def _country(value: str) -> str:
    country = value.upper()
    if country not in SHIPPED.countries and not _COUNTRY.fullmatch(country):
        raise _refuse("country", "Use a two-letter country code, or INTL.")
    return country


def _topics(value: Any) -> list[str]:
    chosen = ([str(v) for v in value] if isinstance(value, list | tuple)
              else [str(value)] if value else [])
    topics = [t for t in SHIPPED.topics if t in chosen]
    if not topics:
        raise _refuse("topics", "Choose at least one topic.")
    return topics


def _languages(value: Any) -> list[str]:
    if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        value = ", ".join(value)
    text = TextRule("Languages", max_len=60).check(value)
    return [x.strip() for x in text.split(",") if x.strip()]


def _today() -> date:
    return datetime.now(UTC).date()


def _verified(value: Any) -> date:
    if value is None or (isinstance(value, str) and not value.strip()):
        return _today()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value.strip()) if isinstance(value, str) else _not_a_date()
    except ValueError:
        raise _refuse("last_verified", "Use a date like 2026-11-26.") from None


def _not_a_date() -> date:
    raise ValueError("not a date")


def _text_or_none(value: str) -> str | None:
    return value or None


class ResourceInput(Input):
    name: Annotated[str, TextRule("Name", max_len=120, min_len=1)]
    country: Annotated[str, TextRule("Country", max_len=4), AfterValidator(_country)]
    topics: Annotated[list[str], BeforeValidator(_topics),
                      WithJsonSchema({"type": "array", "minItems": 1,
                                      "items": {"enum": list(SHIPPED.topics)}})]
    description: Annotated[str, TextRule("Description", max_len=300)] = ""
    phone: Annotated[str | None, TextRule("Phone", max_len=30), AfterValidator(_phone)] = None
    phone_display: Annotated[str | None, TextRule("Phone as shown", max_len=60),
                             AfterValidator(_text_or_none)] = None
    text_number: Annotated[str | None, TextRule("Text number", max_len=30),
                           AfterValidator(_phone)] = None
    text_keyword: Annotated[str | None, TextRule("Keyword", max_len=30),
                            AfterValidator(_text_or_none)] = None
    chat_url: Annotated[str | None, TextRule("Chat link", max_len=URL_MAX),
                        AfterValidator(Https("Chat link"))] = None
    website: Annotated[str | None, TextRule("Website", max_len=URL_MAX),
                       AfterValidator(Https("Website"))] = None
    hours: Annotated[str, TextRule("Hours", max_len=80)] = ""
    languages: Annotated[list[str], BeforeValidator(_languages),
                         WithJsonSchema({"type": "string", "maxLength": 60})] = []
    source: Annotated[str, TextRule("Source", max_len=URL_MAX, min_len=1),
                      AfterValidator(Https("Source"))]
    last_verified: Annotated[date, BeforeValidator(_verified),
                             WithJsonSchema({"type": "string", "format": "date"})] = Field(
        default_factory=_today)
    enabled: Flag = False

    def values(self) -> dict[str, Any]:
        """The columns to store."""
        return self.model_dump()


class EnableInput(Input):
    enabled: Flag = False

