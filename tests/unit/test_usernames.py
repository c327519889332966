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


def test_lookalikes_from_other_scripts_share_the_tr39_skeleton():
    assert skeleton("b\u0585b") == skeleton("bob")  # Armenian օ
    assert skeleton("\u13aadam") == skeleton("Adam")  # Cherokee Ꭺ
    assert skeleton("Anonymous Ember") == skeleton("anonymous   ember")
    assert skeleton("Anonymous Ember") == skeleton("anonym0us-ember")


@pytest.mark.parametrize(("name", "fragment"), [
    ("b\u0585b", "alphabets"),
    ("Zo\u00eb_\u03a9mega", "alphabets"),
    ("\u0299\u1d0f\u0299", "everyday letters"),
    ("\u13aa\u13f4\u13eb", "everyday letters"),
    ("bob\u3164", "invisible"),
    ("bob\u115f", "invisible"),
    ("bob\u1160", "invisible"),
    ("bob\uffa0", "invisible"),
])
def test_lookalike_letters_mixed_scripts_and_fillers_are_refused(name, fragment):
    problem = username_problem(name)
    assert problem is not None and fragment in problem


@pytest.mark.parametrize("name", ["Мария", "मीरा", "さくら", "田中さくら", "José", "Zoë"])
def test_names_written_in_one_script_are_accepted(name):
    assert username_problem(name) is None
