"""The input schemas that the page forms and the JSON API share: what they keep, what they
refuse, and the kind message per field."""

import pytest

from forum.forms import FormInvalid, parse_page
from forum.schemas.accounts import SignUpIn
from forum.schemas.base import parse_input, whole_number
from forum.schemas.posting import ReplyEditIn, ReplyIn, StoryEditIn, StoryIn


def story(**changes):
    data = {"category": "small-wins", "title": "A title", "body": "A body"}
    data.update(changes)
    return data


def test_a_valid_story_is_trimmed_and_keeps_chosen_warnings_in_list_order():
    form = parse_input(StoryIn, story(title="  Spaced  ", content_warnings=["violence", "suicide"]))
    assert form.title == "Spaced"
    assert form.content_warnings == ["suicide", "violence"]


@pytest.mark.parametrize(("changes", "field", "fragment"), [
    ({"title": "x" * 151}, "title", "at most 150"),
    ({"title": "   "}, "title", "Please write"),
    ({"body": "y" * 40_001}, "body", "at most 40,000"),
    ({"body": "bad\x00byte"}, "body", "NUL"),
    ({"body": "lone \ud800 surrogate"}, "body", "surrogate"),
    ({"title": "two\nlines"}, "title", "one line"),
    ({"title": "not\uffffa character"}, "title", "U+FFFF"),
    ({"content_warnings": ["not-a-warning"]}, "content_warnings", "from the list"),
    ({"title": 42}, "title", "must be text"),
    ({"category": None}, "category", "Choose where"),
    ({"anonymous": [1]}, "anonymous", "yes or no"),
    ({"submission_id": "short"}, "submission_id", "out of date"),
])
def test_story_problems_are_reported_per_field(changes, field, fragment):
    with pytest.raises(FormInvalid) as caught:
        parse_input(StoryIn, story(**changes))
    assert fragment in caught.value.errors[field]


def test_a_form_with_nothing_in_it_names_every_missing_field_kindly():
    with pytest.raises(FormInvalid) as caught:
        parse_input(StoryIn, {})
    assert caught.value.errors == {"category": "Choose where your story belongs.",
                                   "title": "Please write title.",
                                   "body": "Please write your story."}


def test_invalid_form_keeps_what_was_typed_except_secrets():
    with pytest.raises(FormInvalid) as caught:
        parse_input(SignUpIn, {"username": "ab", "password": "short", "email": "x@y.org",
                               "csrf_token": "t"})
    assert caught.value.values == {"username": "ab", "email": "x@y.org"}


def test_bidi_override_characters_are_removed_from_titles():
    assert parse_input(StoryIn, story(title="invoice\u202egpj.exe")).title == "invoicegpj.exe"


@pytest.mark.parametrize("reply_to", ["abc", "²", "①", "１", True, 1.5, float("inf"),
                                      float("nan"), 0, -3, 2**31, "9" * 5000, [7], {"id": 7}])
def test_a_reply_to_that_is_not_a_post_id_is_refused_kindly(reply_to):
    with pytest.raises(FormInvalid) as caught:
        parse_input(ReplyIn, {"body": "ok", "reply_to": reply_to})
    assert caught.value.errors == {"reply_to": "That post could not be found."}


def test_reply_limits_and_reply_to():
    assert parse_input(ReplyIn, {"body": "ok", "reply_to": "7"}).reply_to == 7
    assert parse_input(ReplyIn, {"body": "ok", "reply_to": 7.0}).reply_to == 7
    assert parse_input(ReplyIn, {"body": "ok", "reply_to": ""}).reply_to is None
    with pytest.raises(FormInvalid):
        parse_input(ReplyIn, {"body": "z" * 10_001})


def test_edits_of_replies_have_no_title_and_story_edits_may_leave_it_out():
    assert not hasattr(parse_input(ReplyEditIn, {"body": "new", "title": "T"}), "title")
    assert parse_input(StoryEditIn, {"body": "new"}).title is None
    assert parse_input(StoryEditIn, {"body": "new", "title": "T"}).title == "T"


@pytest.mark.parametrize(("value", "number"), [
    ("12", 12), (" 12 ", 12), (12, 12), (12.0, 12), ("0", None), ("²", None), ("1e3", None),
    (True, None), (float("inf"), None), (None, None), ("9" * 19, None)])
def test_whole_numbers_are_ascii_digits_or_whole_json_numbers(value, number):
    assert whole_number(value) == number


@pytest.mark.parametrize(("raw", "page"), [(None, 1), ("", 1), ("3", 3), ("0", None),
                                           ("-1", None), ("abc", None), ("9999999", None),
                                           ("²", None)])
def test_page_numbers(raw, page):
    assert parse_page(raw) == page
