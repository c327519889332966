"""Writing the sealed side of anonymous posts: pseudonyms per thread and each member's
sealed list of their own anonymous posts."""

from __future__ import annotations

from forum import sealing
from forum.actions.account_lock import lock_account
from forum.anonymity import MY_POSTS_PURPOSE, choose_pseudonym, my_anonymous_post_ids
from forum.models.accounts import User
from forum.models.content import Thread, ThreadPseudonym


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


async def remember_anonymous_post(user: User, post_id: int) -> None:
    """Add a post to the member's sealed list (inside the post's transaction). An account
    deleted meanwhile refuses the post (401), so it cannot outlive the deletion."""
    fresh = await lock_account(user)
    ids = [*my_anonymous_post_ids(fresh), post_id]
    sealed = sealing.seal(",".join(map(str, ids)), f"{MY_POSTS_PURPOSE}:{user.id}")
    await User.filter(id=user.id).update(sealed_anonymous_posts=sealed)
    user.sealed_anonymous_posts = sealed
