"""Which helplines come first for what someone wrote: the topics noticed, and the order."""

from __future__ import annotations

import pytest

from forum.safety.care_topics import order_by_need, topics_noticed


@pytest.mark.parametrize(("text", "first"), [
    ("Grief is eating me alive since my dad passed away, and the bottle of wine helps.",
     "bereavement"),
    ("I'm three weeks postpartum and I cry all day.", "maternal"),
    ("He threatens me every night and I'm not safe at home.", "violence"),
    ("I'm 14 and my teacher keeps shouting at me.", "youth"),
    ("I came out to my family as trans and they stopped talking to me.", "lgbtq"),
    ("I was sexually assaulted at a party.", "sexual_violence"),
    ("Relapsed again after two years, I'm drinking every day.", "substance"),
])
def test_each_topic_is_noticed_in_plain_words(text, first):
    assert topics_noticed(text)[0] == first


@pytest.mark.parametrize(("text", "topics"), [
    ("I'm 15 years sober today and proud of it.", ["substance"]),  # an age, not a teenager
    ("Lovely walk with the dog this morning.", []),
])
def test_words_name_only_the_topics_they_touch(text, topics):
    assert topics_noticed(text) == topics


def test_urgent_words_about_oneself_put_crisis_lines_first_whatever_else_they_touch():
    assert topics_noticed("My mum died and I'm going to kill myself tonight.")[0] == "crisis"


def test_ordering_keeps_every_line_and_only_moves_them():
    lines = [("988", ["crisis"]), ("maternal", ["maternal"]), ("dv", ["violence"]),
             ("samhsa", ["substance"])]
    ordered = order_by_need(lines, ["bereavement", "substance"], lambda line: line[1])
    assert [name for name, _ in ordered] == ["988", "samhsa", "maternal", "dv"]
    assert order_by_need(lines, [], lambda line: line[1]) == lines
