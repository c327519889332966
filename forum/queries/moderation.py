"""Reading what moderators need: the queue, the audit log, a member's record, the rules
that decide whether a post waits for approval, and the watched-words matcher."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from tortoise.expressions import Case, Q, When
from tortoise.functions import Min
from tortoise.queryset import QuerySet

from forum.models.accounts import Role, User
from forum.models.content import Category, Post, PostRevision, PostStatus, Premoderation
from forum.models.moderation import (
    AuditEntry,
    ModeratorNote,
    Report,
    ReportReason,
    Sanction,
    WatchedWord,
)
from forum.queries.accounts import find_user_by_username
from forum.queries.content import not_found
from forum.safety.crisis import CrisisLevel
from forum.safety.plain_reasons import plain_note
from forum.safety.words import WatchedPattern, WordAction, WordMatcher

QUEUE_PER_PAGE = 20
AUDIT_PER_PAGE = 50
# The header's pending and urgent counts are read at most this often per process.
HEADER_COUNTS_SECONDS = 10.0


@dataclass(frozen=True)
class ApprovalRules:
    """Who counts as a new member (SPEC: younger than 3 days or fewer than 2 approved posts)."""

    new_member_days: int = 3
    new_member_posts: int = 2

    @property
    def anyone_can_be_new(self) -> bool:
        return self.new_member_days > 0 or self.new_member_posts > 0


async def is_new_member(user: User, rules: ApprovalRules) -> bool:
    if user.created_at > datetime.now(UTC) - timedelta(days=rules.new_member_days):
        return True
    if rules.new_member_posts <= 0:
        return False
    # The first few ids, not a count: Tortoise's count() drops the limit, and counting every
    # post of a prolific member took 24 ms on each of their replies.
    approved = await Post.filter(author_id=user.id, status=PostStatus.PUBLISHED).limit(
        rules.new_member_posts).values_list("id", flat=True)
    return len(approved) < rules.new_member_posts


async def needs_approval(author: User, category: Category, rules: ApprovalRules | None, *,
                         anonymous: bool = False, crisis: bool = False) -> bool:
    """Whether this author's post in this category waits for a moderator.

    The rule gives moderators no signal about who wrote an anonymous post: in a category
    that pre-moderates at all (``new_members`` or ``all``), every anonymous post waits,
    whoever wrote it — new or long-standing member, moderator or admin — so a held
    anonymous post says nothing about its author, and neither does an unheld one. Named
    posts follow the plain rule (moderators and admins are never held; new members are in
    ``new_members``; everyone else is in ``all``). A post with crisis language
    (``concern`` or ``urgent``) is never held by pre-moderation, whoever wrote it. Where the
    forum's rules make nobody new (both thresholds 0), ``new_members`` holds no post at all,
    anonymous or not — again the same for everyone.

    ``rules=None`` is for trusted callers that write on the forum's own behalf (demo data).
    """
    if rules is None or crisis or category.premoderation == Premoderation.NONE:
        return False
    if category.premoderation == Premoderation.ALL:
        return anonymous or author.role not in (Role.MODERATOR, Role.ADMIN)
    if anonymous:
        return rules.anyone_can_be_new
    if author.role in (Role.MODERATOR, Role.ADMIN):
        return False
    return await is_new_member(author, rules)


# --- watched words ----------------------------------------------------------------------

_matcher: tuple[tuple[int, int], WordMatcher] | None = None


async def watched_words_matcher() -> WordMatcher:
    """The compiled matcher, rebuilt in this process only when the list changed anywhere."""
    global _matcher
    rows: list[int] = [i for (i,) in await WatchedWord.all().values_list("id")]
    fingerprint = (len(rows), max(rows, default=0))
    if _matcher is None or _matcher[0] != fingerprint:
        words = await WatchedWord.all()
        _matcher = (fingerprint, WordMatcher(
            WatchedPattern(w.id, w.pattern, WordAction(w.action)) for w in words))
    return _matcher[1]


async def list_watched_words() -> list[WatchedWord]:
    return await WatchedWord.all().order_by("pattern")


async def get_watched_word_or_404(word_id: int) -> WatchedWord:
    word = await WatchedWord.get_or_none(id=word_id)
    if word is None:
        raise not_found()
    return word


# --- the queue --------------------------------------------------------------------------

class QueueTab(StrEnum):
    URGENT = "urgent"
    APPROVAL = "approval"
    REPORTS = "reports"


@dataclass
class QueueItem:
    post: Post
    reports: list[Report] = field(default_factory=list)

    @property
    def reasons(self) -> dict[str, int]:
        counted: dict[str, int] = {}
        for report in self.reports:
            counted[report.reason.value] = counted.get(report.reason.value, 0) + 1
        return counted

    @property
    def waiting_in_crisis(self) -> bool:
        """Crisis language in a post nobody can read yet (a guest's, or held for a watched
        word): it heads the Urgent tab until a moderator approves or rejects it."""
        return self.post.status == PostStatus.PENDING and self.post.crisis_level in CRISIS_LEVELS


@dataclass(frozen=True)
class QueuePage:
    tab: QueueTab
    items: list[QueueItem]
    page: int
    pages: int
    counts: dict[str, int]


CRISIS_LEVELS = (CrisisLevel.URGENT.value, CrisisLevel.CONCERN.value)  # most urgent first


def _waiting_in_crisis() -> QuerySet[Post]:
    """Held posts with crisis language: guests' posts (a moderator approves every one) and
    posts held for a watched word. Pre-moderation itself never holds them."""
    return Post.filter(status=PostStatus.PENDING, crisis_level__in=CRISIS_LEVELS)


def _open_reports(tab: QueueTab):  # type: ignore[no-untyped-def]
    query = Report.filter(resolved_at__isnull=True)
    if tab is QueueTab.URGENT:
        # A held crisis post is listed once, among the waiting ones at the top.
        return query.filter(reason=ReportReason.WORRIED).filter(
            ~Q(post__status=PostStatus.PENDING) | ~Q(post__crisis_level__in=CRISIS_LEVELS))
    return query.exclude(reason=ReportReason.WORRIED)


async def _count(tab: QueueTab) -> int:
    if tab is QueueTab.APPROVAL:
        return await Post.filter(status=PostStatus.PENDING).count()
    reported = len(await _open_reports(tab).distinct().values_list("post_id", flat=True))
    if tab is QueueTab.URGENT:
        return await _waiting_in_crisis().count() + reported
    return reported


async def _reported_ids(tab: QueueTab, offset: int, limit: int) -> list[int]:
    """Posts with open reports of the tab's kind, the longest-reported first."""
    if limit <= 0:
        return []
    rows = await (_open_reports(tab).annotate(first=Min("created_at")).group_by("post_id")
                  .order_by("first", "post_id").offset(offset).limit(limit)
                  .values("post_id", "first"))
    return [int(row["post_id"]) for row in rows]


async def _urgent_ids(offset: int) -> list[int]:
    """The Urgent tab: first the crisis posts nobody can read yet (urgent before concern,
    the longest-waiting first), then posts with an open "worried" report (crisis language
    noticed by the forum, or a member's worry), the longest-reported first."""
    rank = Case(*(When(crisis_level=level, then=str(n)) for n, level in enumerate(CRISIS_LEVELS)),
                default=str(len(CRISIS_LEVELS)))
    waiting: list[int] = [i for (i,) in await _waiting_in_crisis().annotate(rank=rank).order_by(
        "rank", "created_at", "id").offset(offset).limit(QUEUE_PER_PAGE).values_list("id")]
    if len(waiting) == QUEUE_PER_PAGE:
        return waiting
    # Reported posts start on the page where the waiting ones end.
    skipped = 0 if waiting else max(0, offset - await _waiting_in_crisis().count())
    return waiting + await _reported_ids(QueueTab.URGENT, skipped, QUEUE_PER_PAGE - len(waiting))


async def queue_page(tab: QueueTab, page: int, *, approval_rows: int = QUEUE_PER_PAGE,
                     ) -> QueuePage:
    """One tab of the queue, oldest first, with each post in context and its open reports;
    the Urgent tab puts held crisis posts before everything else. The Awaiting approval tab
    may show more rows at a time (``approval_rows``: the page shows a burst in one go)."""
    counts = {t.value: await _count(t) for t in QueueTab}
    rows = approval_rows if tab is QueueTab.APPROVAL else QUEUE_PER_PAGE
    pages = max(1, -(-counts[tab.value] // rows))
    if page > pages:
        raise not_found()
    offset = (page - 1) * rows
    if tab is QueueTab.APPROVAL:
        ids: list[int] = [i for (i,) in await Post.filter(status=PostStatus.PENDING).order_by(
            "created_at", "id").offset(offset).limit(rows).values_list("id")]
    elif tab is QueueTab.URGENT:
        ids = await _urgent_ids(offset)
    else:
        ids = await _reported_ids(tab, offset, QUEUE_PER_PAGE)
    posts = {p.id: p for p in await Post.filter(id__in=ids).select_related(
        "thread__category", "author")}
    items = {post_id: QueueItem(posts[post_id]) for post_id in ids if post_id in posts}
    for report in await Report.filter(post_id__in=ids, resolved_at__isnull=True).select_related(
            "reporter").order_by("created_at"):
        items[report.post_id].reports.append(_in_plain_words(report))
    return QueuePage(tab, list(items.values()), page, pages, counts)


def _in_plain_words(report: Report) -> Report:
    """The report as moderators read it: the detector's phrase ids in plain words (shown
    only; the row is never written)."""
    report.note = plain_note(report.note)
    return report


@dataclass(frozen=True)
class HeaderCounts:
    pending: int
    urgent: int


_header_counts: tuple[float, HeaderCounts] | None = None


async def header_counts() -> HeaderCounts:
    """What waits for the moderators, for the header of their every page: read from the
    database at most once every HEADER_COUNTS_SECONDS in this process (three count queries),
    from memory otherwise. A moderator's own action forgets it (`forget_header_counts`)."""
    global _header_counts
    now = time.monotonic()
    if _header_counts is None or now - _header_counts[0] >= HEADER_COUNTS_SECONDS:
        counts = HeaderCounts(pending=await _count(QueueTab.APPROVAL),
                              urgent=await _count(QueueTab.URGENT))
        _header_counts = (time.monotonic(), counts)
    return _header_counts[1]


def forget_header_counts() -> None:
    global _header_counts
    _header_counts = None


async def next_in_queue(tab: QueueTab, leaving: int | None = None) -> int | None:
    """The post a moderator looks at next in this tab: its first item, other than the one
    they are leaving (already handled, or passed over)."""
    if tab is QueueTab.APPROVAL:
        query = Post.filter(status=PostStatus.PENDING)
        if leaving is not None:
            query = query.exclude(id=leaving)
        found: list[int] = [i for (i,) in await query.order_by("created_at", "id").limit(
            1).values_list("id")]
        return found[0] if found else None
    ids = await _urgent_ids(0) if tab is QueueTab.URGENT else await _reported_ids(
        tab, 0, QUEUE_PER_PAGE)
    return next((i for i in ids if i != leaving), None)


async def posts_by_id(ids: list[int]) -> dict[int, Post]:
    """Posts in any state with thread, category and author, in one query: for a moderator
    acting on many at once."""
    if not ids:
        return {}
    return {p.id: p for p in await Post.filter(id__in=ids).select_related(
        "thread__category", "author")}


async def post_heading(post_id: int) -> str | None:
    """How a moderator's notice names a post: “the reply in “Title””."""
    post = await Post.get_or_none(id=post_id).select_related("thread")
    return None if post is None else describe_post(post)


def describe_post(post: Post) -> str:
    return f"the {'story' if post.is_story else 'reply'} in “{post.thread.title}”"


async def open_report_exists(post_id: int, reporter_id: int) -> bool:
    return await Report.exists(open_key=f"{post_id}:{reporter_id}")


# --- the audit log and a member's record -------------------------------------------------

@dataclass(frozen=True)
class AuditFilter:
    action: str = ""
    actor: str = ""
    target_type: str = ""
    target_id: int | None = None


@dataclass(frozen=True)
class AuditPage:
    entries: list[AuditEntry]
    page: int
    pages: int
    actions: list[str]
    total: int = 0


async def audit_page(filters: AuditFilter, page: int) -> AuditPage:
    query = AuditEntry.all()
    if filters.action:
        query = query.filter(action=filters.action)
    if filters.actor:
        query = query.filter(actor_name__iexact=filters.actor)
    if filters.target_type:
        query = query.filter(target_type=filters.target_type)
    if filters.target_id is not None:
        query = query.filter(target_id=filters.target_id)
    total = await query.count()
    pages = max(1, -(-total // AUDIT_PER_PAGE))
    if page > pages:
        raise not_found()
    entries = await query.order_by("-id").offset((page - 1) * AUDIT_PER_PAGE).limit(
        AUDIT_PER_PAGE)
    actions = sorted(str(a) for a in await AuditEntry.all().distinct().values_list(
        "action", flat=True))
    return AuditPage(entries, page, pages, actions, total)


@dataclass(frozen=True)
class MemberRecord:
    user: User
    sanctions: list[Sanction]
    notes: list[ModeratorNote]
    posts: list[Post]


async def member_record(user: User) -> MemberRecord:
    sanctions = await Sanction.filter(user_id=user.id).order_by("-id")
    notes = await ModeratorNote.filter(user_id=user.id).order_by("-id")
    posts = await Post.filter(author_id=user.id).select_related("thread").order_by(
        "-id").limit(50)
    return MemberRecord(user, sanctions, notes, posts)


async def get_member_or_404(username: str) -> User:
    user = await find_user_by_username(username)
    if user is None:
        raise not_found()
    return user


@dataclass(frozen=True)
class PostUnderReview:
    post: Post
    revisions: list[PostRevision]
    reports: list[Report]


async def post_under_review(post_id: int) -> PostUnderReview:
    """A post in any state, with its edit history and every report on it."""
    post = await get_any_post_or_404(post_id)
    revisions = await PostRevision.filter(post_id=post.id).order_by("-id")
    reports = await Report.filter(post_id=post.id).select_related("reporter").order_by("-id")
    return PostUnderReview(post, revisions, [_in_plain_words(r) for r in reports])


async def get_any_post_or_404(post_id: int) -> Post:
    """A post in any state, with its thread, category and author: for moderators only."""
    post = await Post.get_or_none(id=post_id).select_related("thread__category", "author")
    if post is None:
        raise not_found()
    return post

