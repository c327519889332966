"""Phone and text numbers as a reader in the service's country writes them.

Formatting comes from libphonenumber's metadata (the `phonenumbers` package): `+18338526262`
reads `833-852-6262`, `0477131114` in Australia `0477 131 114`. Short numbers it cannot
format (988, 1737, 741741) keep their own shape, except the European harmonised 116 numbers
(`116 123`).
"""

from __future__ import annotations

import re

import phonenumbers

NANP = frozenset({"US", "CA", "PR"})  # written 833-852-6262 there
_HARMONISED = re.compile(r"^116[0-9]{3}$")


def digits(number: str) -> str:
    return re.sub(r"[^0-9+]", "", number)


def format_number(number: str, country: str) -> str:
    """`number` as people in `country` write it; unchanged when it cannot be read."""
    plain = digits(number)
    if _HARMONISED.match(plain):
        return f"{plain[:3]} {plain[3:]}"
    region = country if len(country) == 2 else None
    try:
        parsed = phonenumbers.parse(plain, region)
    except phonenumbers.NumberParseException:
        return number.strip()
    if not phonenumbers.is_valid_number(parsed):
        return number.strip()
    national = str(parsed.national_number)
    home = phonenumbers.region_code_for_number(parsed)
    if home in NANP and len(national) == 10:
        shown = f"{national[:3]}-{national[3:6]}-{national[6:]}"
    else:
        shown = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
    if region is not None and home != region and not (home in NANP and region in NANP):
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return shown
