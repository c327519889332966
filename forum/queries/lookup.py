"""Can a value typed into an address even name a row? Then look it up; if not, it's a 404.

Tortoise refuses filter values longer than their column (ValidationError) and PostgreSQL
text cannot hold NUL, so a lookup with such a value would crash instead of finding nothing.
"""

from __future__ import annotations

from tortoise.fields import CharField
from tortoise.models import Model


def could_match(value: str, model: type[Model], field: str) -> bool:
    """True when `value` fits `model.field`, so looking it up can find a row (or none)."""
    if "\x00" in value:
        return False
    column = model._meta.fields_map[field]
    return not isinstance(column, CharField) or len(value) <= column.max_length
