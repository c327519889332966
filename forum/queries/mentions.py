"""Which members a text's `@name`s name: what `render_markdown` may turn into links."""

from __future__ import annotations

from forum.markup import mentioned_names
from forum.models.accounts import User


async def mentioned_members(text: str) -> dict[str, str]:
    """`username_key` -> username of every existing member the text mentions (one query,
    none when it mentions nobody)."""
    keys = mentioned_names(text)
    if not keys:
        return {}
    found = await User.filter(username_key__in=keys).values_list("username_key", "username")
    return {str(key): str(name) for key, name in found}
