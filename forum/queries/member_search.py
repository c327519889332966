"""Finding a member for the moderators: by the start of their username (admins: or of
their email address), a page at a time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from tortoise.expressions import Q

from forum.models.accounts import User
from forum.queries.content import not_found
from forum.usernames import username_key

MEMBERS_PER_PAGE = 25
SEARCH_PREFIX_MAX = 30


@dataclass(frozen=True)
class MemberMatch:
    user: User
    email: str | None  # only for admins, and only if the member gave one
    limits: str  # what stands on the account itself ("" if nothing); sealed limits never


def _limits(user: User, now: datetime) -> str:
    if user.banned_at is not None:
        return "banned"
    if user.suspended_until is not None and user.suspended_until > now:
        return f"suspended until {user.suspended_until:%-d %b %Y}"
    if user.silenced_until is not None and user.silenced_until > now:
        return f"silenced until {user.silenced_until:%-d %b %Y}"
    return ""


@dataclass(frozen=True)
class MemberSearch:
    prefix: str
    members: list[MemberMatch]
    page: int
    pages: int
    total: int


async def search_members(prefix: str, page: int, *, with_email: bool) -> MemberSearch:
    """Members whose username starts with ``prefix`` (compared as sign-in compares names),
    oldest account first; an admin may also find a member by the start of their email."""
    key = username_key(prefix)[:SEARCH_PREFIX_MAX] if prefix else ""
    query = User.all()
    if key:
        by_name = Q(username_key__startswith=key)
        query = query.filter(by_name | Q(email__istartswith=prefix.strip()) if with_email
                             else by_name)
    total = await query.count()
    pages = max(1, -(-total // MEMBERS_PER_PAGE))
    if page > pages:
        raise not_found()
    users = await query.order_by("username_key").offset(
        (page - 1) * MEMBERS_PER_PAGE).limit(MEMBERS_PER_PAGE)
    now = datetime.now(UTC)
    return MemberSearch(prefix, [MemberMatch(u, u.email if with_email else None,
                                             _limits(u, now)) for u in users],
                        page, pages, total)
