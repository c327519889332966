"""The kept-fragment store is bounded by what it holds, and forgets the oldest first."""

import pytest

from forum.post_fragments import SizedLRU, _card_key


def test_the_store_drops_the_least_recently_used_once_past_its_size():
    store = SizedLRU(10, len)
    store.put("a", "xxxx")
    store.put("b", "yyyy")
    assert store.get("a") == "xxxx"  # now "b" is the oldest
    store.put("c", "zzzz")
    assert store.get("b") is None and store.get("a") == "xxxx" and store.get("c") == "zzzz"
    assert store.used == 8 and len(store) == 2


def test_an_entry_bigger_than_the_store_is_not_kept():
    store = SizedLRU(3, len)
    store.put("big", "abcdef")
    assert store.get("big") is None and store.used == 0


def test_a_card_entry_that_cannot_be_part_of_a_key_fails_loudly():
    with pytest.raises(TypeError):
        _card_key({"post": 1, "new_entry": [1, 2]})
    assert _card_key({"a": {"x": 1}, "b": {"y", "z"}}) == (("a", (("x", 1),)), ("b", ("y", "z")))
