"""Search: ranked, stemmed, highlighted and paged; only what everyone may read; hostile input
answered calmly; help first when the words sound like crisis; rate limited per address."""

from __future__ import annotations

import asyncio
import random
import re
import sqlite3
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx
import pytest
from tortoise import connections

from forum.actions.posting import create_story
from forum.app import create_app
from forum.db import sqlite_path
from forum.models.accounts import User
from forum.models.content import Category, Post, PostStatus, Thread
from forum.queries.search import MAX_QUERY_CHARS, MAX_QUERY_TERMS, marked_html, parse_query
from forum.schemas.posting import StoryIn

from ..conftest import BASE_URL, make_settings
from ..db.test_migrations import BIN, run_cli
from ..factories import make_reply, make_story, make_user

VOCABULARY = (
    "morning", "tea", "window", "quiet", "walk", "letter", "kitchen", "blanket", "river", "bread",
    "candle", "shoes", "coffee", "bus", "rain", "stairs", "music", "phone", "table", "sunlight",
    "dinner", "laundry", "chair", "clock", "bridge", "notebook", "pillow", "mirror", "ocean",
    "cloud", "jacket", "lamp", "field", "hill", "pencil", "ticket", "station", "market", "basket",
    "apple", "cat", "dog", "bird", "tree", "road", "door", "friend", "sister", "brother",
    "school", "week", "day", "night", "today", "again", "slowly", "warm", "soft", "small", "long",
    "bright",
)


def is_postgres() -> bool:
    return connections.get("default").capabilities.dialect == "postgres"


async def api_search(client, q: str | None = None, status: int = 200, **params) -> dict:
    query = {**({"q": q} if q is not None else {}), **params}
    response = await client.api("GET", "/api/v1/search", params=query)
    assert response.status_code == status, response.text[:500]
    return response.json()


async def html_search(client, q: str | None = None, status: int = 200, **params) -> str:
    query = {**({"q": q} if q is not None else {}), **params}
    response = await client.get("/search", params=query)
    assert response.status_code == status, response.text[:500]
    return response.text


def result_links(page: str) -> list[str]:
    return re.findall(r'<h2 class="story-card__title"><a href="([^"]+)">', page)


async def assert_index_matches_posts() -> None:
    """The index holds exactly what the posts and titles say (nothing stale, nothing lost)."""
    conn = connections.get("default")
    if is_postgres():
        rows = await conn.execute_query_dict(
            "SELECT count(*) AS n FROM posts p JOIN threads t ON t.id = p.thread_id WHERE "
            "p.search_title <> CASE WHEN p.is_story THEN t.title ELSE '' END")
        assert rows[0]["n"] == 0
    else:  # raises "database disk image is malformed" if the index drifted from its content
        await conn.execute_query(
            "INSERT INTO post_search(post_search, rank) VALUES ('integrity-check', 1)")


# --- 5,000 posts ----------------------------------------------------------------------------

THREADS, PER_THREAD = 1000, 5  # a story and four replies each: 5,000 posts
TITLE_THREAD = 10  # "The lighthouse at the end of the road"
LIGHTHOUSE_BODIES = [7 + 113 * k for k in range(44)]  # post positions with it in the body
RUNNING_BODIES = [1 + 611 * k for k in range(8)]
PENDING_STORY_THREAD = 20  # its published reply must not be found either
UNPUBLISHED_THREAD = 30  # replies hidden, pending, rejected, deleted — all say "lighthouse"
UNPUBLISHED = [PostStatus.HIDDEN, PostStatus.PENDING, PostStatus.REJECTED, PostStatus.DELETED]


@pytest.fixture
async def forum_5000(db) -> dict:
    """5,000 posts through bulk inserts (the triggers index them), with a few needles."""
    author = await make_user("bulk_writer")
    categories = await Category.all().order_by("position", "id")
    rng = random.Random(5000)

    def filler(n: int) -> str:
        return " ".join(rng.choice(VOCABULARY) for _ in range(n))

    await Thread.bulk_create([
        Thread(category_id=categories[i % len(categories)].id,
               title=("The lighthouse at the end of the road" if i == TITLE_THREAD
                      else f"{filler(3)} {i}"))
        for i in range(THREADS)], batch_size=500)
    threads = await Thread.all().order_by("id")
    hidden_positions = {PENDING_STORY_THREAD * PER_THREAD + 1,
                        *(UNPUBLISHED_THREAD * PER_THREAD + 1 + n for n in range(4))}
    assert not hidden_positions & set(LIGHTHOUSE_BODIES) and not set(RUNNING_BODIES) & set(
        LIGHTHOUSE_BODIES) and TITLE_THREAD * PER_THREAD not in LIGHTHOUSE_BODIES
    posts = []
    for position in range(THREADS * PER_THREAD):
        thread_index, slot = divmod(position, PER_THREAD)
        body = filler(15)
        status = PostStatus.PUBLISHED
        if position in LIGHTHOUSE_BODIES:
            body = f"{filler(8)} we walked to the lighthouse {filler(6)}"
            if position == LIGHTHOUSE_BODIES[0]:  # saying it often still loses to a title
                body += " lighthouse lighthouse lighthouse lighthouse"
        elif position in RUNNING_BODIES:
            body = f"{filler(6)} {'running' if position < 3000 else 'she runs'} {filler(6)}"
        elif position in hidden_positions:
            body = f"{filler(5)} the lighthouse {filler(5)}"
        if thread_index == PENDING_STORY_THREAD and slot == 0:
            status = PostStatus.PENDING
        if thread_index == UNPUBLISHED_THREAD and slot > 0:
            status = UNPUBLISHED[slot - 1]
        posts.append(Post(thread_id=threads[thread_index].id, author_id=author.id,
                          is_story=slot == 0, body_md=body, body_html=f"<p>{body}</p>",
                          status=status))
    await Post.bulk_create(posts, batch_size=500)
    assert await Post.all().count() == 5000
    by_position = await Post.all().order_by("id").values_list("id", flat=True)
    category_of = {t.id: t.category_id for t in threads}
    lighthouse = [by_position[p] for p in LIGHTHOUSE_BODIES]
    return {
        "title_story": by_position[TITLE_THREAD * PER_THREAD],
        "title_thread": threads[TITLE_THREAD].id,
        "lighthouse": {by_position[TITLE_THREAD * PER_THREAD], *lighthouse},
        "lighthouse_categories": [categories[(p // PER_THREAD) % len(categories)]
                                  for p in [TITLE_THREAD * PER_THREAD, *LIGHTHOUSE_BODIES]],
        "unseen": {by_position[p] for p in hidden_positions},
        "category_of": category_of,
    }


async def test_5000_posts_rank_title_matches_first_and_page_by_twenty(forum_5000, visitor):
    found = await api_search(visitor, "lighthouse")
    assert (found["total"], found["pages"], found["page"]) == (45, 3, 1)
    first = found["results"][0]
    assert first["post"]["id"] == forum_5000["title_story"]
    assert first["story_id"] == forum_5000["title_thread"]
    assert first["story_title"] == "The lighthouse at the end of the road"
    seen = [r["post"]["id"] for r in found["results"]]
    for page, size in ((2, 20), (3, 5)):
        more = await api_search(visitor, "lighthouse", page=page)
        assert len(more["results"]) == size and more["page"] == page
        seen += [r["post"]["id"] for r in more["results"]]
    assert len(seen) == len(set(seen)) == 45 and set(seen) == forum_5000["lighthouse"]
    await api_search(visitor, "lighthouse", page=4, status=404)
    everything = await api_search(visitor, "lighthouse", per_page=50)
    assert len(everything["results"]) == 45 and everything["pages"] == 1

    page = await html_search(visitor, "lighthouse")
    assert "45 results" in page and "page 1 of 3" in page
    links = result_links(page)
    assert len(links) == 20 and links[0] == f"/stories/{forum_5000['title_thread']}"
    assert "The <mark>lighthouse</mark> at the end of the road" in page
    assert 'href="/search?q=lighthouse&amp;page=2"' in page
    await html_search(visitor, "lighthouse", page=4, status=404)
    await assert_index_matches_posts()


async def test_5000_posts_stemming_visibility_and_category_filter(forum_5000, moderator):
    for q in ("run", "running", "runs"):
        assert (await api_search(moderator, q))["total"] == 8, q
    everything = await api_search(moderator, "lighthouse", per_page=50)
    found = {r["post"]["id"] for r in everything["results"]}
    assert not found & forum_5000["unseen"]  # not even for a moderator
    counts: dict[int, int] = {}
    for category in forum_5000["lighthouse_categories"]:
        counts[category.id] = counts.get(category.id, 0) + 1
    category = max(forum_5000["lighthouse_categories"], key=lambda c: counts[c.id])
    only = await api_search(moderator, "lighthouse", category=category.slug, per_page=50)
    assert only["total"] == counts[category.id] < 45
    assert {forum_5000["category_of"][r["story_id"]] for r in only["results"]} == {category.id}
    await api_search(moderator, "lighthouse", category="no-such-place", status=404)


# --- ranking, stemming, snippets on a few posts ----------------------------------------------

async def test_title_match_ranks_above_body_only_matches(member, visitor):
    body_only = await make_story(member.user, title="A long week",
                                 body="The garden, the garden, the garden again.")
    titled = await make_story(member.user, title="My garden in the rain", body="Wet soil.")
    found = await api_search(visitor, "garden")
    assert [r["story_id"] for r in found["results"]] == [titled.thread_id, body_only.thread_id]
    page = await html_search(visitor, "gardens")  # stemmed both ways
    assert result_links(page) == [f"/stories/{titled.thread_id}", f"/stories/{body_only.thread_id}"]


async def test_stemming_finds_other_forms_of_a_word(member, visitor):
    story = await make_story(member.user, title="Mornings", body="I was running every morning.")
    for q in ("run", "runs", "RUNNING", "mornings"):
        assert [r["post"]["id"] for r in (await api_search(visitor, q))["results"]] == [story.id]


async def test_all_words_must_match_across_title_and_body(member, visitor):
    story = await make_story(member.user, title="Lost my job", body="Then the rent was due.")
    await make_story(member.user, title="Lost keys", body="Found them later.")
    found = await api_search(visitor, "lost rent")
    assert [r["post"]["id"] for r in found["results"]] == [story.id]
    phrase = await api_search(visitor, '"rent was due"')
    assert [r["post"]["id"] for r in phrase["results"]] == [story.id]


async def test_snippets_are_escaped_text_with_only_our_marks(member, visitor):
    body = ('Before <script>alert("x")</script> the <b>lighthouse</b> & "quotes" '
            "<mark>fake</mark> after " + "filler words here " * 30)
    await make_story(member.user, title="<i>Harbour</i> lights", body=body)
    found = (await api_search(visitor, "lighthouse"))["results"][0]
    snippet = found["snippet_html"]
    assert "<mark>lighthouse</mark>" in snippet
    assert "<script" not in snippet and "<b>" not in snippet and "<mark>fake" not in snippet
    assert len(snippet) < 600
    page = await html_search(visitor, "harbour")
    assert "<i>" not in page and "&lt;i&gt;<mark>Harbour</mark>&lt;/i&gt; lights" in page
    assert "<script>alert" not in page


def test_marks_are_balanced_whatever_the_text_holds():
    assert marked_html("a \x02b\x03 c") == "a <mark>b</mark> c"
    assert marked_html("\x03<x>\x02\x02y") == "&lt;x&gt;<mark>y</mark>"
    assert marked_html("tab\tand\nnewline \x01") == "tab and newline "


def test_queries_are_trimmed_capped_and_quoted():
    assert parse_query('  "lost my job"  rent* NEAR( -x ').index_expression() == (
        '"lost my job" "rent" "near" "x"')
    assert parse_query('say "unclosed').phrases == (("say",), ("unclosed",))
    many = parse_query(" ".join(f"w{n}" for n in range(50)))
    assert sum(len(p) for p in many.phrases) == MAX_QUERY_TERMS
    assert len(parse_query("x" * 5000).text) == MAX_QUERY_CHARS
    assert parse_query("* ^ : - ( )").is_empty and parse_query(None).is_empty


# --- what is never found -------------------------------------------------------------------

async def test_hidden_pending_rejected_and_deleted_posts_never_appear_even_by_exact_phrase(
        member, moderator, visitor):
    phrase = "marmalade sunrise over the allotment"
    shown = await make_story(member.user, title="Breakfast", body=f"A {phrase}.")
    statuses = [PostStatus.HIDDEN, PostStatus.PENDING, PostStatus.REJECTED, PostStatus.DELETED]
    withheld = [await make_reply(member.user, shown, f"Also a {phrase}.") for _ in statuses]
    for reply, status in zip(withheld, statuses, strict=True):
        await Post.filter(id=reply.id).update(status=status)
    pending_story = await make_story(member.user, title="Waiting", body=f"My {phrase}.")
    await Post.filter(id=pending_story.id).update(status=PostStatus.PENDING)
    orphan_reply = await make_reply(member.user, pending_story, f"Your {phrase}!")
    for client in (visitor, member, moderator):
        found = await api_search(client, f'"{phrase}"')
        assert [r["post"]["id"] for r in found["results"]] == [shown.id], client.user
    page = await html_search(moderator, phrase)
    assert result_links(page) == [f"/stories/{shown.thread_id}"]
    assert f"/posts/{orphan_reply.id}" not in page


async def test_hiding_and_deleting_take_a_post_out_of_results(member, moderator, visitor):
    story = await make_story(member.user, title="Kettle", body="The kettle sang at dawn.")
    reply = await make_reply(member.user, story, "Our kettle sings too.")
    assert (await api_search(visitor, "kettle"))["total"] == 2
    hidden = await moderator.post_form(f"/mod/posts/{reply.id}/hide", {"reason": "Off topic"})
    assert hidden.status_code == 303
    assert [r["post"]["id"] for r in (await api_search(visitor, "kettle"))["results"]] == [
        story.id]
    deleted = await member.post_form(f"/posts/{story.id}/delete", {})
    assert deleted.status_code == 303
    assert (await api_search(visitor, "kettle"))["total"] == 0
    # Rows removed outright (a thread deleted with its posts) leave the index too.
    other = await make_story(member.user, title="Kettle two", body="Kettle again.")
    await make_reply(member.user, other, "Kettle reply.")
    assert (await api_search(visitor, "kettle"))["total"] == 2
    await Thread.filter(id=other.thread_id).delete()
    assert await Post.filter(thread_id=other.thread_id).count() == 0
    assert (await api_search(visitor, "kettle"))["total"] == 0
    await assert_index_matches_posts()


async def test_editing_a_title_or_body_updates_results(member, visitor):
    story = await make_story(member.user, title="Winter walk", body="Cold hands, warm tea.")
    reply = await make_reply(member.user, story, "Frost on the fence.")
    edited = await member.post_form(f"/posts/{story.id}/edit",
                                    {"title": "Spring walk", "body": "Warm hands, cold tea."})
    assert edited.status_code == 303
    assert (await api_search(visitor, "winter"))["total"] == 0
    spring = await api_search(visitor, "spring")
    assert [r["post"]["id"] for r in spring["results"]] == [story.id]
    assert spring["results"][0]["story_title"] == "Spring walk"
    assert "<mark>Spring</mark> walk" in await html_search(visitor, "spring")
    await member.post_form(f"/posts/{reply.id}/edit", {"body": "Snow on the gate."})
    assert (await api_search(visitor, "frost"))["total"] == 0
    assert (await api_search(visitor, "snow"))["total"] == 1
    await assert_index_matches_posts()


# --- hostile input ---------------------------------------------------------------------------

HOSTILE = [
    '"', '""', "*", "NEAR(", "NEAR(lighthouse keeper, 2)", "AND OR", "OR NOT AND", "x" * 2000,
    "lighthouse " * 200, "'; DROP TABLE posts; --", "1 OR 1=1", "(((", "lighthouse)))", "^",
    ":", "-", "-lighthouse", "title:lighthouse", "{title body}: lighthouse", "lighthouse*",
    '"unbalanced quote', 'a"b"c"', "\\", "%_%", "日本語 検索", "🙂🔥", "Ｌｉｇｈｔｈｏｕｓｅ",
    "\u200b\u202e\x00lighthouse\x07", "<script>alert(1)</script>", "NULL",
]


@pytest.mark.parametrize("q", HOSTILE, ids=[f"hostile{n:02}" for n in range(len(HOSTILE))])
async def test_hostile_queries_are_answered_without_error(q, member, visitor):
    story = await make_story(member.user, title="The lighthouse keeper", body="Kept the lamp.")
    page = await html_search(visitor, q)
    assert "<h1>Search</h1>" in page and "went wrong" not in page
    assert "<script>alert" not in page
    found = await api_search(visitor, q)
    assert found["page"] == 1 and len(found["query"]) <= MAX_QUERY_CHARS
    if q.strip("-*)\x07\u200b\u202e\x00").lower().startswith(("lighthouse", "ｌｉｇｈｔ")):
        assert [r["post"]["id"] for r in found["results"]] == [story.id]
    assert await Post.filter(id=story.id).exists()


# --- authors, crisis, API shape --------------------------------------------------------------

async def test_anonymous_results_show_the_pseudonym_never_the_username(member, visitor,
                                                                       other_member):
    category = await Category.get(slug="depression-anxiety")
    story, _ = await create_story(member.user, category, StoryIn(
        category=category.slug, title="Quiet evenings", body="The quiet gets loud.",
        anonymous=True), rules=None)
    for client in (visitor, other_member):
        page = await html_search(client, "quiet")
        assert story.pseudonym in page and story.pseudonym.startswith("Anonymous ")
        assert "wren_member" not in page and "/u/wren_member" not in page
        found = await api_search(client, "quiet")
        author = found["results"][0]["post"]["author"]
        assert author == {"kind": "anonymous", "pseudonym": story.pseudonym, "is_op": False}
        assert "wren_member" not in str(found)


async def test_crisis_words_bring_help_above_the_results(member, visitor):
    await make_story(member.user, title="Nights", body="Some nights I feel suicidal and alone.")
    response = await visitor.get("/search", params={"q": "I feel suicidal"},
                                 headers={"Accept-Language": "en-GB"})
    assert response.status_code == 200
    page = response.text
    assert 'class="search-help' in page and "Samaritans" in page
    assert page.index('class="search-help') < page.index('class="story-card search-result')
    assert page.index("Samaritans") < page.index("<mark>suicidal</mark>")
    found = await visitor.api("GET", "/api/v1/search", params={"q": "I feel suicidal"},
                              headers={"Accept-Language": "en-GB"})
    crisis = found.json()["crisis"]
    assert crisis["level"] == "urgent"
    assert "Samaritans" in [r["name"] for r in crisis["resources"]]
    nothing_found = await html_search(visitor, "hopeless kittens")
    assert 'class="search-help' in nothing_found
    calm = await html_search(visitor, "nights")
    assert 'class="search-help' not in calm


async def test_api_answers_in_the_documented_shape(member, visitor):
    story = await make_story(member.user, title="Bread", body="Baking bread helps me.")
    reply = await make_reply(member.user, story, "Bread saved me too.")
    found = await api_search(visitor, "  bread  ")
    assert set(found) == {"query", "results", "page", "pages", "total", "crisis"}
    assert (found["query"], found["page"], found["pages"], found["total"]) == ("bread", 1, 1, 2)
    assert found["crisis"] == {"level": "none", "resources": []}
    by_id = {r["post"]["id"]: r for r in found["results"]}
    assert set(by_id) == {story.id, reply.id}
    hit = by_id[reply.id]
    assert set(hit) == {"post", "story_id", "story_title", "snippet_html"}  # no score
    assert (hit["story_id"], hit["story_title"]) == (story.thread_id, "Bread")
    assert hit["post"]["author"] == {"kind": "member", "username": "wren_member",
                                     "display_name": member.user.shown_name}
    assert hit["post"]["url"] == f"/posts/{reply.id}"
    assert "<mark>Bread</mark>" in hit["snippet_html"]
    empty = await api_search(visitor)
    assert (empty["results"], empty["total"], empty["pages"]) == ([], 0, 1)
    for bad in ({"per_page": "0"}, {"per_page": "51"}, {"per_page": "x"}, {"page": "0"}):
        response = await visitor.api("GET", "/api/v1/search", params={"q": "bread", **bad})
        assert response.status_code == 400
        assert response.headers["content-type"].startswith("application/problem+json")
    assert (await api_search(visitor, "bread", page=2, status=404))["status"] == 404


async def test_every_page_has_a_search_box_in_the_header(visitor):
    page = (await visitor.get("/")).text
    header = page[page.index('class="site-header__inner"'):page.index("</header>")]
    assert '<form method="get" action="/search" role="search">' in header
    assert 'for="site-search"' in header and 'name="q"' in header


# --- rate limit -----------------------------------------------------------------------------

@pytest.fixture
async def limited(var_dir, database_url, db):
    settings = make_settings(var_dir, database_url, FORUM_RATE_LIMITS="search=2/minute")
    app = create_app(settings, manage_database=False, strict_templates=True)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url=BASE_URL) as http:
        yield http


async def test_searches_are_rate_limited_per_address_kindly_and_help_still_shows(limited):
    for _ in range(3):  # an empty search box is not a search
        assert (await limited.get("/search")).status_code == 200
    assert (await limited.get("/search", params={"q": "tea"})).status_code == 200
    assert (await limited.get("/api/v1/search", params={"q": "tea"})).status_code == 200
    refused = await limited.get("/search", params={"q": "I want to die"})
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) > 0
    assert "paused searching for a moment" in refused.text
    assert 'class="search-help' in refused.text  # help is never rate limited
    api = await limited.get("/api/v1/search", params={"q": "tea"})
    assert api.status_code == 429
    assert api.headers["content-type"].startswith("application/problem+json")


# --- the index itself --------------------------------------------------------------------

async def test_the_search_triggers_survive_every_migration(db):
    """A later migration that rebuilds posts or threads on SQLite must recreate them."""
    conn = connections.get("default")
    if is_postgres():
        rows = await conn.execute_query_dict(
            "SELECT tgname AS name FROM pg_trigger WHERE NOT tgisinternal")
        expected = {"post_search_title", "thread_search_title"}
    else:
        rows = await conn.execute_query_dict(
            "SELECT name FROM sqlite_master WHERE type = 'trigger'")
        expected = {"post_search_insert", "post_search_update_out", "post_search_update_in",
                    "post_search_delete_out", "post_search_delete_in",
                    "post_search_thread_title_out", "post_search_thread_title_in",
                    "post_search_thread_delete"}
    assert expected <= {r["name"] for r in rows}


ROWS_BEFORE_SEARCH = [
    "INSERT INTO users (id, username, username_key, skeleton, display_name, bio, "
    "password_hash, role, expand_warnings, created_at) VALUES (1, 'Wren', 'wren', 'wren', "
    "'Wren', '', '$argon2id$x', 'member', FALSE, '2026-01-01T10:00:00+00:00')",
    "INSERT INTO categories (id, slug, name, description, position, allow_anonymous, "
    "allow_guests, premoderation) VALUES (100, 'old-cat', 'Old', 'd', 9, TRUE, FALSE, 'none')",
    "INSERT INTO threads (id, category_id, title, content_warnings, content_warning_note, "
    "is_locked, is_pinned, reply_count, created_at, last_post_at) VALUES "
    "(1, 100, 'The lighthouse keeper', '[]', '', FALSE, FALSE, 1, "
    "'2026-01-01T10:00:00+00:00', '2026-01-01T11:00:00+00:00')",
    "INSERT INTO posts (id, thread_id, author_id, is_story, body_md, body_html, status, "
    "created_at) VALUES (1, 1, 1, TRUE, 'I kept the lamp', '<p>I kept the lamp</p>', "
    "'published', '2026-01-01T10:00:00+00:00'), (2, 1, 1, FALSE, 'running beside you', "
    "'<p>running beside you</p>', 'published', '2026-01-01T11:00:00+00:00')",
]


@pytest.fixture
def scratch_url(database_url: str, tmp_path: Path):
    if database_url.startswith("sqlite"):
        yield f"sqlite://{tmp_path / 'search.sqlite3'}"
        return
    name = f"hearth_search_{uuid.uuid4().hex[:10]}"
    parts = urlsplit(database_url)

    async def admin_sql(sql: str) -> None:
        conn = await asyncpg.connect(urlunsplit(parts._replace(path="/postgres")))
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(admin_sql(f'CREATE DATABASE "{name}"'))
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        asyncio.run(admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def _found(url: str, sqlite_sql: str, postgres_sql: str, *args: str) -> list:
    if url.startswith("sqlite"):
        with sqlite3.connect(sqlite_path(url)) as conn:
            return [tuple(r) for r in conn.execute(sqlite_sql, args)]

    async def fetch() -> list:
        conn = await asyncpg.connect(url)
        try:
            return [tuple(r) for r in await conn.fetch(postgres_sql, *args)]
        finally:
            await conn.close()

    return asyncio.run(fetch())


def test_the_migration_indexes_posts_already_written_and_can_be_undone(scratch_url: str,
                                                                       tmp_path: Path):
    tortoise = str(BIN / "tortoise")
    run_cli([tortoise, "migrate", "models", "0006_sealed_restrictions"], scratch_url, tmp_path)
    statements = [s.replace("TRUE", "1").replace("FALSE", "0") if scratch_url.startswith(
        "sqlite") else s for s in ROWS_BEFORE_SEARCH]
    for sql in statements:
        _found(scratch_url, sql, sql)
    run_cli([tortoise, "migrate", "models", "0007_search"], scratch_url, tmp_path)
    match = ("SELECT rowid FROM post_search WHERE post_search MATCH ? ORDER BY rowid",
             "SELECT id FROM posts WHERE search_vector @@ websearch_to_tsquery('english', $1) "
             "ORDER BY id")
    assert _found(scratch_url, *match, '"lighthouse"') == [(1,)]  # the story, by its title
    assert _found(scratch_url, *match, '"lamp"') == [(1,)]
    assert _found(scratch_url, *match, '"run"') == [(2,)]
    run_cli([tortoise, "downgrade", "models", "0006_sealed_restrictions"], scratch_url, tmp_path)
    leftovers = _found(
        scratch_url, "SELECT name FROM sqlite_master WHERE name LIKE '%search%'",
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'posts' "
        "AND column_name LIKE 'search%'")
    assert leftovers == []
    assert _found(scratch_url, "SELECT count(*) FROM posts",
                  "SELECT count(*) FROM posts") == [(2,)]


UNREADABLE_BEFORE_0013 = [
    "INSERT INTO threads (id, category_id, title, content_warnings, content_warning_note, "
    "is_locked, is_pinned, reply_count, created_at, last_post_at) VALUES "
    "(2, 100, 'Waiting lighthouse', '[]', '', 0, 0, 0, '2026-01-02T10:00:00+00:00', "
    "'2026-01-02T10:00:00+00:00')",
    "INSERT INTO posts (id, thread_id, author_id, is_story, body_md, body_html, status, "
    "created_at) VALUES (3, 1, 1, 0, 'the lighthouse, hidden', '<p>x</p>', 'hidden', "
    "'2026-01-01T12:00:00+00:00'), (4, 2, 1, 1, 'lighthouse held', '<p>x</p>', 'pending', "
    "'2026-01-02T10:00:00+00:00'), (5, 2, 1, 0, 'lighthouse reply', '<p>x</p>', "
    "'published', '2026-01-02T11:00:00+00:00')",
]


@pytest.mark.backend_independent  # a SQLite file of its own: 0013 changes only SQLite's index
def test_the_readable_only_index_is_built_from_posts_already_written_and_can_be_undone(
        tmp_path: Path):
    """SQLite: 0013 rebuilds the index from readable posts only (PostgreSQL's ts_rank has
    no corpus statistics, and 0013 leaves it as it is)."""
    scratch_url = f"sqlite://{tmp_path / 'search-0013.sqlite3'}"
    tortoise = str(BIN / "tortoise")
    run_cli([tortoise, "migrate", "models", "0012_sealed_released_names"], scratch_url,
            tmp_path)
    for sql in [*ROWS_BEFORE_SEARCH, *UNREADABLE_BEFORE_0013]:
        _found(scratch_url, sql.replace("TRUE", "1").replace("FALSE", "0"), "")
    indexed = ("SELECT rowid FROM post_search WHERE post_search MATCH ? ORDER BY rowid", "")
    assert _found(scratch_url, *indexed, '"lighthouse"') == [(1,), (3,), (4,), (5,)]
    run_cli([tortoise, "migrate", "models", "0013_search_readable_only"], scratch_url,
            tmp_path)
    assert _found(scratch_url, *indexed, '"lighthouse"') == [(1,)]  # the story, by its title
    assert _found(scratch_url, *indexed, '"run"') == [(2,)]
    assert _found(scratch_url, "SELECT id FROM post_search_source ORDER BY id", "") == [
        (1,), (2,)]
    _found(scratch_url, "INSERT INTO post_search(post_search, rank) VALUES "
           "('integrity-check', 1)", "")
    run_cli([tortoise, "downgrade", "models", "0012_sealed_released_names"], scratch_url,
            tmp_path)
    assert _found(scratch_url, *indexed, '"lighthouse"') == [(1,), (3,), (4,), (5,)]
    _found(scratch_url, "INSERT INTO post_search(post_search, rank) VALUES "
           "('integrity-check', 1)", "")


async def test_a_deleted_members_post_is_found_as_by_a_former_member(member, visitor):
    story = await make_story(member.user, title="Orchard", body="Apples in the orchard.")
    await User.filter(id=member.user.id).delete()
    found = await api_search(visitor, "orchard")
    assert [r["post"]["author"] for r in found["results"]] == [{"kind": "former_member"}]
    assert found["results"][0]["post"]["id"] == story.id


async def test_censored_words_stay_masked_in_snippets(member, moderator, visitor):
    await moderator.post_form("/mod/words", {"pattern": "blasted", "action": "censor"})
    posted = await member.post_form("/stories/new", {
        "category": "small-wins", "title": "Bus trip", "submission_id": "censor-search-01",
        "body": "That blasted bus was late again, but I got to group on time."})
    assert posted.status_code == 303, posted.text[:2000]
    page = await visitor.get("/search?q=bus+group")
    assert "<mark>Bus</mark> trip" in page.text
    assert "blasted" not in page.text.split("<main", 1)[1] and "•" in page.text
