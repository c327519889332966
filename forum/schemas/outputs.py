"""What the JSON API answers: one model per shape, from which the OpenAPI document is built.

Every model refuses unknown keys, so a field a handler adds without describing it here makes
the schemathesis run fail instead of drifting quietly. Authors are a union keyed by `kind`:
an anonymous or guest author never carries a username or an id.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from forum.models.accounts import Role
from forum.models.community import ReactionKind
from forum.models.content import PostStatus
from forum.models.moderation import ReportOutcome, ReportReason
from forum.queries.moderation import QueueTab
from forum.safety.crisis import CrisisLevel
from forum.safety.words import WordAction

Timestamp = Annotated[str, Field(json_schema_extra={"format": "date-time"},
                                 description="ISO 8601, UTC")]
Count = Annotated[int, Field(ge=0)]
Id = Annotated[int, Field(ge=1)]


class Shape(BaseModel):
    """Base of every output shape: immutable and closed."""

    model_config = ConfigDict(frozen=True, extra="forbid")


# --- problems (RFC 9457) -------------------------------------------------------------------

class Problem(Shape):
    """An error: `type` is a stable address per kind of problem, `detail` says what to do."""

    model_config = ConfigDict(frozen=True, extra="allow")

    type: str
    title: str
    status: Annotated[int, Field(ge=400, le=599)]
    detail: str
    errors: dict[str, str] | None = Field(
        default=None, description="422: one plain-language message per field")


# --- accounts ------------------------------------------------------------------------------

class Account(Shape):
    username: str
    display_name: str
    bio: str
    email: str | None
    email_verified: bool = Field(description="only a verified address is used (for resets)")
    country: str | None
    expand_warnings: bool
    role: Role
    created_at: Timestamp


class NewAccount(Account):
    recovery_codes: list[str] = Field(
        description="ten one-time codes for setting a new password without email: shown "
                    "this once, never again")


class RecoveryCodes(Shape):
    recovery_codes: list[str] = Field(description="ten new one-time codes; the old set "
                                                  "stops working")


class ResetAsked(Shape):
    detail: str = Field(description="the same for every address, known or not")


class PasswordReset(Shape):
    username: str = Field(description="the account whose password is now set; every "
                                      "session and token of it has ended")


class Token(Shape):
    token: str
    token_type: Literal["Bearer"]


class AccountDeleted(Shape):
    deleted: Literal[True]
    posts_removed: Count
    posts_kept: Count


class ProfilePost(Shape):
    id: Id
    story_id: Id
    is_story: bool
    story_title: str
    created_at: Timestamp
    url: str


class Profile(Shape):
    """A member's public profile: never their anonymous posts."""

    username: str
    display_name: str
    bio: str
    joined: Timestamp
    activity_hidden: bool
    reactions_received: dict[str, Count] = Field(description="by kind of reaction")
    posts: list[ProfilePost]


class Export(BaseModel):
    """Everything the member wrote and chose (an open object: its sections grow)."""

    model_config = ConfigDict(frozen=True, extra="allow")


# --- authors: what a viewer may know about who wrote a post -------------------------------

class MemberAuthor(Shape):
    kind: Literal["member"]
    username: str
    display_name: str


class AnonymousAuthor(Shape):
    kind: Literal["anonymous"]
    pseudonym: str = Field(description="the same in one thread, different in every other")
    is_op: bool = Field(description="whether this is the story's own (anonymous) writer")


class GuestAuthor(Shape):
    kind: Literal["guest"]
    pseudonym: str


class FormerMemberAuthor(Shape):
    kind: Literal["former_member"]


Author = Annotated[MemberAuthor | AnonymousAuthor | GuestAuthor | FormerMemberAuthor,
                   Field(discriminator="kind")]


# --- content -------------------------------------------------------------------------------

class Category(Shape):
    slug: str
    name: str
    description: str
    allow_anonymous: bool
    allow_guests: bool


class CategoryList(Shape):
    categories: list[Category]


class Post(Shape):
    id: Id
    story_id: Id
    author: Author
    body: str | None = Field(description="Markdown; null when hidden from this viewer")
    body_html: str | None
    hidden_reason: str | None = Field(description="the moderator's public reason, if hidden")
    status: PostStatus
    reply_to: Id | None
    created_at: Timestamp
    edited: bool
    edited_at: Timestamp | None
    url: str


class Story(Shape):
    id: Id
    title: str
    category: str = Field(description="the category's slug")
    content_warnings: list[str]
    content_warning_note: str
    is_locked: bool
    is_pinned: bool
    reply_count: Count
    last_post_at: Timestamp
    post: Post = Field(description="the story's first post")
    url: str


class Page(Shape):
    page: Annotated[int, Field(ge=1)]
    pages: Annotated[int, Field(ge=1)]
    per_page: Annotated[int, Field(ge=1)]
    total: Count


class StoryList(Page):
    stories: list[Story]


class StoryPage(Story):
    """A story with one page of its replies (a fixed page size, so permalinks stay put)."""

    replies: list[Post]
    page: Annotated[int, Field(ge=1)]
    pages: Annotated[int, Field(ge=1)]
    per_page: Annotated[int, Field(ge=1)]
    reply_total: Count
    total: Count


# --- care ----------------------------------------------------------------------------------

class Resource(Shape):
    name: str
    country: str
    topics: list[str]
    description: str
    phone: str | None
    phone_display: str | None
    text: str | None
    text_display: str | None = Field(
        description="the text number as people in its country write it")
    text_keyword: str | None
    chat_url: str | None
    website: str | None
    hours: str
    languages: list[str]
    source: str
    last_verified: Annotated[str, Field(json_schema_extra={"format": "date"})]


class Help(Shape):
    country: str
    emergency_number: str | None
    resources: list[Resource]


class Crisis(Shape):
    """What crisis-language detection found, with help for the writer's region unless none."""

    level: CrisisLevel
    resources: list[Resource]


class PostedStory(Story):
    crisis: Crisis


class GuestPostedStory(PostedStory):
    manage_token: str = Field(description="shown once: send it as X-Manage-Token to edit or "
                                          "delete this post")


ALREADY_RECEIVED = "a repeat of a guest's post: its manage token was shown once, when first sent"


class GuestRepeatedStory(PostedStory):
    notice: str = Field(description=ALREADY_RECEIVED)


class PostedReply(Post):
    crisis: Crisis


class GuestPostedReply(PostedReply):
    manage_token: str = Field(description="shown once: send it as X-Manage-Token to edit or "
                                          "delete this post")


class GuestRepeatedReply(PostedReply):
    notice: str = Field(description=ALREADY_RECEIVED)


# --- community -----------------------------------------------------------------------------

class Reactions(Shape):
    changed: bool
    counts: dict[str, Count]
    mine: list[ReactionKind]


class Following(Shape):
    following: bool
    changed: bool


class Notification(Shape):
    kind: str
    message: str
    link: str | None
    created_at: Timestamp
    read: bool


class NotificationPage(Shape):
    notifications: list[Notification]
    unread: Count
    total: Count
    page: Annotated[int, Field(ge=1)]
    per_page: Annotated[int, Field(ge=1)]


class MarkedRead(Shape):
    marked_read: Count


class SearchHit(Shape):
    """One result. Results come best first; no score is given, only the order."""

    post: Post
    story_id: Id
    story_title: str
    snippet_html: str = Field(description="escaped text; the hits in <mark>")


class SearchPage(Shape):
    query: str = Field(description="what was searched for: trimmed and capped")
    results: list[SearchHit]
    page: Annotated[int, Field(ge=1)]
    pages: Annotated[int, Field(ge=1)]
    total: Count
    crisis: Crisis


# --- moderation ----------------------------------------------------------------------------

class Report(Shape):
    id: Id
    post_id: Id
    reason: ReportReason
    note: str
    created_at: Timestamp
    outcome: ReportOutcome | None


class QueueItem(Shape):
    post: Post
    story_title: str
    category: str
    content_warnings: list[str]
    reports: list[Report]
    crisis_level: CrisisLevel = Field(description="what crisis-language detection found")
    waiting_in_crisis: bool = Field(
        description="crisis language in a post nobody can read yet: it heads the urgent tab "
                    "until a moderator approves or rejects it")


class QueuePage(Page):
    tab: QueueTab
    counts: dict[str, Count]
    items: list[QueueItem]


class ModResult(Shape):
    changed: bool
    message: str
    post: Post


class ActionResult(Shape):
    changed: bool
    message: str


class BulkFailure(Shape):
    post_id: Id
    what: str = Field(description="how the moderator knows the post")
    why: str


class BulkResult(Shape):
    action: str
    done: list[Id] = Field(description="the posts approved or rejected, in the order sent")
    failed: list[BulkFailure] = Field(description="those that could not be, with why")
    message: str


class AuditEntry(Shape):
    id: Id
    actor: str = Field(description="the actor's name when it was done")
    action: str
    target_type: str
    target_id: int
    target: str
    reason: str
    created_at: Timestamp


class AuditPage(Page):
    entries: list[AuditEntry]


class WatchedWord(Shape):
    id: Id
    pattern: str
    action: WordAction


class WatchedWordList(Shape):
    words: list[WatchedWord]


class RoleResult(Shape):
    changed: bool
    username: str
    role: Role


class Revealed(Shape):
    post_id: Id
    username: str
    reason: str


class OpenAPIDocument(BaseModel):
    """This document."""

    model_config = ConfigDict(frozen=True, extra="allow")

    openapi: str
    info: dict[str, Any]
    paths: dict[str, Any]
