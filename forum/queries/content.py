"""Reading categories, stories and replies as a given viewer may see them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from starlette.exceptions import HTTPException
from tortoise import connections
from tortoise.expressions import Q, RawSQL

from forum.anonymity import my_anonymous_post_ids
from forum.guest_forms import manage_token_hash
from forum.models.accounts import User
from forum.models.content import Category, Post, PostStatus, Thread
from forum.permissions import is_moderator
from forum.queries.lookup import could_match
from forum.read_models import (
    CARD_COLUMNS,
    POST_COLUMNS,
    THREAD_COLUMNS,
    PostRow,
    StoryCardRow,
    ThreadRow,
    card_of,
    post_of,
    thread_of,
)

REPLIES_PER_PAGE = 50
STORIES_PER_PAGE = 20
HOME_STORIES = 20


# Hidden posts keep their place in the thread: everyone sees "Hidden by moderators: reason".
SHOWN_TO_EVERYONE = (PostStatus.PUBLISHED, PostStatus.HIDDEN)
SHOWN_TO_MODERATORS = (PostStatus.PUBLISHED, PostStatus.HIDDEN, PostStatus.PENDING)


def _where(prefix: str, name: str, value: Any) -> Q:
    filters: dict[str, Any] = {f"{prefix}{name}": value}
    return Q(**filters)


async def _visible(viewer: User | None, prefix: str = "") -> Q:
    """Published and hidden posts; the viewer's own waiting posts; all waiting ones for
    moderators."""
    if is_moderator(viewer):
        return _where(prefix, "status__in", SHOWN_TO_MODERATORS)
    shown = _where(prefix, "status__in", SHOWN_TO_EVERYONE)
    if viewer is None:
        return shown
    own = _where(prefix, "author_id", viewer.id)
    if anonymous_ids := await my_anonymous_post_ids(viewer):
        own = own | _where(prefix, "id__in", anonymous_ids)
    return shown | (_where(prefix, "status", PostStatus.PENDING) & own)


def _statuses(statuses: tuple[PostStatus, ...]) -> str:
    return ", ".join(f"'{s.value}'" for s in statuses)  # enum values: plain lowercase words


def _ids(ids: list[int] | tuple[int, ...]) -> str:
    return ", ".join(str(int(n)) for n in ids)


async def _visible_sql(viewer: User | None, alias: str = "p") -> str:
    """`_visible` as SQL over the posts table aliased ``alias``: the same rule, for the lean
    read paths (only integers and the status words are written into it)."""
    if is_moderator(viewer):
        return f"{alias}.status IN ({_statuses(SHOWN_TO_MODERATORS)})"
    shown = f"{alias}.status IN ({_statuses(SHOWN_TO_EVERYONE)})"
    if viewer is None:
        return shown
    own = f"{alias}.author_id = {int(viewer.id)}"
    if anonymous_ids := await my_anonymous_post_ids(viewer):
        own = f"{own} OR {alias}.id IN ({_ids(anonymous_ids)})"
    return f"({shown} OR ({alias}.status = '{PostStatus.PENDING.value}' AND ({own})))"


async def _rows(sql: str) -> list[dict[str, Any]]:
    return list(await connections.get("default").execute_query_dict(sql))


def not_found() -> HTTPException:
    return HTTPException(404, "We couldn't find that. It may have been removed.")


async def list_categories() -> list[Category]:
    return await Category.all().order_by("position", "id")


async def get_category_or_404(slug: str) -> Category:
    if not could_match(slug, Category, "slug"):
        raise not_found()
    category = await Category.get_or_none(slug=slug)
    if category is None:
        raise not_found()
    return category


# Extra per-story columns a list may ask for (forum.queries.reading.list_annotations: the
# member's unread counts and blocks), computed in the list's own query.
Annotations = Mapping[str, RawSQL]


async def latest_stories(limit: int = HOME_STORIES, annotations: Annotations | None = None,
                         ) -> list[Post]:
    return (
        await Post.filter(is_story=True, status=PostStatus.PUBLISHED)
        .annotate(**(annotations or {}))
        .select_related("thread__category", "author")
        .order_by("-created_at", "-id")
        .limit(limit)
    )


@dataclass(frozen=True)
class HomeCards:
    stories: list[StoryCardRow]
    needs_reply: int  # stories still waiting for a first reply (`needs_reply_page`)


async def home_story_cards(limit: int = HOME_STORIES, reader_columns: str = "") -> HomeCards:
    """`latest_stories` as lean rows, for the home page, and how many stories wait for a
    first reply: one query, no bodies (`reader_columns`: forum.queries.reading.list_columns,
    the member's own marks)."""
    since = datetime.now(UTC) - timedelta(days=NEEDS_REPLY_DAYS)
    published = f"p.is_story = TRUE AND p.status = '{PostStatus.PUBLISHED.value}'"
    waiting_story = f"w.is_story = TRUE AND w.status = '{PostStatus.PUBLISHED.value}'"
    # The count is an uncorrelated subquery (worked out once); it rides on each row.
    waiting = ("(SELECT COUNT(*) FROM posts w JOIN threads wt ON wt.id = w.thread_id "  # noqa: S608
               f"WHERE {waiting_story} AND wt.reply_count = 0 AND w.created_at >= ?1)")
    conn = connections.get("default")
    if conn.capabilities.dialect == "postgres":
        waiting = waiting.replace("?1", "$1")
    rows = list(await conn.execute_query_dict(
        f"SELECT {CARD_COLUMNS}, {THREAD_COLUMNS}{reader_columns}, "  # noqa: S608 (no input)
        f"{waiting} AS needs_reply_total FROM posts p "
        "JOIN threads t ON t.id = p.thread_id JOIN categories c ON c.id = t.category_id "
        "LEFT JOIN users u ON u.id = p.author_id "
        f"WHERE {published} ORDER BY p.created_at DESC, p.id DESC LIMIT {int(limit)}",
        [since]))
    return HomeCards([card_of(row) for row in rows],
                     int(rows[0]["needs_reply_total"]) if rows else 0)


@dataclass(frozen=True)
class StoryCardPage:
    stories: list[StoryCardRow]
    page: int
    pages: int
    total: int = 0
    per_page: int = STORIES_PER_PAGE


async def category_story_cards(category: Category, page: int,
                               per_page: int = STORIES_PER_PAGE,
                               reader_columns: str = "") -> StoryCardPage:
    """`category_stories` as lean rows, for the category page: the count and the page in
    one query (the total rides on each row), driven from the category's threads."""
    offset = (max(1, page) - 1) * int(per_page)
    published = f"p.is_story = TRUE AND p.status = '{PostStatus.PUBLISHED.value}'"
    in_category = f"t.category_id = {int(category.id)} AND {published}"
    # The total is a subquery over two covering indexes (counting over the page's own rows
    # would read every story of the category, bodies and all).
    rows = await _rows(
        f"SELECT {CARD_COLUMNS}, {THREAD_COLUMNS}{reader_columns}, "  # noqa: S608
        "(SELECT COUNT(*) FROM threads t "
        f"JOIN posts p ON p.thread_id = t.id WHERE {in_category}) AS listed_total "
        "FROM threads t JOIN posts p ON p.thread_id = t.id "
        "JOIN categories c ON c.id = t.category_id LEFT JOIN users u ON u.id = p.author_id "
        f"WHERE {in_category} "
        "ORDER BY t.is_pinned DESC, t.last_post_at DESC, p.id DESC "
        f"LIMIT {int(per_page)} OFFSET {offset}")
    if not rows and page > 1:
        raise not_found()
    total = int(rows[0]["listed_total"]) if rows else 0
    return StoryCardPage([card_of(row) for row in rows], page,
                         max(1, -(-total // per_page)), total, per_page)


@dataclass(frozen=True)
class StoryListPage:
    stories: list[Post]
    page: int
    pages: int
    total: int = 0
    per_page: int = STORIES_PER_PAGE


async def category_stories(category: Category, page: int, per_page: int = STORIES_PER_PAGE,
                           annotations: Annotations | None = None) -> StoryListPage:
    base = Post.filter(is_story=True, status=PostStatus.PUBLISHED, thread__category_id=category.id)
    total = await base.count()
    pages = max(1, -(-total // per_page))
    if page > pages:
        raise not_found()
    stories = (
        await base.annotate(**(annotations or {})).select_related("thread__category", "author")
        .order_by("-thread__is_pinned", "-thread__last_post_at", "-id")
        .offset((page - 1) * per_page)
        .limit(per_page)
    )
    return StoryListPage(stories, page, pages, total, per_page)


@dataclass(frozen=True)
class ThreadPage:
    thread: Thread
    story: Post
    replies: list[Post]
    page: int
    pages: int
    reply_total: int


async def get_thread_page(thread_id: int, viewer: User | None, page: int) -> ThreadPage:
    """A story and one page of its replies, in a fixed number of queries. For a member the
    story row also says whether they follow the thread (`story.viewer_follows`)."""
    story = await get_story_or_404(thread_id, viewer, with_follow=True)
    replies = (
        await Post.filter(await _visible(viewer), thread_id=thread_id, is_story=False)
        .select_related("author")
        .annotate(visible_total=RawSQL("COUNT(*) OVER ()"))  # counted before the page is cut
        .order_by("id")
        .offset((page - 1) * REPLIES_PER_PAGE)
        .limit(REPLIES_PER_PAGE)
    )
    if not replies and page > 1:
        raise not_found()
    reply_total = int(getattr(replies[0], "visible_total", 0)) if replies else 0
    pages = max(1, -(-reply_total // REPLIES_PER_PAGE))
    return ThreadPage(story.thread, story, replies, page, pages, reply_total)


@dataclass(frozen=True)
class ThreadRows:
    """A story page as lean rows: the story, one page of replies, and for a member whether
    they follow the thread and still write in it anonymously (the reply form's default)."""

    thread: ThreadRow
    story: PostRow
    replies: list[PostRow]
    page: int
    pages: int
    reply_total: int
    following: bool
    writes_here_anonymously: bool


async def thread_page_rows(thread_id: int, viewer: User | None, page: int) -> ThreadRows:
    """`get_thread_page` as lean rows, in two queries (beyond the viewer's sealed side, read
    once per request): the story with its thread, category and the viewer's follow and sticky
    anonymity; then one page of replies with the visible total."""
    thread_id = int(thread_id)
    visible = await _visible_sql(viewer)
    follows = sticky = "0"
    if viewer is not None:
        follows = (f"(SELECT COUNT(*) FROM follows f WHERE f.thread_id = p.thread_id "  # noqa: S608
                   f"AND f.user_id = {int(viewer.id)})")
        if anonymous_ids := await my_anonymous_post_ids(viewer):
            # As forum.actions.stories.my_pseudonyms_in: their anonymous posts here, not
            # deleted and not named since.
            sticky = (f"(SELECT COUNT(*) FROM posts m "  # noqa: S608 (integers only)
                      f"WHERE m.id IN ({_ids(anonymous_ids)}) "
                      f"AND m.thread_id = p.thread_id AND m.is_anonymous = TRUE "
                      f"AND m.status <> '{PostStatus.DELETED.value}')")
    found = await _rows(
        f"SELECT {POST_COLUMNS}, {THREAD_COLUMNS}, {follows} AS viewer_follows, "  # noqa: S608
        f"{sticky} AS viewer_sticky FROM posts p JOIN threads t ON t.id = p.thread_id "
        "JOIN categories c ON c.id = t.category_id LEFT JOIN users u ON u.id = p.author_id "
        f"WHERE p.thread_id = {thread_id} AND p.is_story = TRUE AND {visible} LIMIT 1")
    if not found:
        raise not_found()
    offset = (max(1, page) - 1) * REPLIES_PER_PAGE
    replies = await _rows(
        f"SELECT {POST_COLUMNS}, COUNT(*) OVER () AS visible_total FROM posts p "  # noqa: S608
        f"LEFT JOIN users u ON u.id = p.author_id WHERE p.thread_id = {thread_id} "
        f"AND p.is_story = FALSE AND {visible} ORDER BY p.id "
        f"LIMIT {REPLIES_PER_PAGE} OFFSET {offset}")
    if not replies and page > 1:
        raise not_found()
    total = int(replies[0]["visible_total"]) if replies else 0
    story = found[0]
    return ThreadRows(thread_of(story), post_of(story), [post_of(r) for r in replies], page,
                      max(1, -(-total // REPLIES_PER_PAGE)), total,
                      bool(int(story["viewer_follows"] or 0)),
                      bool(int(story["viewer_sticky"] or 0)))


async def get_story_or_404(thread_id: int, viewer: User | None, *,
                           with_follow: bool = False) -> Post:
    """The story of thread N, with its thread and category, if the viewer may see it."""
    query = Post.filter(await _visible(viewer), thread_id=thread_id, is_story=True).select_related(
        "thread__category", "author")
    if with_follow and viewer is not None:
        query = query.annotate(viewer_follows=RawSQL(
            "(SELECT COUNT(*) FROM follows WHERE follows.thread_id = posts.thread_id "  # noqa: S608
            f"AND follows.user_id = {int(viewer.id)})"))
    story = await query.first()
    if story is None:
        raise not_found()
    return story


async def get_post_or_404(post_id: int, viewer: User | None) -> Post:
    """A post the viewer may see, with its thread, category and author fetched."""
    post = (
        await Post.filter(await _visible(viewer), id=post_id)
        .select_related("thread__category", "author")
        .first()
    )
    if post is None:
        raise not_found()
    if not post.is_story:
        story_visible = await Post.filter(
            await _visible(viewer), thread_id=post.thread_id, is_story=True
        ).exists()
        if not story_visible:
            raise not_found()
    return post


async def page_of_post(post: Post, viewer: User | None) -> int:
    """Which page of its thread a reply is on, so a permalink lands in the right place."""
    if post.is_story:
        return 1
    before = await Post.filter(
        await _visible(viewer), thread_id=post.thread_id, is_story=False, id__lt=post.id
    ).count()
    return before // REPLIES_PER_PAGE + 1


async def post_by_submission(submission_key: str) -> Post | None:
    return await Post.get_or_none(submission_key=submission_key).select_related("thread")


MY_POSTS_LIMIT = 200


async def my_posts(user: User, limit: int | None = MY_POSTS_LIMIT) -> list[Post]:
    """The member's own posts, named and anonymous, newest first: for their eyes only
    (``limit=None``: all of them, for export and deletion)."""
    mine = Q(author_id=user.id)
    if anonymous_ids := await my_anonymous_post_ids(user):
        mine = mine | Q(id__in=anonymous_ids)
    query = Post.filter(mine).select_related("thread").order_by("-id")
    return await (query.limit(limit) if limit is not None else query)


async def guest_post_by_token(token: str) -> Post:
    """The guest post this manage link opens; a wrong, old or deleted one is a 404."""
    if not token or len(token) > 100:
        raise not_found()
    post = await Post.get_or_none(manage_token_hash=manage_token_hash(token), is_guest=True)\
        .select_related("thread__category")
    if post is None or post.status == PostStatus.DELETED:
        raise not_found()
    return post


async def answers_to(post: Post, limit: int = REPLIES_PER_PAGE) -> list[Post]:
    """Published replies a guest's post received: the thread's, or those answering it."""
    query = Post.filter(thread_id=post.thread_id, is_story=False, status=PostStatus.PUBLISHED)
    if not post.is_story:
        query = query.filter(reply_to_id=post.id)
    return await query.select_related("author").order_by("id").limit(limit)


async def guest_categories() -> list[Category]:
    return await Category.filter(allow_guests=True).order_by("position", "id")


async def get_thread_for_post(post: Post) -> Thread:
    return await Thread.get(id=post.thread_id).select_related("category")


NEEDS_REPLY_DAYS = 30


def _needs_reply(now: datetime | None = None):  # type: ignore[no-untyped-def]
    since = (now or datetime.now(UTC)) - timedelta(days=NEEDS_REPLY_DAYS)
    return Post.filter(is_story=True, status=PostStatus.PUBLISHED, thread__reply_count=0,
                       created_at__gte=since)


async def needs_reply_page(page: int, per_page: int = STORIES_PER_PAGE,
                           annotations: Annotations | None = None) -> StoryListPage:
    """Published stories of the last 30 days nobody has answered yet, oldest first."""
    total = await _needs_reply().count()
    pages = max(1, -(-total // per_page))
    if page > pages:
        raise not_found()
    stories = await (_needs_reply().annotate(**(annotations or {}))
                     .select_related("thread__category", "author")
                     .order_by("created_at", "id").offset((page - 1) * per_page)
                     .limit(per_page))
    return StoryListPage(stories, page, pages, total, per_page)
