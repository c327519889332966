"""axe-core on every page type, as a visitor, a guest, a member, a moderator and an admin: at
1280 px and at 320 px, in the light and the dark colour scheme, with no serious or critical
violation anywhere.

axe-core comes from the npm registry (`tests/a11y/package.json`, pinned by its lock file;
`make test` installs it with `npm ci`) and is injected into Debian's chromium through
Playwright. Every page is checked as a person gets it — a real `forum serve`, real sessions,
real content: a warned story with replies, a report in the moderators' queue, a guest's
manage page. The pages are listed in PAGES; a route that is missing from it fails
`test_every_page_route_is_checked`, so a new page cannot go unchecked. Each pass of
`make test` checks both widths and both schemes (SQLite: 1280 light, 320 dark; PostgreSQL:
1280 dark, 320 light), so the two together check every width in every scheme.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pytest
from playwright.async_api import Browser, Page, async_playwright

from forum.actions.reports import file_report
from forum.models.accounts import Role
from forum.models.moderation import ReportReason
from forum.routes import routes
from forum.sessions import SESSION_COOKIE

from ..factories import make_reply, make_story, make_user, sign_in_directly
from .conftest import LiveServer
from .test_browser import CHROMIUM, CHROMIUM_ARGS, TIMEOUT_MS, require_chromium

pytestmark = pytest.mark.e2e

AXE = Path(__file__).resolve().parents[1] / "a11y" / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = {"serious", "critical"}
Who = Literal["visitor", "member", "moderator", "admin"]
Scheme = Literal["light", "dark"]


@dataclass(frozen=True)
class Case:
    who: Who
    path: str  # may hold {story}, {reply}, {post}, {own}, {author}, {resource}, {manage}
    status: int = 200


# Every page a person can land on, once per kind of viewer that sees it differently.
PAGES: tuple[Case, ...] = (
    Case("visitor", "/"),
    Case("visitor", "/c/{slug}"),
    Case("visitor", "/needs-reply"),
    Case("visitor", "/stories/{story}"),
    Case("visitor", "/posts/{reply}"),
    Case("visitor", "/search?q=meeting"),
    Case("visitor", "/help"),
    Case("visitor", "/signin"),
    Case("visitor", "/signup"),
    Case("visitor", "/password-reset"),
    Case("visitor", "/password-reset/code"),
    Case("visitor", "/password-reset/confirm?token=not-a-real-token", 410),
    Case("visitor", "/guest/new"),
    Case("visitor", "/stories/{story}/guest-reply"),
    Case("visitor", "{manage}"),
    Case("visitor", "{manage}/delete"),
    Case("visitor", "/u/{author}"),
    Case("visitor", "/about"),
    Case("visitor", "/guidelines"),
    Case("visitor", "/privacy"),
    Case("visitor", "/no-such-page", 404),
    Case("member", "/"),
    Case("member", "/stories/{story}"),
    Case("member", "/stories/new"),
    Case("member", "/stories/{story}/reply"),
    Case("member", "/posts/{own}/edit"),
    Case("member", "/posts/{own}/delete"),
    Case("member", "/posts/{post}/report"),
    Case("member", "/care/{own}"),
    Case("member", "/account"),
    Case("member", "/account/posts"),
    Case("member", "/account/preferences"),
    Case("member", "/account/email"),
    Case("member", "/account/data"),
    Case("member", "/account/verify-email", 410),  # no link given: "expired"
    Case("member", "/notifications"),
    Case("member", "/drafts"),
    Case("member", "/bookmarks"),
    Case("member", "/account/blocks"),
    Case("member", "/search?q=meeting"),
    Case("moderator", "/"),
    Case("moderator", "/stories/{story}"),
    Case("moderator", "/mod/"),
    Case("moderator", "/mod/posts/{post}"),
    Case("moderator", "/mod/users/{author}"),
    Case("moderator", "/mod/log"),
    Case("moderator", "/mod/words"),
    Case("moderator", "/mod/people?q=h"),
    Case("moderator", "/mod/posts/{post}/reject"),
    Case("moderator", "/mod/posts/{post}/delete"),
    Case("moderator", "/mod/posts/{post}/author/ban"),
    Case("moderator", "/mod/users/{author}/ban"),
    Case("moderator", "/mod/?tab=reports"),
    Case("admin", "/admin/jobs"),
    Case("admin", "/admin/resources"),
    Case("admin", "/admin/resources/new"),
    Case("admin", "/admin/resources/{resource}"),
    Case("admin", "/admin/categories"),
    Case("admin", "/admin/categories/new"),
    Case("admin", "/admin/categories/{slug}"),
    Case("admin", "/admin/site"),
    Case("admin", "/admin/pages/{page}"),
)

# Routes that are not pages a person reads: form targets (POST only), feeds, health checks,
# static files, the API, and links that only redirect.
NOT_PAGES = {
    "/healthz", "/readyz", "/feeds/latest.atom", "/c/{slug}/feed.atom", "/unsubscribe/{link}",
}


@dataclass
class Seeded:
    values: dict[str, str]
    tokens: dict[Who, str]


async def seed(base: str, browser: Browser) -> Seeded:
    author = await make_user("heron_author")
    member = await make_user("wren_member")
    moderator = await make_user("kestrel_moderator", role=Role.MODERATOR)
    admin = await make_user("osprey_admin", role=Role.ADMIN)
    story = await make_story(author, title="My first meeting", warnings=["substance_use"],
                             body="I went to my first meeting today.\n\nI stayed to the end.")
    reply = await make_reply(member, story, body="Staying to the end takes courage.")
    await make_reply(author, story, body="Thank you, it means a lot.", reply_to=reply.id)
    own = await make_story(member, title="Small steps", body="I made the bed today.")
    await file_report(member, story, ReportReason.WORRIED, "I am worried about them.")
    await make_reply(moderator, own, body="Well done on the small steps.")  # a notification
    resource = await _any_resource_id()
    manage = await _guest_manage_path(base, browser)
    tokens: dict[Who, str] = {
        "member": await sign_in_directly(member),
        "moderator": await sign_in_directly(moderator),
        "admin": await sign_in_directly(admin),
    }
    values = {"story": str(story.thread_id), "reply": str(reply.id), "post": str(story.id),
              "own": str(own.id), "author": author.username, "resource": str(resource),
              "manage": manage, "slug": "small-wins", "page": "privacy"}
    return Seeded(values, tokens)


async def _any_resource_id() -> int:
    from forum.models.safety import CrisisResource

    resource = await CrisisResource.first()
    assert resource is not None, "the crisis resources were not loaded"
    return int(resource.id)


async def _guest_manage_path(base: str, browser: Browser) -> str:
    """A guest writes a story through the form, as a guest would, and keeps the manage link."""
    context = await browser.new_context()
    try:
        page = await context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        await page.goto(base + "/guest/new")
        await page.get_by_label("Title").fill("A guest's small win")
        await page.get_by_label("Your story").fill("I went outside for a walk today.")
        await page.get_by_role("button", name="Send for approval").click()
        link = await page.locator("a.manage-link").get_attribute("href")
        assert link, "the sent page shows no manage link"
        return link.removeprefix(base)
    finally:
        await context.close()


# Every WCAG 2.2 A/AA rule and axe's best practices, target-size (24 px) included: axe leaves
# it out unless asked.
AXE_RUN = """async () => await axe.run(document, {
    resultTypes: ['violations'],
    runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a',
                                    'wcag22aa', 'best-practice']},
    rules: {'target-size': {enabled: true}},
})"""


async def axe_violations(page: Page) -> list[dict[str, Any]]:
    await page.add_script_tag(path=str(AXE))
    result: dict[str, Any] = await page.evaluate(AXE_RUN)
    return [v for v in result["violations"] if v.get("impact") in BLOCKING]


def describe(violations: Iterable[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        targets = [", ".join(map(str, node["target"])) for node in v["nodes"][:3]]
        lines.append(f"    {v['impact']} {v['id']}: {v['help']} — {'; '.join(targets)}"
                     f"{' …' if len(v['nodes']) > 3 else ''}")
    return "\n".join(lines)


def require_axe() -> None:
    if not AXE.exists():
        message = f"{AXE} is missing (make tests/a11y/node_modules runs npm ci)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message}; under CI=true the accessibility check must run.",
                        pytrace=False)
        pytest.skip(f"{message}; CI is not 'true', so the accessibility check is skipped.")


def views(database_url: str) -> list[tuple[int, Scheme]]:
    """Each pass checks both widths and both schemes, and the two passes of `make test`
    together check every width in every scheme: colours and widths do not depend on the
    database, the pages' content does."""
    if database_url.startswith("sqlite"):
        return [(1280, "light"), (320, "dark")]
    return [(1280, "dark"), (320, "light")]


def test_the_two_passes_together_check_every_width_in_every_scheme() -> None:
    both = views("sqlite:///x") + views("postgres://x")
    assert sorted(both) == sorted((w, s) for w in (1280, 320) for s in ("light", "dark"))


async def test_the_check_finds_what_it_should() -> None:
    """A page with an image without words, unlabelled field, low contrast and a 12 px button:
    the harness must report each of them (else a clean run would prove nothing)."""
    require_chromium()
    require_axe()
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            page = await browser.new_page()
            await page.set_content(
                '<html lang="en"><title>t</title><main><h1>Bad page</h1>'
                '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'
                '<input type="text">'
                '<p style="color:#777;background:#888">faint words</p>'
                '<button style="width:12px;height:12px;padding:0;border:0">x</button> '
                '<button style="width:12px;height:12px;padding:0;border:0">y</button>'
                '</main></html>')
            found = {v["id"] for v in await axe_violations(page)}
        finally:
            await browser.close()
    assert {"image-alt", "label", "color-contrast", "target-size"} <= found, found


async def test_no_serious_or_critical_violation_on_any_page(
        serve: Callable[..., LiveServer], tmp_path: Path, database_url: str) -> None:
    require_chromium()
    require_axe()
    base = serve().base_url
    matrix = views(database_url)
    failures: list[str] = []
    checked = 0
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            seeded = await seed(base, browser)
            for width, scheme in matrix:
                for who in ("visitor", "member", "moderator", "admin"):
                    context = await browser.new_context(
                        viewport={"width": width, "height": 900}, color_scheme=scheme,
                        bypass_csp=True)
                    context.set_default_timeout(TIMEOUT_MS)
                    token = seeded.tokens.get(who)
                    if token:
                        await context.add_cookies(
                            [{"name": SESSION_COOKIE, "value": token, "url": base}])
                    page = await context.new_page()
                    for case in (c for c in PAGES if c.who == who):
                        path = case.path.format(**seeded.values)
                        response = await page.goto(base + path)
                        assert response is not None
                        if response.status != case.status:
                            failures.append(f"{who} {path}: answered {response.status}, "
                                            f"not {case.status}")
                            continue
                        found = await axe_violations(page)
                        checked += 1
                        if found:
                            shot = tmp_path / f"{who}-{width}-{scheme}-{checked}.png"
                            await page.screenshot(path=str(shot), full_page=True)
                            failures.append(f"{who} {path} at {width} px, {scheme} "
                                            f"({shot.name}):\n{describe(found)}")
                    await context.close()
        finally:
            await browser.close()
    (tmp_path / "failures.json").write_text(json.dumps(failures, indent=1))
    assert checked + len(failures) >= len(PAGES) * len(matrix)
    assert not failures, (f"{len(failures)} of {checked} page views have serious or critical "
                          "accessibility problems:\n" + "\n".join(failures))


def _page_paths() -> set[str]:
    """Every GET route that renders HTML for a person, with path parameters as {name}."""
    from starlette.routing import Mount, Route

    found: set[str] = set()

    def walk(items: Iterable[Any], prefix: str) -> None:
        for item in items:
            if isinstance(item, Mount):
                if item.path in ("/api/v1", "/static", "/api"):
                    continue
                walk(item.routes, prefix + item.path)
            elif isinstance(item, Route) and "GET" in (item.methods or set()):
                path = prefix + item.path_format
                found.add(path if path != "/mod" else "/mod/")

    walk(routes, "")
    return found


def _as_route(path: str) -> str:
    bare = path.split("?", 1)[0]
    for name, shape in (("/mod/posts/{post}/author/ban", "/mod/posts/{post_id}/author/{action}"),
                        ("/mod/posts/{post}/reject", "/mod/posts/{post_id}/{action}"),
                        ("/mod/users/{author}/ban", "/mod/users/{username}/{action}"),
                        ("{story}", "{thread_id}"), ("{reply}", "{post_id}"),
                        ("{post}", "{post_id}"), ("{own}", "{post_id}"),
                        ("{author}", "{username}"), ("{resource}", "{resource_id}"),
                        ("{manage}", "/manage/{token}")):  # {slug} and {page} as they are
        bare = bare.replace(name, shape)
    return bare


def test_every_page_route_is_checked() -> None:
    checked = {_as_route(case.path) for case in PAGES}
    missing = sorted(_page_paths() - checked - NOT_PAGES)
    assert not missing, f"pages with no accessibility check (add them to PAGES): {missing}"
