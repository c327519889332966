"""Moderators look after the watched words: add, remove, and try a text against them."""

from __future__ import annotations

from forum import permissions
from forum.actions import moderation as mod
from forum.actions.context import Context
from forum.forms import FormInvalid
from forum.models.moderation import WatchedWord
from forum.queries.moderation import get_watched_word_or_404, watched_words_matcher
from forum.safety.words import WordMatch
from forum.schemas.moderation import WatchedWordInput, WordTestInput

ALREADY_WATCHED = "That word or phrase is already watched."


async def add_word(ctx: Context, form: WatchedWordInput) -> WatchedWord:
    """A duplicate is refused as a 409 (the page shows it beside the field) and not logged."""
    actor = permissions.ensure_moderator(ctx.viewer)
    word = await mod.add_watched_word(actor, form.pattern, form.action.value)
    if word is None:
        raise FormInvalid({"pattern": ALREADY_WATCHED}, form.model_dump(mode="json"),
                          status_code=409)
    return word


async def remove_word(ctx: Context, word_id: int) -> bool:
    actor = permissions.ensure_moderator(ctx.viewer)
    return await mod.remove_watched_word(actor, await get_watched_word_or_404(word_id))


async def try_words(ctx: Context, form: WordTestInput) -> list[WordMatch]:
    """What the watched words would catch in a text (nothing is stored or logged)."""
    permissions.ensure_moderator(ctx.viewer)
    return (await watched_words_matcher()).find(form.text)
