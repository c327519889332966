"""The XSS corpus stays inert when it arrives through reports, reasons, notes, watched words
and the audit log."""

from __future__ import annotations

from forum.actions.reports import file_report
from forum.models.content import Post
from forum.models.moderation import ReportReason, WatchedWord
from forum.queries.moderation import get_any_post_or_404

from ..factories import make_reply, make_story, make_user
from .test_xss_and_headers import CORPUS, audit

# Tags the moderation templates themselves use: collapsed posts and numeric inputs.
TEMPLATE_TAGS = frozenset({"details", "input"})


async def test_corpus_is_inert_through_every_moderation_surface(member, moderator, visitor):
    story = await make_story(member.user, title="A thread to moderate")
    for n, payload in enumerate(CORPUS):
        reporter = await make_user(f"reporter{n}")
        reply = await make_reply(member.user, story, f"reply {n}")
        await file_report(reporter, await get_any_post_or_404(reply.id), ReportReason.OTHER,
                          payload[:1000])
        await moderator.post_form(f"/mod/posts/{reply.id}/hide", {"reason": payload[:500]})
        await moderator.post_form(f"/mod/users/{member.user.username}/note",
                                  {"body": payload})
        await moderator.post_form(f"/mod/posts/{story.id}/lock", {"reason": payload[:500]})
        await moderator.post_form(f"/mod/posts/{story.id}/unlock", {"reason": payload[:500]})
    await WatchedWord.bulk_create([WatchedWord(pattern=f"{payload[:90]}{n}", action="flag")
                                   for n, payload in enumerate(CORPUS)])
    pages = {
        "/mod/?tab=reports": moderator, "/mod/log": moderator, "/mod/words": moderator,
        f"/mod/users/{member.user.username}": moderator,
        f"/mod/posts/{(await Post.filter(is_story=False).first()).id}": moderator,
        f"/stories/{story.thread_id}": visitor,
    }
    for url, client in pages.items():
        page = await client.get(url)
        assert page.status_code == 200, url
        assert audit(page.text, TEMPLATE_TAGS) == [], url
    log = await moderator.get("/api/v1/mod/audit")
    assert log.headers["content-type"].startswith("application/json")

