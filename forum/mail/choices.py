"""What a member can be emailed about, how often, and the defaults.

Each kind is `none` (no email), `soon` (batched: one email for what arrived within a few
minutes) or `digest` (one email a day). The defaults suit a support community: someone
answering *you* — a reply to your story or post, a mention, word from the moderators — is
worth hearing about soon, because that is when a person in pain is waiting for an answer;
replies in threads you merely follow come once a day, so the inbox does not become noise.
Moderators opt in to urgent-post alerts and to a daily summary of the queue (off by default:
not every moderator wants forum work in their inbox).
"""

from __future__ import annotations

from enum import StrEnum

from forum.models.accounts import Role, User
from forum.notice_recipients import FOR_ADMINS


class Cadence(StrEnum):
    NONE = "none"
    SOON = "soon"
    DIGEST = "digest"


CADENCE_LABELS = {Cadence.NONE: "No email", Cadence.SOON: "Soon (within a few minutes)",
                  Cadence.DIGEST: "In a daily digest"}

# kind -> (label, default cadence, the cadences a member may choose)
MEMBER_KINDS: dict[str, tuple[str, Cadence]] = {
    "reply_to_story": ("Replies to my stories", Cadence.SOON),
    "reply_to_post": ("Replies to my posts", Cadence.SOON),
    "mention": ("When someone mentions me with @", Cadence.SOON),
    "followed_thread": ("Replies in stories I follow", Cadence.DIGEST),
    "moderation": ("Messages from the moderators", Cadence.SOON),
}
URGENT_POST = "urgent_post"
QUEUE_SUMMARY = "queue_summary"
# Moderators only, opt-in: each urgent post at once ("soon"), the queue once a day.
MODERATOR_KINDS: dict[str, tuple[str, tuple[Cadence, ...]]] = {
    URGENT_POST: ("An email for each urgent post", (Cadence.NONE, Cadence.SOON)),
    QUEUE_SUMMARY: ("A daily summary of the moderation queue", (Cadence.NONE, Cadence.DIGEST)),
}
MEMBER_CADENCES = (Cadence.NONE, Cadence.SOON, Cadence.DIGEST)


def is_moderator(user: User) -> bool:
    return user.role in (Role.MODERATOR, Role.ADMIN)


def allowed(kind: str) -> tuple[Cadence, ...]:
    if kind in MEMBER_KINDS:
        return MEMBER_CADENCES
    if kind in MODERATOR_KINDS:
        return MODERATOR_KINDS[kind][1]
    return ()


def choice(user: User, kind: str) -> Cadence:
    """What the member chose for this kind, or its default."""
    default = MEMBER_KINDS[kind][1] if kind in MEMBER_KINDS else Cadence.NONE
    chosen = (user.mail_prefs or {}).get(kind, default.value)
    return Cadence(chosen) if chosen in allowed(kind) else default


def mail_kind(note_kind: str) -> str | None:
    """The email kind a notification belongs to; None for notes never emailed (the admins'
    sealed notes about author requests)."""
    if note_kind == FOR_ADMINS:
        return None
    return note_kind if note_kind in MEMBER_KINDS else "moderation"


def choices_of(user: User) -> dict[str, Cadence]:
    kinds = [*MEMBER_KINDS, *(MODERATOR_KINDS if is_moderator(user) else ())]
    return {kind: choice(user, kind) for kind in kinds}
