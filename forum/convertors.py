"""Path convertors. `{name:int}` in a route matches at most 18 ASCII digits.

Starlette's own `int` convertor matches any run of digits and calls `int()` on it while
matching the route, before any of our code runs: a path with an id of 4,301 digits made
`int()` refuse it (Python's limit on digits converted) and the request a 500. Bounded here,
such a path matches no route and is an ordinary 404; `int_param` then bounds the value to
what an id column holds.
"""

from __future__ import annotations

from starlette.convertors import IntegerConvertor, register_url_convertor

ID_DIGITS_MAX = 18  # more than any id; far below int()'s 4,300-digit limit


class BoundedIntegerConvertor(IntegerConvertor):
    regex = f"[0-9]{{1,{ID_DIGITS_MAX}}}"


def register() -> None:
    """Replace `int` for every route built after this (forum.routes calls it first)."""
    register_url_convertor("int", BoundedIntegerConvertor())
