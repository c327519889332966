"""A JSON request body -> a dict we can store, or a clear refusal.

`json.loads` raises RecursionError (not ValueError) on about a thousand levels of nesting,
and PostgreSQL text cannot hold NUL, nor UTF-8 a lone surrogate: all three are refused here,
before any field is read.
"""

from __future__ import annotations

import json
import re
from typing import Any

from starlette.exceptions import HTTPException

from forum.forms import FormInvalid

JSON_DEPTH_MAX = 32  # levels of arrays and objects; our own bodies use two

NOT_JSON = "The request body is not valid JSON."
NOT_AN_OBJECT = "The request body must be a JSON object."
TOO_DEEP = (f"The request body is nested too deeply: at most {JSON_DEPTH_MAX} levels of "
            "arrays and objects are accepted.")
_SURROGATE = re.compile("[\ud800-\udfff]")
HAS_NUL = ("contains a NUL character (\\u0000), which can't be stored. Please remove it.")
HAS_SURROGATE = ("contains broken characters (an unpaired surrogate such as \\ud800). "
                 "Please retype it.")


def parse_json_object(body: bytes) -> dict[str, Any]:
    """The body as a JSON object; 400 when it is not one, 422 naming the fields that hold
    characters which cannot be stored."""
    try:
        data = json.loads(body) if body.strip() else {}
    except RecursionError as exc:
        raise HTTPException(400, TOO_DEEP) from exc
    except ValueError as exc:  # UnicodeDecodeError and JSONDecodeError included
        raise HTTPException(400, NOT_JSON) from exc
    if not isinstance(data, dict):
        raise HTTPException(400, NOT_AN_OBJECT)
    if _depth(data) > JSON_DEPTH_MAX:
        raise HTTPException(400, TOO_DEEP)
    errors: dict[str, str] = {}
    for key, value in data.items():
        problem = _unstorable(key) or _unstorable_within(value)
        if problem:
            errors[_shown(key)] = f"“{_shown(key)}” {problem}"
    if errors:
        raise FormInvalid(errors, {})
    return data


def _depth(value: Any) -> int:
    """How many arrays and objects deep `value` goes, without recursion."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            item = list(item.values())
        if isinstance(item, list):
            deepest = max(deepest, level)
            if level <= JSON_DEPTH_MAX:
                stack.extend((child, level + 1) for child in item)
    return deepest


def _unstorable_within(value: Any) -> str | None:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if problem := _unstorable(item):
                return problem
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return None


def _unstorable(text: str) -> str | None:
    if "\x00" in text:
        return HAS_NUL
    if _SURROGATE.search(text):
        return HAS_SURROGATE
    return None


def _shown(key: str) -> str:
    """A field name that can be sent back: what cannot be stored cannot be echoed either."""
    return _SURROGATE.sub("\ufffd", key.replace("\x00", "\ufffd"))
