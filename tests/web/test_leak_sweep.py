"""Nothing links an anonymous post to its author: not a page, an API answer, a header, a
redirect or an error page seen by anyone but the author and admins — nor a copy of the
database read without the anonymity key (SPEC, "Anonymity").

A member wearing canaries (username, display name, email, bio, user id, session tokens)
writes *only* anonymously — a story, replies in two other members' threads, an edit, a post
held by a watched word — and the others answer, report, hide, warn and silence "the author
of this post". Then `sweep` crawls the site as a visitor, another member and a moderator:
every same-site link from the front page and the moderation pages (breadth-first, redirects
followed by hand so their Location headers are checked), every GET path of the OpenAPI
document with real ids, and a few error pages. Because the canary has no named post, any
sight of a canary anywhere is a leak; `sweep` returns each as a finding.

The deliberate leak the sweep caught during development: the API's `post_json` made to add
`"author_id": <the sealed author's id>` and the story cards and thread pages made to print
the author's username beside the pseudonym. As a visitor alone it reported dozens of
findings — the username on / and on each /stories/{id} with an anonymous post, the user id
in every /api/v1/categories/{slug}/stories and /api/v1/stories/{id} answer carrying one.
Those edits were never made to the application's files (they belong to others): the same
two leaks are planted with monkeypatch in `test_the_sweep_reports_a_deliberately_planted_leak`,
so the proof runs every time.

A real leak found while writing this module is tested at the end of the file (it failed
until fixed): a sanction through an anonymous post could be matched to the member's own
sanction dates.
"""

from __future__ import annotations

import html
import re
from collections import deque
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

import httpx
import pytest
from tortoise import connections

from forum import sealing
from forum.actions.posting import create_reply
from forum.anonymity import AuthorView, my_anonymous_post_ids, sealed_author_id
from forum.api import content as api_content
from forum.api import moderation as api_moderation
from forum.api import serialize
from forum.models.accounts import User
from forum.models.content import Category, Post, PostStatus, Thread
from forum.models.moderation import AuditEntry, WatchedWord
from forum.schemas.posting import ReplyIn
from forum.sealed_side import read_sealed_side
from forum.sessions import SESSION_COOKIE, hash_token
from forum.views import home as home_views
from forum.views import stories as story_views

from ..conftest import BASE_URL, Client
from ..factories import PASSWORD, make_reply, make_story, make_user

CANARY_USERNAME = "zq_canary_wren"
CANARY_DISPLAY_NAME = "Quillon Marrowby"
CANARY_EMAIL = "quillon.marrowby@example.org"
CANARY_BIO = "Bio-canary-7731"

PAGE_CAP = 400  # per persona, for the link crawl
MIN_PAGES = 15  # per persona: a crawl that silently fetched nothing must fail
SITE = urlsplit(BASE_URL).netloc
MOD_STARTS = ("/mod/", "/mod/?tab=reports", "/mod/?tab=urgent", "/mod/?tab=approval",
              "/mod/log", "/mod/words")
ERROR_PAGES = ("/nope", "/stories/999999", "/posts/999999", "/api/v1/stories/999999",
               "/api/v1/categories/nope/stories", "/mod/posts/999999")
# Search, feeds and notifications are crawled too (their links are on every page as well).
MEMBER_PAGES = ("/search?q=nights", "/search?q=anonymous", "/search?q=winter+coat",
                "/feeds/latest.atom", "/c/depression-anxiety/feed.atom", "/notifications",
                "/needs-reply")


# --- what must never be seen -------------------------------------------------------------

Check = tuple[str, re.Pattern[str]]


def canary_checks(user_id: int, tokens: tuple[str, ...]) -> list[Check]:
    """Each canary as a pattern: the words case-insensitively, the id where it means a user."""
    uid = rf"{user_id}(?!\d)"
    checks: list[Check] = [
        (label, re.compile(re.escape(value), re.IGNORECASE))
        for label, value in (("username", CANARY_USERNAME),
                             ("display name", CANARY_DISPLAY_NAME),
                             ("email", CANARY_EMAIL), ("bio", CANARY_BIO))
    ]
    checks += [("user id", re.compile(pattern, re.IGNORECASE)) for pattern in (
        rf"/u/{uid}",
        rf"/users/{uid}",
        rf"""["']?\w*(?:author|user|reporter|owner|recipient)_?id["']?\s*[:=]\s*["']?{uid}""",
        rf"""data-(?:author|user|owner)[\w-]*\s*=\s*["']?{uid}""",
        rf'"target_type"\s*:\s*"user"\s*,\s*"target_id"\s*:\s*{uid}',
    )]
    checks += [("session token", re.compile(re.escape(t))) for t in tokens]
    checks += [("session token hash", re.compile(re.escape(hash_token(t)))) for t in tokens]
    return checks


def scan(text: str, checks: list[Check]) -> list[tuple[str, str]]:
    """(canary, surrounding text) for each canary in the text, as sent, HTML-unescaped, or
    URL-decoded."""
    variants = dict.fromkeys((text, html.unescape(text), unquote(text)))
    found = []
    for label, pattern in checks:
        for variant in variants:
            if match := pattern.search(variant):
                context = variant[max(0, match.start() - 100):match.end() + 100]
                found.append((label, " ".join(context.split())))
                break
    return found


# --- the crawl ---------------------------------------------------------------------------

class LinkParser(HTMLParser):
    """Where a page lets you go with a GET: <a href>, <link href> and GET forms' actions."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag in ("a", "link") and found.get("href"):
            self.links.append(str(found["href"]))
        elif (tag == "form" and (found.get("method") or "get").lower() == "get"
              and found.get("action")):
            self.links.append(str(found["action"]))


def same_site(current: str, href: str) -> str | None:
    """The path and query to fetch next, or None for other sites, static files, sign-out."""
    parts = urlsplit(urljoin(BASE_URL + current, href))
    if parts.scheme not in ("http", "https") or parts.netloc != SITE:
        return None
    path = parts.path or "/"
    if path.startswith("/static/") or "signout" in path + parts.query:
        return None
    return path + (f"?{parts.query}" if parts.query else "")


@dataclass
class Persona:
    name: str
    web: Client  # a cookie session (or none, for the visitor)
    api: Client  # a bearer token (or none)


@dataclass
class Sweep:
    checks: list[Check]
    watch_for: tuple[str, ...] = ()  # strings each persona should have come across
    # The canary's own public profile names them, as it should: there, look instead for
    # anything of their anonymous posts (their pseudonyms, links to those posts).
    own_profile: tuple[str, ...] = ()
    profile_checks: list[Check] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)
    fetched: dict[str, set[str]] = field(default_factory=dict)
    came_across: dict[str, set[str]] = field(default_factory=dict)

    def inspect(self, persona: str, url: str, response: httpx.Response) -> None:
        self.fetched.setdefault(persona, set()).add(url)
        where = f"{persona} GET {url} → {response.status_code}"
        checks = (self.profile_checks if url.split("?")[0] in self.own_profile
                  else self.checks)
        for label, context in scan(response.text, checks):
            self.findings.append(f"{where}: {label} in the body: …{context}…")
        for name, value in response.headers.multi_items():
            for label, context in scan(f"{name}: {value}", checks):
                self.findings.append(f"{where}: {label} in a header: {context}")
        seen = self.came_across.setdefault(persona, set())
        seen.update(s for s in self.watch_for if s in response.text)


async def crawl(sweep: Sweep, persona: Persona, starts: list[str], cap: int) -> None:
    """Breadth-first over same-site links and redirects, without following any by itself."""
    queue = deque(dict.fromkeys(starts))
    queued = set(queue)
    fetched = 0
    while queue and fetched < cap:
        url = queue.popleft()
        response = await persona.web.get(url)
        fetched += 1
        sweep.inspect(persona.name, url, response)
        if response.is_redirect:
            targets = [response.headers["location"]]
        elif response.headers.get("content-type", "").startswith("text/html"):
            parser = LinkParser()
            parser.feed(response.text)
            targets = parser.links
        else:
            targets = []
        for href in targets:
            target = same_site(url, href)
            if target is not None and target not in queued:
                queued.add(target)
                queue.append(target)


def expand(template: str, operation: dict[str, Any], fill: dict[str, list[str]]) -> list[str]:
    """Every URL for one OpenAPI GET: each path parameter with each real value, and each
    query parameter we have values for (a `tab` lists its values in its description)."""
    urls = [template]
    for name in re.findall(r"\{(\w+)\}", template):
        assert name in fill, f"the sweep doesn't know how to fill {{{name}}} in {template}"
        urls = [u.replace(f"{{{name}}}", value) for u in urls for value in fill[name]]
    queries = [""]
    declared = {p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"}
    for param in operation.get("parameters", []):
        if param.get("in") != "query":
            continue
        name = param["name"]
        listed = [v.strip() for v in param.get("description", "").split("|") if v.strip()]
        values = fill.get(f"?{name}") or (listed if len(listed) > 1 else [])
        queries += [f"?{name}={value}" for value in values]
    queries += [combined for combined in fill.get("?", [])  # several parameters at once
                if set(re.findall(r"(\w+)=", combined)) <= declared]
    return [url + query for url in urls for query in queries]


async def sweep_api(sweep: Sweep, persona: Persona, fill: dict[str, list[str]]) -> None:
    document = await persona.api.api("GET", "/api/v1/openapi.json")
    assert document.status_code == 200
    sweep.inspect(persona.name, "/api/v1/openapi.json", document)
    for template, operations in document.json()["paths"].items():
        if "get" not in operations:
            continue
        for url in expand(template, operations["get"], fill):
            response = await persona.api.api("GET", url)
            sweep.inspect(persona.name, url, response)
            if response.is_redirect:
                target = same_site(url, response.headers["location"])
                if target is not None:
                    sweep.inspect(persona.name, target, await persona.api.api("GET", target))


# --- the scenario ------------------------------------------------------------------------

@dataclass
class World:
    canary: User
    tokens: tuple[str, ...]  # the canary's real web session and API token
    threads: dict[str, int]  # A: the canary's anonymous story; B, C: other members' stories
    anonymous_ids: list[int]
    op_reply_id: int
    post_ids: list[int]
    personas: dict[str, Persona]
    usernames: list[str]  # the other members', for {username}
    word_ids: list[int]
    slugs: list[str]


def _posted_id(response: httpx.Response) -> int:
    """The post a reply form made, from its redirect to `/stories/N…#post-M`."""
    assert response.status_code == 303, response.text[:500]
    found = re.search(r"#post-(\d+)$", response.headers["location"])
    assert found, response.headers["location"]
    return int(found.group(1))


async def anonymous_reply(author: User, thread_id: int, body: str,
                          reply_to: int | None = None) -> Post:
    thread = await Thread.get(id=thread_id).select_related("category")
    reply, _ = await create_reply(author, thread,
                                  ReplyIn(body=body, reply_to=reply_to, anonymous=True),
                                  rules=None)
    return reply


@pytest.fixture
async def world(client_factory, visitor, member, other_member, moderator) -> World:
    # The canary: a real account with a real web session and API token, seen by nobody.
    canary_user = await make_user(CANARY_USERNAME, email=CANARY_EMAIL)
    canary = await client_factory(canary_user)
    canary_api = await client_factory(canary_user, api_token=True)
    saved = await canary.post_form("/account", {"display_name": CANARY_DISPLAY_NAME,
                                                "bio": CANARY_BIO, "email": CANARY_EMAIL})
    assert saved.status_code == 303
    web_token = canary.http.cookies.get(SESSION_COOKIE)
    assert web_token and canary_api.token
    moderator_api = await client_factory(moderator.user, api_token=True)

    for pattern, action in (("lanternfish", "require_approval"), ("thistle", "flag")):
        added = await moderator.post_form("/mod/words", {"pattern": pattern, "action": action})
        assert added.status_code == 303

    # Thread A: the canary's anonymous story, through the form, with an OP reply.
    written = await canary.post_form("/stories/new", {
        "category": "depression-anxiety", "title": "A night I could not name",
        "body": "I have not told anyone about the nights.", "anonymous": "1"})
    assert written.status_code == 303, written.text[:500]
    thread_a = int(written.headers["location"].rsplit("/", 1)[1])
    story_a = await Post.get(thread_id=thread_a, is_story=True)
    op_reply = await anonymous_reply(canary_user, thread_a,
                                     "Thank you. The thistle tea helped, oddly.")
    # Threads B and C: other members' stories the canary answers anonymously.
    story_b = await make_story(member.user, title="The first winter without her",
                               category="grief-loss", body="Her coat is still by the door.")
    story_c = await make_story(other_member.user, title="Ninety days, and counting",
                               category="recovery-sobriety", body="Ninety days today.")
    b1 = _posted_id(await canary.post_form(f"/stories/{story_b.thread_id}/replies", {
        "body": "The coat stayed by my door for a year too.", "anonymous": "1"}))
    via_api = await canary_api.api("POST", f"/api/v1/stories/{story_c.thread_id}/replies",
                                   json={"body": "Ninety days is huge.", "anonymous": True})
    assert via_api.status_code == 201, via_api.text
    c1 = via_api.json()["id"]
    b2 = await anonymous_reply(canary_user, story_b.thread_id, "Winter ends, slowly.",
                               reply_to=b1)
    c2 = await anonymous_reply(canary_user, story_c.thread_id,
                               "I go to the Tuesday meeting at my office on Elm Street.")
    # Held by a watched word: one stays in the approval queue, one is approved.
    b3 = _posted_id(await canary.post_form(f"/stories/{story_b.thread_id}/replies", {
        "body": "Lanternfish glow in the dark; so can we.", "anonymous": "1"}))
    c3 = await anonymous_reply(canary_user, story_c.thread_id, "A lanternfish kind of day.")
    assert (await Post.get(id=b3)).status == PostStatus.PENDING
    assert c3.status == PostStatus.PENDING

    edited = await canary.post_form(f"/posts/{b1}/edit", {
        "body": "The coat stayed by my door for a whole year too."})
    assert edited.status_code == 303, edited.text[:500]

    # The others answer the anonymous posts, some pointing at them with reply_to.
    for client, thread_id, body, reply_to in (
            (other_member, thread_a, "You are not alone in the nights.", story_a.id),
            (member, thread_a, "Tea counts. Anything that helps counts.", op_reply.id)):
        _posted_id(await client.post_form(f"/stories/{thread_id}/replies",
                                          {"body": body, "reply_to": str(reply_to)}))
    await make_reply(other_member.user, story_b, "A year is not too long.", reply_to=b1)
    await make_reply(member.user, story_c, "Agreed, huge.", reply_to=c1)
    await make_reply(member.user, story_b, "Thank you, all of you.")

    # Reports, and moderators acting on the posts and on "the author of this post".
    for client, post_id, reason, note in (
            (other_member, b1, "harassment", "This felt sharp to me"),
            (member, story_a.id, "worried", "They sound alone tonight"),
            (other_member, c2.id, "other", "Names a workplace")):
        reported = await client.post_form(f"/posts/{post_id}/report",
                                          {"reason": reason, "note": note})
        assert reported.status_code == 303, reported.text[:500]
    for url, data in ((f"/mod/posts/{c2.id}/hide", {"reason": "Personal details"}),
                      (f"/mod/posts/{c2.id}/author/warn",
                       {"reason": "Please keep personal details out of posts"}),
                      (f"/mod/posts/{c3.id}/approve", {})):
        done = await moderator.post_form(url, data)
        assert done.status_code == 303, (url, done.text[:500])
    silenced = await moderator_api.api("POST", f"/api/v1/mod/posts/{b2.id}/author/silence",
                                       json={"days": 2, "reason": "A pause to cool off"})
    assert silenced.status_code == 200, silenced.text

    threads = {"A": thread_a, "B": story_b.thread_id, "C": story_c.thread_id}
    anonymous_ids = sorted(await Post.filter(is_anonymous=True).values_list("id", flat=True))
    assert anonymous_ids == sorted([story_a.id, op_reply.id, b1, b2.id, b3, c1, c2.id, c3.id])
    post_ids = sorted(await Post.filter(thread_id__in=list(threads.values())).values_list(
        "id", flat=True))
    personas = {
        "visitor": Persona("visitor", visitor, await client_factory()),
        "other member": Persona("other member", other_member,
                                await client_factory(other_member.user, api_token=True)),
        "moderator": Persona("moderator", moderator, moderator_api),
    }
    # Support on the anonymous story, and the author reading their notifications.
    for reader in (member, other_member):
        reacted = await reader.post_form(f"/posts/{story_a.id}/reactions/hug", {"on": "1"})
        assert reacted.status_code == 303
    assert (await canary.get("/notifications")).status_code == 200

    return World(
        canary=canary_user, tokens=(web_token, canary_api.token), threads=threads,
        anonymous_ids=anonymous_ids, op_reply_id=op_reply.id, post_ids=post_ids,
        personas=personas,
        usernames=[member.user.username, other_member.user.username, moderator.user.username],
        word_ids=list(await WatchedWord.all().values_list("id", flat=True)),
        slugs=list(await Category.all().values_list("slug", flat=True)),
    )


async def sweep(world: World, personas: list[Persona], *, cap: int = PAGE_CAP,
                watch_for: tuple[str, ...] = ()) -> Sweep:
    """Crawl and call the API as each persona; the findings are every canary seen."""
    found = Sweep(canary_checks(world.canary.id, world.tokens), watch_for,
                  # Moderators' member search lists every account, the canary's too, and
                  # links to each one's moderation page: there too, nothing may tie the
                  # name to the anonymous posts.
                  own_profile=(f"/u/{CANARY_USERNAME}", f"/api/v1/users/{CANARY_USERNAME}",
                               "/mod/people", f"/mod/users/{CANARY_USERNAME}",
                               f"/mod/users/{CANARY_USERNAME}/ban"),
                  profile_checks=[
                      *((f"pseudonym {name}", re.compile(re.escape(name))) for name in watch_for),
                      *((f"anonymous post {n}", re.compile(rf"/posts/{n}\b|\"id\": ?{n}\b"))
                        for n in world.anonymous_ids),
                      *(check for check in canary_checks(world.canary.id, world.tokens)
                        if check[0].startswith(("session", "token", "email"))),
                  ])
    ids = [str(n) for n in sorted({*world.threads.values(), *world.post_ids})]
    fill = {
        "id": ids, "thread_id": ids, "post_id": ids, "slug": world.slugs,
        "word_id": [str(n) for n in world.word_ids],
        "username": [*world.usernames, CANARY_USERNAME], "action": ["warn"],
        "?target_type": ["post", "user"], "?action": ["warn", "silence", "hide", "approve"],
        "?actor": world.usernames[-1:], "?page": ["2"],
        "?q": ["nights", "anonymous", "winter"],
        "?": [f"?target_type=post&target_id={n}" for n in world.anonymous_ids]
        + [f"?target_type=user&target_id={world.canary.id}"],
    }
    starts = ["/", *MOD_STARTS, *ERROR_PAGES, *MEMBER_PAGES, f"/u/{CANARY_USERNAME}",
              *(f"/stories/{n}" for n in world.threads.values()),
              *(f"/posts/{n}" for n in world.post_ids),
              *(f"/mod/posts/{n}" for n in world.anonymous_ids)]
    for persona in personas:
        await crawl(found, persona, starts, cap)
        await sweep_api(found, persona, fill)
    return found


# --- the tests ---------------------------------------------------------------------------

async def test_no_page_api_answer_header_or_redirect_names_an_anonymous_author(world):
    posts = await Post.filter(id__in=world.anonymous_ids)
    names_by_thread: dict[int, set[str]] = {}
    for post in posts:
        names_by_thread.setdefault(post.thread_id, set()).add(post.pseudonym)
    assert set(names_by_thread) == set(world.threads.values())
    # One name per thread for the canary's posts, stable; not one name across threads.
    assert all(len(names) == 1 for names in names_by_thread.values()), names_by_thread
    pseudonyms = [next(iter(names)) for names in names_by_thread.values()]
    assert all(name.startswith("Anonymous ") for name in pseudonyms)
    assert len(set(pseudonyms)) > 1, f"one pseudonym in every thread: {pseudonyms}"
    assert {p.id for p in posts if p.is_op} == {world.op_reply_id}
    reader = world.personas["visitor"].api
    for thread_id in world.threads.values():  # and so readers see it
        shown = (await reader.api("GET", f"/api/v1/stories/{thread_id}")).json()
        authors = [shown["post"]["author"], *(r["author"] for r in shown["replies"])]
        assert {a["pseudonym"] for a in authors if a["kind"] == "anonymous"} \
            == names_by_thread[thread_id]

    found = await sweep(world, list(world.personas.values()), watch_for=tuple(pseudonyms))

    assert not found.findings, "the anonymous author leaked:\n" + "\n".join(found.findings)
    for persona in world.personas:
        pages = {url for url in found.fetched[persona] if not url.startswith("/api/")}
        assert len(pages) >= MIN_PAGES, (persona, sorted(pages))
        # The crawl reached the anonymous posts themselves, not only the pages around them.
        assert found.came_across[persona] == set(pseudonyms), persona
    assert any(url.startswith("/mod/posts/") for url in found.fetched["moderator"])


async def test_the_sweep_reports_a_deliberately_planted_leak(world, monkeypatch):
    """The sweep's own test: plant the two leaks described in the module docstring."""
    usernames = dict(await User.all().values_list("id", "username"))
    real_author_view = story_views.author_view
    real_post_json = serialize.post_json

    def author_view_naming_the_author(post: Post, viewer: User | None) -> AuthorView:
        view = real_author_view(post, viewer)
        author_id = sealed_author_id(post) if post.is_anonymous else None
        if author_id is None:
            return view
        return replace(view, name=f"{view.name} ({usernames[author_id]})")

    def post_json_with_author_id(post: Post, viewer: User | None) -> dict[str, Any]:
        data = real_post_json(post, viewer)
        if post.is_anonymous:
            data["author_id"] = sealed_author_id(post)
        return data

    for module in (story_views, home_views):
        monkeypatch.setattr(module, "author_view", author_view_naming_the_author)
    for module in (serialize, api_content, api_moderation):
        monkeypatch.setattr(module, "post_json", post_json_with_author_id)

    found = await sweep(world, [world.personas["visitor"]], cap=40)

    story_a = f"/stories/{world.threads['A']}"
    assert any(f"GET {story_a} " in f and "username" in f for f in found.findings), \
        found.findings
    assert any(f"GET /api/v1{story_a} " in f and "user id" in f for f in found.findings), \
        found.findings


async def _table_names() -> list[str]:
    conn = connections.get("default")
    if conn.capabilities.dialect == "sqlite":
        rows = await conn.execute_query_dict(
            "SELECT name FROM sqlite_master WHERE type = 'table'")
        return [r["name"] for r in rows if not r["name"].startswith("sqlite_")]
    rows = await conn.execute_query_dict(
        "SELECT table_name FROM information_schema.tables "
        "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'")
    return [r["table_name"] for r in rows]


USER_COLUMNS = {"author_id", "user_id", "reporter_id", "actor_id", "recipient_id", "owner_id"}
ACCOUNT_TABLES = {"users", "sessions"}  # the canary's own account rows, named by design


def row_problems(table: str, row: dict[str, Any], user_id: int) -> list[str]:
    """What in one database row would tell a reader without the key who the canary is."""
    problems = []
    for column, value in row.items():
        if value is None:
            continue
        if (column in USER_COLUMNS or column.endswith("user_id")) and value == user_id:
            problems.append(f"{table}.{column} = the canary's id")
        text = str(value).casefold()
        for label, needle in (("username", CANARY_USERNAME), ("email", CANARY_EMAIL),
                              ("display name", CANARY_DISPLAY_NAME), ("bio", CANARY_BIO)):
            if needle.casefold() in text:
                problems.append(f"{table}.{column} holds the canary's {label}: {value!r}")
    if table == "audit_log" and row["target_type"] == "user" and row["target_id"] == user_id:
        problems.append(f"audit_log row {row['id']} targets the canary's account")
    return problems


async def test_a_copy_of_the_database_without_the_key_names_no_anonymous_author(
        world, admin, client_factory, settings):
    conn = connections.get("default")
    tables = await _table_names()
    rows = {t: await conn.execute_query_dict(f'SELECT * FROM "{t}"') for t in tables}
    anonymous = set(world.anonymous_ids)
    threads = set(world.threads.values())
    tied = {
        "posts": [r for r in rows["posts"] if r["is_anonymous"]],
        "post_revisions": [r for r in rows["post_revisions"] if r["post_id"] in anonymous],
        "reports": [r for r in rows["reports"] if r["post_id"] in anonymous],
        "thread_pseudonyms": [r for r in rows["thread_pseudonyms"] if r["thread_id"] in threads],
        "audit_log": [r for r in rows["audit_log"]
                      if r["target_type"] == "post" and r["target_id"] in anonymous],
        "sealed_notifications": rows["sealed_notifications"],
        "notifications": rows["notifications"],
    }
    # The scenario really wrote each kind of row (else this test would prove nothing).
    assert len(tied["posts"]) == len(anonymous)
    assert {len(tied[t]) >= n for t, n in (
        ("post_revisions", 1), ("reports", 4), ("thread_pseudonyms", 3), ("audit_log", 4),
        ("sealed_notifications", 3), ("notifications", 1))} == {True}
    assert all(r["author_id"] is None and r["sealed_author"].startswith("v1:")
               for r in tied["posts"])
    assert all(r["sealed_recipient"].startswith("v1:") for r in tied["sealed_notifications"])

    # The checker itself sees a plain author id and a name (else "no problems" means nothing).
    assert row_problems("posts", {**tied["posts"][0], "author_id": world.canary.id},
                        world.canary.id)
    assert row_problems("reports", {"note": f"by {CANARY_USERNAME.upper()}"}, world.canary.id)
    problems = [p for table, found in tied.items() for row in found
                for p in row_problems(table, row, world.canary.id)]
    # Beyond the rows tied to the posts: the canary did nothing but post anonymously, so no
    # row outside their own account may point at them at all (no sanction, no plain note).
    problems += [p for table in tables if table not in ACCOUNT_TABLES
                 for row in rows[table] for p in row_problems(table, row, world.canary.id)]
    problems += [f"{table} holds a raw session token" for table in tables
                 for row in rows[table] for token in world.tokens
                 if any(token in str(v) for v in row.values())]
    assert not problems, "\n".join(dict.fromkeys(problems))

    # With the key, the app knows; with another key it knows nothing, and says so.
    posts = await Post.filter(id__in=world.anonymous_ids)
    canary = await User.get(id=world.canary.id)
    assert {sealed_author_id(p) for p in posts} == {canary.id}
    assert sorted(await my_anonymous_post_ids(canary)) == world.anonymous_ids
    admin_api = await client_factory(admin.user, api_token=True)
    checks = canary_checks(canary.id, world.tokens)
    try:
        sealing.configure("a-different-key")
        assert [sealed_author_id(p) for p in posts] == [None] * len(posts)
        assert (await read_sealed_side(canary)).anonymous_post_ids == ()
        page = await admin.post_form(f"/admin/posts/{world.anonymous_ids[0]}/reveal",
                                     {"reason": "Checking what a wrong key can tell",
                                      "password": PASSWORD})
        api = await admin_api.api("POST", f"/api/v1/admin/posts/{world.anonymous_ids[-1]}/reveal",
                                  json={"reason": "Checking what a wrong key can tell",
                                        "password": PASSWORD})
    finally:
        sealing.configure(settings.anonymity_secret)
    assert page.status_code == 409, page.text[:500]
    assert "can't be identified" in html.unescape(page.text)
    assert api.status_code == 409, api.text
    assert "can't be identified" in api.json()["detail"]
    assert scan(page.text, checks) == [] and scan(api.text, checks) == []
    assert not await AuditEntry.exists(action="reveal")
    assert {sealed_author_id(p) for p in posts} == {canary.id}  # the real key is back


# A real leak this test caught: silencing (suspending, banning) "the author of this post"
# once wrote an audit row "the author of post #N until 2026-11-29 00:00 UTC" and set the same
# end on the member's own row (shown on /mod/users/<name>; a ban's banned_at matched the
# audit row's time), so the log plus member pages — or a database copy — named the author.
# Limits set through an anonymous post are now sealed on the member's row
# (forum.restrictions) and the audit label carries no date.
async def test_a_sanction_through_an_anonymous_post_does_not_single_out_its_author(world):
    entries = await AuditEntry.filter(target_type="post", target_id__in=world.anonymous_ids,
                                      action__in=["silence", "suspend", "ban"])
    assert entries, "the scenario sanctions the author of an anonymous post"
    users = await User.all()
    for entry in entries:
        stated = re.search(r"until (\d{4}-\d\d-\d\d \d\d:\d\d) UTC", entry.target_label)
        matching = [u.username for u in users if any(
            (stated and when and f"{when:%Y-%m-%d %H:%M}" == stated.group(1))
            or (entry.action == "ban" and when and abs((when - entry.created_at)
                                                       .total_seconds()) < 5)
            for when in (u.silenced_until, u.suspended_until, u.banned_at))]
        assert len(matching) != 1, (
            f"audit row {entry.id} ({entry.action}: {entry.target_label!r}) matches only "
            f"{matching[0]}'s own sanction dates")
