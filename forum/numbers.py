"""Whole numbers typed by people: ASCII digits only, within bounds.

`str.isdigit()` is true for '²', '①' and '１', which `int()` then refuses, and `int()` refuses
strings longer than 4,300 digits too; both once turned a mistyped page number into a crash.
"""

from __future__ import annotations

import re

ID_MAX = 2**31 - 1  # the largest id an integer column holds
_DIGITS_MAX = 18  # longer than any bound we use, and far below int()'s own limit
_WHOLE_NUMBER = re.compile(f"[0-9]{{1,{_DIGITS_MAX}}}")


def whole_number(text: object, *, low: int, high: int) -> int | None:
    """`text` as an int when it is ASCII digits from `low` to `high`; otherwise None."""
    if not isinstance(text, str) or not _WHOLE_NUMBER.fullmatch(text):
        return None
    number = int(text)
    return number if low <= number <= high else None
