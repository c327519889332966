"""Full-text search over story titles and post bodies, as anyone may see them.

The index (migrations/0007_search.py, 0013_search_readable_only.py) is SQLite FTS5 with
porter stemming, or a PostgreSQL ``tsvector`` with the 'english' configuration; both weigh
a story's title above bodies.

- **What is found**: published posts whose story is published — the rule is in the SQL, so
  hidden, pending, rejected and deleted posts never appear, even by their exact words, and
  the same for everyone (moderators review waiting posts in the queue, not here).
- **What the order says**: nothing about other posts. bm25 (SQLite) reckons with the whole
  index — how many posts, how long, how many hold each word — so the index holds only the
  posts anyone may read, kept so by its triggers; ts_rank (PostgreSQL) reads only the post
  itself. The score decides the order and goes no further: no page or API answer shows it.
- **Query syntax**: none a person can trip over. The text is capped, cut into words (and
  "quoted phrases"), and each word or phrase is quoted for the index, so ``"``, ``*``,
  ``NEAR(``, ``AND OR``, ``-``, ``:`` or ``'; DROP TABLE`` are just words or nothing. All
  words must match (stemmed: "running" finds "run"); no prefix or boolean operators.
- **Scale**: the best-ranked among the newest ``MAX_RESULTS`` matches, counted up to that
  number, so a word found in most posts costs what a rarer one does (bench/search.py).
- **Snippets** come back with the marker characters STX/ETX around hits; ``marked_html``
  escapes the text and only then turns markers into ``<mark>`` tags, so a post's own text
  can never become HTML.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape
from tortoise import connections

from forum.models.content import Category, Post, PostStatus
from forum.queries.content import not_found
from forum.queries.moderation import watched_words_matcher

RESULTS_PER_PAGE = 20
MAX_PER_PAGE = 50
MAX_QUERY_CHARS = 200  # of the query, after trimming; the rest is ignored
MAX_QUERY_TERMS = 12  # words searched for; the rest are ignored
MAX_TERM_CHARS = 60  # longer "words" are cut (no real word is this long)
TITLE_WEIGHT = 10.0  # SQLite bm25: a title hit counts ten times a body hit (PostgreSQL: A vs B)
SNIPPET_WORDS = 32
# Ranking reads at most the newest this many matching posts, and the count stops there: a word
# in most of a million posts would otherwise be scored and counted in every one of them
# (seconds). 25 pages of 20; a search that finds more says so by reaching this number.
MAX_RESULTS = 500

START, STOP = "\x02", "\x03"  # what the database puts around a hit, before escaping
_HEADLINE = (f"StartSel={START}, StopSel={STOP}, MaxWords=35, MinWords=15, "
             "MaxFragments=2, FragmentDelimiter=\" … \"")
_TITLE_HEADLINE = f"StartSel={START}, StopSel={STOP}, HighlightAll=true"
_ITEM = re.compile(r'"([^"]*)"?|([^\s"]+)')
_WORD = re.compile(r"[^\W_]+")  # letters and digits, as the tokenizers see words
_INVISIBLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_MARKDOWN = re.compile(r"[*`~]+|(?<!\S)[#>]+(?=\s)")  # emphasis, code, headings, quotes


@dataclass(frozen=True)
class SearchQuery:
    text: str  # what was searched for: trimmed and capped
    phrases: tuple[tuple[str, ...], ...]  # each a word or words that must appear together

    @property
    def is_empty(self) -> bool:
        return not self.phrases

    def index_expression(self) -> str:
        """Every phrase quoted (FTS5 MATCH; websearch_to_tsquery reads the same text)."""
        return " ".join('"' + " ".join(p).replace('"', '""') + '"' for p in self.phrases)


def parse_query(raw: str | None) -> SearchQuery:
    text = " ".join(_INVISIBLE.sub(" ", unicodedata.normalize("NFKC", raw or "")).split())
    if len(text) > MAX_QUERY_CHARS:  # cut at a word's end where there is one
        cut = text[:MAX_QUERY_CHARS + 1]
        text = cut.rsplit(" ", 1)[0] if " " in cut else cut[:MAX_QUERY_CHARS]
    phrases: list[tuple[str, ...]] = []
    budget = MAX_QUERY_TERMS
    for quoted, bare in _ITEM.findall(text):
        words = tuple(w[:MAX_TERM_CHARS].lower() for w in _WORD.findall(quoted or bare))[:budget]
        if words and words not in phrases:
            phrases.append(words)
            budget -= len(words)
        if budget <= 0:
            break
    return SearchQuery(text=text, phrases=tuple(phrases))


def marked_html(marked: str) -> Markup:
    """Text with STX/ETX around hits -> escaped HTML with <mark> around hits, always balanced."""
    out: list[Markup] = []
    open_mark = False
    for part in re.split(f"([{START}{STOP}])", " ".join(marked.split())):
        if part == START and not open_mark:
            out.append(Markup("<mark>"))
            open_mark = True
        elif part == STOP and open_mark:
            out.append(Markup("</mark>"))
            open_mark = False
        elif part not in (START, STOP):
            out.append(escape(_INVISIBLE.sub("", part)))
    if open_mark:
        out.append(Markup("</mark>"))
    return Markup("").join(out)


def _unmarked(marked: str) -> str:
    return " ".join(marked.replace(START, "").replace(STOP, "").split())


@dataclass(frozen=True)
class SearchHit:
    post: Post  # with thread, category and author fetched
    title_html: Markup  # the story's title, hits marked (a reply: its story's, unmarked)
    snippet_html: Markup  # a piece of the body around the hits, marked


@dataclass(frozen=True)
class SearchPage:
    query: SearchQuery
    hits: list[SearchHit]
    page: int
    pages: int
    total: int


async def search_posts(query: SearchQuery, *, category: Category | None = None, page: int = 1,
                       per_page: int = RESULTS_PER_PAGE,
                       hidden_themes: frozenset[str] = frozenset()) -> SearchPage:
    """One page of published posts matching every word, best first; 404 past the last page.
    ``hidden_themes``: the reader's warned themes set to "hide from lists" — no post of a
    thread warned for one of them is found (forum.reader.hidden_themes)."""
    if query.is_empty:
        if page > 1:
            raise not_found()
        return SearchPage(query, [], page, 1, 0)
    conn = connections.get("default")
    postgres = conn.capabilities.dialect == "postgres"
    sql, params = (_postgres_page if postgres else _sqlite_page)(
        query.index_expression(), category, per_page, (page - 1) * per_page)
    if hidden_themes:
        sql, params = _without_themes(sql, params, sorted(hidden_themes), postgres)
    rows = await conn.execute_query_dict(sql, params)
    if not rows:
        if page > 1:
            raise not_found()
        return SearchPage(query, [], page, 1, 0)
    total = int(rows[0]["total"])
    ids = [int(r["id"]) for r in rows]
    sql, params = (_postgres_marks if postgres else _sqlite_marks)(query.index_expression(), ids)
    marks = {int(r["id"]): r for r in await conn.execute_query_dict(sql, params)}
    posts = {p.id: p for p in await Post.filter(id__in=ids, status=PostStatus.PUBLISHED)
             .select_related("thread__category", "author")}
    censor = (await watched_words_matcher()).censor  # `censor` words stay masked here too
    hits = [_hit(posts[r["id"]], marks.get(r["id"]), censor) for r in rows if r["id"] in posts]
    return SearchPage(query, hits, page, max(1, -(-total // per_page)), total)


def _hit(post: Post, marks: dict[str, str] | None, censor: Callable[[str], str]) -> SearchHit:
    title = post.thread.title
    title_html = Markup.escape(title)
    if post.is_story and marks and _unmarked(marks["title_marked"] or "") == " ".join(
            title.split()):
        title_html = marked_html(marks["title_marked"])  # only if it is the title, verbatim
    snippet = (marked_html(censor(_MARKDOWN.sub("", marks["body_marked"] or ""))) if marks
               else Markup(""))
    return SearchHit(post, title_html, snippet)


# The visibility rule, shared by both databases: the post and its thread's story published.
_VISIBLE = ("p.status = {0} AND EXISTS (SELECT 1 FROM posts s WHERE s.thread_id = p.thread_id "
            "AND s.is_story AND s.status = {0})")
_IN_CATEGORY = (" AND EXISTS (SELECT 1 FROM threads t WHERE t.id = p.thread_id "
                "AND t.category_id = {0})")


# A reader's "hide from lists": no post whose thread carries one of the hidden themes.
_SQLITE_HIDDEN = (" AND NOT EXISTS (SELECT 1 FROM threads th, json_each(th.content_warnings) w "
                  "WHERE th.id = p.thread_id AND w.value IN ({0}))")
_POSTGRES_HIDDEN = (" AND NOT EXISTS (SELECT 1 FROM threads th WHERE th.id = p.thread_id "
                    "AND jsonb_exists_any(th.content_warnings, {0}::text[]))")
_ORDER = " ORDER BY score DESC"
_POSTGRES_NEWEST = " ORDER BY p.id DESC LIMIT $5"


def _without_themes(sql: str, params: list[Any], themes: list[str],
                    postgres: bool) -> tuple[str, list[Any]]:
    """The page's SQL with the hidden-themes condition added where it picks its posts (on
    PostgreSQL inside the newest-matches step, the one part that reads ``posts p``)."""
    at = sql.index(_ORDER)
    if postgres:
        at = sql.index(_POSTGRES_NEWEST)
        condition = _POSTGRES_HIDDEN.format(f"${len(params) + 1}")
        return sql[:at] + condition + sql[at:], [*params, themes]
    condition = _SQLITE_HIDDEN.format(", ".join("?" * len(themes)))
    # SQLite's placeholders are positional: the themes go before LIMIT and OFFSET.
    return sql[:at] + condition + sql[at:], [*params[:-2], *themes, *params[-2:]]


def _sqlite_page(match: str, category: Category | None, limit: int,
                 offset: int) -> tuple[str, list[Any]]:
    in_category = _IN_CATEGORY.format("?") if category else ""
    # bm25() only works in the query that reads the FTS table: score the newest matches
    # there (FTS5 walks its doclists newest first and stops), then rank and check them.
    sql = (
        "WITH hits AS MATERIALIZED (SELECT rowid AS id, "  # noqa: S608
        f"-bm25(post_search, {TITLE_WEIGHT}, 1.0) AS score FROM post_search "
        f"WHERE post_search MATCH ? ORDER BY rowid DESC LIMIT {int(MAX_RESULTS)}) "
        "SELECT p.id AS id, hits.score AS score, COUNT(*) OVER () AS total "
        "FROM hits JOIN posts p ON p.id = hits.id "
        f"WHERE {_VISIBLE.format('?')}{in_category} "
        "ORDER BY score DESC, p.id DESC LIMIT ? OFFSET ?"
    )
    published = PostStatus.PUBLISHED.value
    return sql, [match, published, published,
                 *([category.id] if category else []), limit, offset]


def _sqlite_marks(match: str, ids: list[int]) -> tuple[str, list[Any]]:
    sql = (
        "SELECT rowid AS id, highlight(post_search, 0, char(2), char(3)) AS title_marked, "  # noqa: S608
        f"snippet(post_search, 1, char(2), char(3), '…', {SNIPPET_WORDS}) AS body_marked "
        "FROM post_search WHERE post_search MATCH ? AND rowid BETWEEN ? AND ? "
        f"AND rowid IN ({', '.join('?' * len(ids))})"
    )  # the range lets FTS5 read only that stretch of each word's list (12 ms -> 1 ms)
    return sql, [match, min(ids), max(ids), *ids]


def _postgres_page(match: str, category: Category | None, limit: int,
                   offset: int) -> tuple[str, list[Any]]:
    in_category = _IN_CATEGORY.format("$6") if category else ""
    sql = (
        "WITH q AS (SELECT websearch_to_tsquery('english', $1) AS q), "  # noqa: S608
        "hits AS MATERIALIZED (SELECT p.id, p.search_vector FROM posts p, q "
        f"WHERE p.search_vector @@ q.q AND {_VISIBLE.format('$2')}{in_category} "
        f"{_POSTGRES_NEWEST.lstrip()}) "
        "SELECT hits.id AS id, ts_rank(hits.search_vector, q.q) AS score, "
        "COUNT(*) OVER () AS total FROM hits, q "
        "ORDER BY score DESC, hits.id DESC LIMIT $3 OFFSET $4"
    )
    return sql, [match, PostStatus.PUBLISHED.value, limit, offset, MAX_RESULTS,
                 *([category.id] if category else [])]


def _postgres_marks(match: str, ids: list[int]) -> tuple[str, list[Any]]:
    placeholders = ", ".join(f"${n}" for n in range(4, 4 + len(ids)))
    sql = (
        "SELECT p.id AS id, CASE WHEN p.is_story THEN ts_headline('english', p.search_title, "  # noqa: S608
        "q, $2) ELSE '' END AS title_marked, ts_headline('english', p.body_md, q, $3) "
        "AS body_marked FROM websearch_to_tsquery('english', $1) q, posts p "
        f"WHERE p.id IN ({placeholders})"
    )
    return sql, [match, _TITLE_HEADLINE, _HEADLINE, *ids]
