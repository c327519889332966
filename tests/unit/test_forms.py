import pytest

from forum.forms import (
    FormInvalid,
    parse_edit,
    parse_page,
    parse_reply,
    parse_signup,
    parse_story,
)


def story(**changes):
    data = {"category": "small-wins", "title": "A title", "body": "A body"}
    data.update(changes)
    return data


def test_a_valid_story_is_trimmed_and_keeps_chosen_warnings_in_list_order():
    form = parse_story(story(title="  Spaced  ", content_warnings=["violence", "suicide"]))
    assert form.title == "Spaced"
    assert form.content_warnings == ["suicide", "violence"]


@pytest.mark.parametrize(("changes", "field", "fragment"), [
    ({"title": "x" * 151}, "title", "at most 150"),
    ({"title": "   "}, "title", "Please write"),
    ({"body": "y" * 40_001}, "body", "at most 40,000"),
    ({"body": "bad\x00byte"}, "body", "NUL"),
    ({"body": "lone \ud800 surrogate"}, "body", "surrogate"),
    ({"title": "two\nlines"}, "title", "one line"),
    ({"content_warnings": ["not-a-warning"]}, "content_warnings", "from the list"),
    ({"title": 42}, "title", "must be text"),
])
def test_story_problems_are_reported_per_field(changes, field, fragment):
    with pytest.raises(FormInvalid) as caught:
        parse_story(story(**changes))
    assert fragment in caught.value.errors[field]


def test_invalid_form_keeps_what_was_typed_except_secrets():
    with pytest.raises(FormInvalid) as caught:
        parse_signup({"username": "ab", "password": "short", "email": "x@y.org",
                      "csrf_token": "t"})
    assert caught.value.values == {"username": "ab", "email": "x@y.org"}


def test_bidi_override_characters_are_removed_from_titles():
    assert parse_story(story(title="invoice\u202egpj.exe")).title == "invoicegpj.exe"


def test_reply_limits_and_reply_to():
    assert parse_reply({"body": "ok", "reply_to": "7"}).reply_to == 7
    with pytest.raises(FormInvalid):
        parse_reply({"body": "z" * 10_001})
    with pytest.raises(FormInvalid):
        parse_reply({"body": "ok", "reply_to": "abc"})


def test_edits_of_replies_have_no_title():
    assert parse_edit({"body": "new"}, is_story=False).title is None
    assert parse_edit({"body": "new", "title": "T"}, is_story=True).title == "T"


@pytest.mark.parametrize(("raw", "page"), [(None, 1), ("", 1), ("3", 3), ("0", None),
                                           ("-1", None), ("abc", None), ("9999999", None)])
def test_page_numbers(raw, page):
    assert parse_page(raw) == page
