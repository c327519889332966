"""How a post's author appears to a given viewer. Every surface goes through `author_view`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from forum.models.accounts import User
from forum.models.content import Post


@dataclass(frozen=True)
class AuthorView:
    kind: str  # "member" | "former_member" (anonymous and guest authors come later)
    name: str
    username: str | None = None
    profile_path: str | None = None

    def as_json(self) -> dict[str, Any]:
        if self.kind == "member":
            return {"kind": "member", "username": self.username, "display_name": self.name}
        return {"kind": self.kind}


FORMER_MEMBER = AuthorView(kind="former_member", name="Former member")


def author_view(post: Post, viewer: User | None) -> AuthorView:
    """The author as this viewer may see them. ``post.author`` must be fetched already."""
    author: User | None = post.author
    if author is None:
        return FORMER_MEMBER
    return AuthorView(
        kind="member",
        name=author.shown_name,
        username=author.username,
        profile_path=None,
    )
