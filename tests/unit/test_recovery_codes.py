"""Recovery codes as a person reads and types them: readable groups, enough randomness, and
typing slips forgiven (case, spaces, hyphens, o/i/l) without accepting what cannot be one."""

from __future__ import annotations

import math
import re

import pytest

from forum.recovery_codes import ALPHABET, CODE_COUNT, code_hash, new_codes, normalise_code


def test_a_set_is_ten_different_codes_in_three_groups_of_four():
    codes = new_codes()
    assert len(codes) == CODE_COUNT == len(set(codes))
    assert all(re.fullmatch(r"[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}", code) for code in codes)
    assert 12 * math.log2(len(ALPHABET)) >= 60  # bits per code
    assert not set("ilou") & set("".join(codes))


@pytest.mark.parametrize("typed", ["7K2M-Q9XD-4TNB", " 7k2m q9xd 4tnb ", "7k2mq9xd4tnb",
                                   "7k2m\t-q9xd-4tnb"])
def test_case_spaces_and_hyphens_do_not_matter(typed):
    assert normalise_code(typed) == "7k2mq9xd4tnb"


def test_letters_people_misread_count_as_the_digits_they_look_like():
    assert normalise_code("oooo-iiii-llll") == "000011111111"


@pytest.mark.parametrize("typed", ["", "7k2m-q9xd", "7k2m-q9xd-4tnb-x", "7k2m-q9xd-4tn!",
                                   "uuuu-uuuu-uuuu", "７k2m-q9xd-4tnb", "\x007k2m-q9xd-4tnb"])
def test_what_cannot_be_a_code_is_refused(typed):
    assert normalise_code(typed) is None


def test_the_stored_form_depends_on_the_key_and_the_account():
    assert code_hash("key", 1, "abc") != code_hash("other key", 1, "abc")
    assert code_hash("key", 1, "abc") != code_hash("key", 2, "abc")
    assert "abc" not in code_hash("key", 1, "abc")
