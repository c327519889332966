"""What the shipped directory covers, country by topic (`pytest -s` prints the table), and the
emergency table checked against a source it was not written from: libphonenumber's list of
each region's emergency numbers (ShortNumberMetadata, shipped in the phonenumbers package)."""

from __future__ import annotations

import json
import re

import phonenumbers

from forum.safety.resources import (
    EMERGENCY,
    EMERGENCY_FILE,
    INTL,
    SHIPPED,
    SHIPPED_FILE,
    country_name,
)

MUST_HAVE_EMERGENCY = ("DE", "MX", "ZA", "SG", "CA", "US", "GB", "IE", "AU", "NZ", "IN")
# What the verified facts say (the shared notes' "Local emergency numbers" line).
VERIFIED_EMERGENCY = {"US": "911", "CA": "911", "GB": "999", "IE": "112", "AU": "000",
                      "NZ": "111", "IN": "112", "DE": "112", "FR": "112", "ES": "112"}


def coverage() -> dict[str, dict[str, int]]:
    table: dict[str, dict[str, int]] = {}
    for entry in SHIPPED.resources:
        if entry.get("enabled", True):
            row = table.setdefault(entry["country"], dict.fromkeys(SHIPPED.topics, 0))
            for topic in entry["topics"]:
                row[topic] += 1
    return table


def test_print_the_directorys_coverage_by_country_and_topic():
    table = coverage()
    topics = list(SHIPPED.topics)
    countries = sorted({*table, *EMERGENCY} - {INTL}, key=country_name)
    width = 9  # topic names cut to fit
    print("\nHelplines shipped and enabled, by country and topic (. = none); E = emergency number")
    print(f"{'':24} E  " + " ".join(t[:width].rjust(width) for t in topics))
    for code in [INTL, *countries]:
        row = table.get(code, {})
        cells = " ".join(str(row.get(t, 0) or ".").rjust(width) for t in topics)
        mark = "E" if code in EMERGENCY else "-"
        print(f"{code} {country_name(code)[:21]:21} {mark}  {cells}")
    with_lines = [c for c in countries if c in table]
    print(f"{len(countries)} countries; {len(with_lines)} with helplines; "
          f"{len(EMERGENCY)} with emergency numbers")
    gaps = [f"{c}:{t}" for c in with_lines for t in topics if not table[c][t]]
    print("Gaps where a country has helplines:", ", ".join(gaps))
    assert table[INTL]["crisis"] >= 1
    assert "lgbtq" in SHIPPED.topics and "sexual_violence" in SHIPPED.topics


def test_the_named_countries_have_an_emergency_number():
    for code in MUST_HAVE_EMERGENCY:
        assert code in EMERGENCY and EMERGENCY[code].main, code
    # every country with helplines has one too: /help never says only "your local number"
    assert set(coverage()) - {INTL} <= set(EMERGENCY)


def test_the_table_covers_sixty_countries_and_says_how_it_was_compiled():
    raw = json.loads(EMERGENCY_FILE.read_text("utf-8"))
    assert len(EMERGENCY) >= 60
    assert raw["compiled"] == "2026-12-02" and "2026-12-02" in raw["about"]
    assert "libphonenumber" in raw["about"] and "could not be consulted" in raw["about"]
    for code, numbers in EMERGENCY.items():
        assert re.fullmatch("[A-Z]{2}", code) and numbers.source.startswith("https://"), code


def test_every_emergency_number_is_one_libphonenumber_knows_for_that_country():
    wrong = []
    for code, numbers in EMERGENCY.items():
        said = [n for n in (numbers.general, numbers.police, numbers.ambulance, numbers.fire)
                if n]
        said += re.findall(r"\b[0-9]{2,5}\b", numbers.note or "")
        wrong += [(code, n) for n in said if not phonenumbers.is_emergency_number(n, code)]
    assert wrong == []


def test_the_emergency_table_agrees_with_the_verified_facts():
    for code, number in VERIFIED_EMERGENCY.items():
        assert EMERGENCY[code].main == number, code


def test_every_shipped_entry_was_verified_on_a_day_the_notes_give():
    """No entry claims to be checked today: the directory's facts were verified 2026-11-26."""
    raw = json.loads(SHIPPED_FILE.read_text("utf-8"))
    assert {e["last_verified"] for e in raw["resources"]} == {"2026-11-26"}
