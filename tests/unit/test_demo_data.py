from forum.actions.setup import DEFAULT_CATEGORIES
from forum.demo import load_demo_data
from forum.schemas.base import parse_input
from forum.schemas.posting import ReplyIn, StoryIn
from forum.usernames import username_problem


def test_demo_content_passes_the_same_rules_as_real_posts():
    data = load_demo_data()
    members = {m["username"] for m in data["members"]}
    assert all(username_problem(name) is None for name in members)
    for story in data["stories"]:
        parse_input(StoryIn, {"category": story["category"], "title": story["title"],
                              "body": story["body"],
                              "content_warnings": story["content_warnings"]})
        assert story["author"] in members
        for reply in story["replies"]:
            parse_input(ReplyIn, {"body": reply["body"]})
            assert reply["author"] in members


def test_demo_content_covers_every_category_and_has_one_long_story():
    data = load_demo_data()
    assert {s["category"] for s in data["stories"]} == {slug for slug, _, _ in DEFAULT_CATEGORIES}
    long_ones = [s for s in data["stories"] if len(s["body"].split()) >= 1000]
    assert long_ones and len(long_ones[0]["replies"]) >= 5
