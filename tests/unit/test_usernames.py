import pytest

from forum.usernames import normalise, skeleton, username_key, username_problem


@pytest.mark.parametrize("name", ["admin", "ADMIN", "Adm1n", "аdmin", "a_d-m-i-n", "rnoderator",
                                  "Moderator", "anonymous", "Guest", "ＡＤＭＩＮ"])
def test_reserved_words_and_their_lookalikes_are_refused(name):
    assert username_problem(name) == "That name is kept for the site itself. Please choose another."


@pytest.mark.parametrize("name", ["wren", "Élodie", "night_owl-42", "ÅsaMay"])
def test_ordinary_names_are_accepted(name):
    assert username_problem(name) is None


@pytest.mark.parametrize(("name", "fragment"), [
    ("ab", "at least 3"),
    ("x" * 31, "at most 30"),
    ("hello world", "letters, digits"),
    ("semi;colon", "letters, digits"),
    ("invoice\u202egpj", "letters, digits"),
    ("zero\u200bwidth", "letters, digits"),
])
def test_bad_names_get_a_clear_reason(name, fragment):
    problem = username_problem(name)
    assert problem is not None and fragment in problem


def test_fullwidth_letters_are_normalised_with_nfkc():
    assert normalise("ｗｒｅｎ") == "wren"
    assert username_key("WREN") == username_key("wren") == "wren"


def test_lookalike_names_share_a_skeleton():
    assert skeleton("john") == skeleton("j0hn") == skeleton("JOHN") == skeleton("jоhn")
    assert skeleton("mary_ann") == skeleton("maryann")
    assert skeleton("wren") != skeleton("owl")
