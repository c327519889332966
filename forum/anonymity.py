"""How a post's author appears to a given viewer — every surface goes through `author_view` —
and the sealed link between an anonymous post and its author.

An anonymous post has no ``author_id``. Its author is sealed in ``sealed_author`` with the
anonymity key (forum.sealing): the running app can open it to let the author edit and
delete, to notify them, and to apply a moderator's sanction; a copy of the database cannot.
Its pseudonym ("Anonymous Heron") comes from a keyed hash of (thread, author): stable for one
author in one thread, unrelated across threads, unique within a thread.

When the author shows their name on one of their anonymous posts, the pseudonym that post
carried is *retired* (see forum.actions.posting, ``_show_author_name``): its row keeps the
name reserved in the thread, but under a keyed "retired" tag instead of the author's, and
the author's next anonymous post there starts a new *generation* of their tag, so it draws a
fresh, unrelated pseudonym. The generation is counted from the retired rows themselves
(``retired_author_tag``), so nothing else is stored; without the key a retired tag looks
like any other.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from forum import sealing
from forum.models.accounts import User
from forum.numbers import ID_MAX, whole_number
from forum.read_models import AuthorFacts, PostFacts
from forum.sealed_side import sealed_side

AUTHOR_PURPOSE = "post-author"
NOTICE_PURPOSE = "notice-recipient"
PSEUDONYM_WORDS: tuple[str, ...] = tuple(
    line.strip() for line in (Path(__file__).parent / "data" / "pseudonyms.txt").read_text(
        "utf-8").splitlines() if line.strip() and not line.startswith("#"))


@dataclass(frozen=True)
class AuthorView:
    kind: str  # "member" | "anonymous" | "guest" | "former_member"
    name: str
    username: str | None = None
    is_op: bool = False
    is_you: bool = False  # only ever True on the author's own (private, no-store) pages

    def as_json(self) -> dict[str, Any]:
        if self.kind == "member":
            return {"kind": "member", "username": self.username, "display_name": self.name}
        if self.kind == "anonymous":
            return {"kind": "anonymous", "pseudonym": self.name, "is_op": self.is_op}
        if self.kind == "guest":
            return {"kind": "guest", "pseudonym": self.name}
        return {"kind": self.kind}


FORMER_MEMBER = AuthorView(kind="former_member", name="Former member")


def author_view(post: PostFacts, viewer: User | None) -> AuthorView:
    """The author as this viewer may see them. ``post.author`` must be fetched already."""
    if post.is_guest:
        return AuthorView(kind="guest", name=post.pseudonym)
    if post.is_anonymous:
        return AuthorView(kind="anonymous", name=post.pseudonym, is_op=post.is_op,
                          is_you=is_own_post(viewer, post))
    author: AuthorFacts | None = post.author
    if author is None:
        return FORMER_MEMBER
    return AuthorView(kind="member", name=author.shown_name, username=author.username)


def seal_author(user_id: int) -> str:
    return sealing.seal(str(user_id), AUTHOR_PURPOSE)


def sealed_author_id(post: PostFacts) -> int | None:
    """Who wrote an anonymous post, for the app's own use; None if the key cannot tell."""
    opened = sealing.unseal(post.sealed_author, AUTHOR_PURPOSE)
    return whole_number(opened, low=1, high=ID_MAX)


def author_id_of(post: PostFacts) -> int | None:
    """The account behind a post, named or anonymous (never for display)."""
    if post.is_anonymous:
        return sealed_author_id(post)
    return post.author_id


def is_own_post(viewer: User | None, post: PostFacts) -> bool:
    if viewer is None or post.is_guest:
        return False
    return author_id_of(post) == viewer.id


async def my_anonymous_post_ids(user: User) -> list[int]:
    """The member's own anonymous posts (and those they named since), oldest first: found
    by their keyed slots, read once per request (empty if the key cannot find them)."""
    return list((await sealed_side(user)).anonymous_post_ids)


def thread_author_tag(thread_id: int, user_id: int, generation: int = 0) -> str:
    """"This author in this thread" — a new value after each pseudonym they retired there."""
    if generation == 0:
        return sealing.tag("thread-author", thread_id, user_id)
    return sealing.tag("thread-author", thread_id, user_id, generation)


def retired_author_tag(thread_id: int, user_id: int, generation: int) -> str:
    """What a retired pseudonym's row carries instead of ``thread_author_tag``."""
    return sealing.tag("retired-thread-author", thread_id, user_id, generation)


def pseudonym_candidates(thread_id: int, author_tag: str, kind: str) -> list[str]:
    """Every pseudonym in the order this author tries them: the first free one is theirs."""
    start = int(sealing.tag("pseudonym", thread_id, author_tag), 16) % len(PSEUDONYM_WORDS)
    ordered = PSEUDONYM_WORDS[start:] + PSEUDONYM_WORDS[:start]
    names = [f"{kind} {word}" for word in ordered]
    return names + [f"{name} {n}" for n in range(2, 100) for name in names[:1]]


def choose_pseudonym(thread_id: int, author_tag: str, taken: set[str], kind: str) -> str:
    for name in pseudonym_candidates(thread_id, author_tag, kind):
        if name not in taken:
            return name
    raise RuntimeError("no pseudonym left in this thread")
