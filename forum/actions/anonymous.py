"""Writing the sealed side of anonymous posts: pseudonyms per thread, and the author's
keyed slot on each of their anonymous posts (forum.sealed_side)."""

from __future__ import annotations

from forum.actions.account_lock import held_sealed_side
from forum.anonymity import choose_pseudonym
from forum.models.accounts import User
from forum.models.content import Thread, ThreadPseudonym
from forum.sealed_side import owner_slot


async def pseudonym_in_thread(thread_id: int, author_tag: str, kind: str) -> str:
    """This author's pseudonym in this thread, choosing a free one the first time.

    Call inside the transaction that writes the post. The thread row is locked first
    (PostgreSQL; SQLite's write transaction is already exclusive), so two new authors in
    one thread cannot pick the same name.
    """
    await Thread.filter(id=thread_id).select_for_update().first()
    existing = await ThreadPseudonym.get_or_none(thread_id=thread_id, author_tag=author_tag)
    if existing is not None:
        return existing.pseudonym
    taken = {str(name) for name in await ThreadPseudonym.filter(
        thread_id=thread_id).values_list("pseudonym", flat=True)}
    name = choose_pseudonym(thread_id, author_tag, taken, kind)
    await ThreadPseudonym.create(thread_id=thread_id, author_tag=author_tag, pseudonym=name)
    return name


async def claim_owner_slot(user: User) -> str:
    """The author's next post slot, for the anonymous post being written (inside its
    transaction). The account is held, not its row written; an account deleted meanwhile
    refuses the post (401), so it cannot outlive the deletion."""
    side = await held_sealed_side(user)
    return owner_slot(user.id, side.next_post_slot)
