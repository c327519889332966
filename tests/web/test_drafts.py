"""Drafts through the pages (no JavaScript): kept on the server, reopened, private to their
member, let go once posted; previews; and authors editing their story's warnings."""

from __future__ import annotations

import re

from forum.models.content import Draft, Post, PostRevision, Thread
from forum.models.jobs import Job
from forum.models.moderation import Report

from ..factories import PASSWORD, make_story, make_user

URGENT = "I can't do this anymore. I want to kill myself tonight."
TABLE = "| when | what helped |\n|---|---|\n| mornings | tea |\n"


def draft_id_in(location: str) -> int:
    found = re.search(r"[?&]draft=(\d+)", location)
    assert found, location
    return int(found.group(1))


async def save_story_draft(client, **fields) -> int:
    response = await client.post_form("/stories/new/draft", {
        "category": "small-wins", "title": "Three weeks", "body": "It started slowly.",
        **fields})
    assert response.status_code == 303, response.text[:300]
    return draft_id_in(response.headers["location"])


async def test_save_draft_keeps_the_story_and_the_composer_reopens_with_it(member):
    response = await member.post_form("/stories/new/draft", {
        "category": "grief-loss", "title": "For my brother", "body": "I keep his coat.",
        "content_warnings": "child_loss", "content_warning_note": "funerals",
        "anonymous": "1"})
    assert response.status_code == 303
    location = response.headers["location"]
    assert location.startswith("/stories/new?draft=") and "saved=1" in location
    page = await member.get(location)
    assert page.status_code == 200
    assert "Draft saved" in page.text
    assert 'value="For my brother"' in page.text and "I keep his coat." in page.text
    assert re.search(r'value="child_loss" checked', page.text)
    assert 'value="funerals"' in page.text
    assert re.search(r'name="anonymous" value="1"[^>]*checked', page.text)
    assert f'name="draft_id" value="{draft_id_in(location)}"' in page.text
    # Coming back to the composer later, the draft is there without asking for it…
    again = await member.get("/stories/new?category=grief-loss")
    assert "I keep his coat." in again.text
    # …unless the member starts afresh (the draft stays in their list).
    fresh = await member.get("/stories/new?fresh=1")
    assert "I keep his coat." not in fresh.text
    listed = await member.get("/drafts")
    assert "For my brother" in listed.text and "to post anonymously" in listed.text
    assert listed.headers["cache-control"].startswith("private")


async def test_posting_the_story_lets_its_draft_go(member):
    draft_id = await save_story_draft(member)
    assert await Draft.filter(id=draft_id).exists()
    posted = await member.post_form("/stories/new", {
        "category": "small-wins", "title": "Three weeks", "body": "It started slowly.",
        "draft_id": str(draft_id)})
    assert posted.status_code == 303
    assert not await Draft.filter(user_id=member.user.id).exists()
    assert "It started slowly." not in (await member.get("/stories/new")).text


async def test_a_reply_draft_waits_on_the_reply_page_and_goes_when_the_reply_is_sent(
        member, other_member):
    story = await make_story(other_member.user, title="A hard week")
    saved = await member.post_form(f"/stories/{story.thread_id}/reply/draft",
                                   {"body": "I was there last spring."})
    assert saved.status_code == 303
    assert saved.headers["location"].startswith(f"/stories/{story.thread_id}/reply?draft=")
    # Saved again from the story page: the same draft, not a second one.
    await member.post_form(f"/stories/{story.thread_id}/reply/draft",
                           {"body": "I was there last spring. It eased."})
    assert await Draft.filter(user_id=member.user.id).count() == 1
    page = await member.get(f"/stories/{story.thread_id}/reply")
    assert "I was there last spring. It eased." in page.text
    # The story page reads no drafts (its script puts the draft back into the reply box).
    assert "I was there last spring" not in (await member.get(f"/stories/{story.thread_id}")).text
    # The story's author sees none of it.
    assert "I was there last spring" not in (
        await other_member.get(f"/stories/{story.thread_id}")).text
    sent = await member.post_form(f"/stories/{story.thread_id}/replies",
                                  {"body": "I was there last spring. It eased."})
    assert sent.status_code == 303
    assert await Draft.filter(user_id=member.user.id).count() == 0


async def test_another_member_can_not_open_overwrite_or_delete_a_draft(member, other_member):
    draft_id = await save_story_draft(member, body="Only mine.")
    before = (await Draft.get(id=draft_id)).sealed
    assert (await other_member.get(f"/stories/new?draft={draft_id}")).status_code == 404
    overwrite = await other_member.post_form("/stories/new/draft", {
        "title": "Mine now", "body": "Overwritten", "draft_id": str(draft_id)})
    assert overwrite.status_code == 404
    assert (await other_member.post_form(f"/drafts/{draft_id}/delete")).status_code == 404
    assert "Only mine." not in (await other_member.get("/drafts")).text
    assert (await Draft.get(id=draft_id)).sealed == before
    # Ids that can't be anyone's are a 404 as well, never a 500.
    for bad in ("0", "99999999999999999999", "-1", "1e3", "٣"):
        assert (await member.get(f"/stories/new?draft={bad}")).status_code == 404, bad


async def test_a_copy_of_the_database_shows_nothing_a_draft_says_or_is_for(member,
                                                                          other_member):
    story = await make_story(other_member.user, title="Where I am now")
    await member.post_form(f"/stories/{story.thread_id}/reply/draft",
                           {"body": "Nobody knows I go here", "anonymous": "1"})
    await save_story_draft(member, title="x", body="y")
    rows = await Draft.filter(user_id=member.user.id)
    assert len(rows) == 2
    for row in rows:
        assert "Nobody knows" not in row.sealed and "anonymous" not in row.sealed
        assert "reply" not in row.sealed and "thread" not in row.sealed
        assert row.sealed.startswith("v1:")
    # Padded: a three-word draft and a one-letter one are the same length sealed.
    assert len({len(r.sealed) for r in rows}) == 1


async def test_emptying_a_draft_lets_it_go(member):
    draft_id = await save_story_draft(member)
    emptied = await member.post_form("/stories/new/draft", {
        "title": "", "body": "  ", "draft_id": str(draft_id)})
    assert emptied.status_code == 200
    assert not await Draft.filter(id=draft_id).exists()


async def test_bad_draft_input_gets_a_kind_answer_and_keeps_the_words(member, other_member):
    huge = "a" * 40_001
    response = await member.post_form("/stories/new/draft", {"title": "Long", "body": huge})
    assert response.status_code == 422
    assert "40,000" in response.text and "Long" in response.text
    story = await make_story(other_member.user)
    long_reply = await member.post_form(f"/stories/{story.thread_id}/reply/draft",
                                        {"body": "b" * 10_001})
    assert long_reply.status_code == 422 and "10,000" in long_reply.text
    for fields in ({"body": "nul \x00 here"}, {"content_warnings": "not-a-warning"},
                   {"category": "no-such-place", "body": "x"}, {"title": "t" * 151},
                   {"draft_id": "abc"}):
        answer = await member.post_form("/stories/new/draft", fields)
        assert answer.status_code == 422, (fields, answer.status_code)
        assert 'class="form-errors"' in answer.text
    assert await Draft.filter(user_id=member.user.id).count() == 0
    gone = await member.post_form("/stories/999999/reply/draft", {"body": "hello"})
    assert gone.status_code == 404


async def test_crisis_words_in_a_draft_bring_care_and_no_alert(member):
    jobs, reports = await Job.all().count(), await Report.all().count()
    response = await member.post_form("/stories/new/draft", {"title": "Tonight",
                                                             "body": URGENT})
    assert response.status_code == 303 and "care=1" in response.headers["location"]
    page = await member.get(response.headers["location"])
    assert "carrying a lot" in page.text and 'href="/help"' in page.text
    assert (await Job.all().count(), await Report.all().count()) == (jobs, reports)


async def test_guests_keep_no_drafts_but_can_preview(visitor):
    assert (await visitor.post_form("/stories/new/draft", {"body": "x"})).status_code == 401
    form = await visitor.get("/guest/new")
    assert "isn't saved until you send it" in form.text and "Save draft" not in form.text
    shown = await visitor.post_form("/guest/new/preview", {
        "category": "small-wins", "title": "A small win", "body": "I **walked** today"})
    assert shown.status_code == 200
    assert "<strong>walked</strong>" in shown.text
    assert "I **walked** today" in shown.text  # still in the form, as typed


async def test_preview_shows_tables_links_and_mentions_above_the_kept_text(member,
                                                                        other_member):
    body = (f"{TABLE}\nThis helped: https://example.org/steps and www.example.com\n\n"
            f"Thank you @otter_member and @nobody_by_that_name <script>alert(1)</script>")
    page = await member.post_form("/stories/new/preview", {
        "category": "small-wins", "title": "What helped", "body": body})
    assert page.status_code == 200
    preview = page.text[page.text.index('data-preview-area'):page.text.index(
        'class="story-form"')]
    assert "<table>" in preview and "<td>mornings</td>" in preview
    assert ('<a href="https://example.org/steps" rel="nofollow ugc noopener">' in preview)
    assert '<a href="http://www.example.com" rel="nofollow ugc noopener">' in preview
    assert '<a href="/u/otter_member" rel="nofollow ugc noopener">@otter_member</a>' in preview
    assert "@nobody_by_that_name" in preview and "/u/nobody_by_that_name" not in preview
    assert "<script>" not in preview
    assert "| when | what helped |" in page.text  # the words stay in the form
    assert await Draft.all().count() == 0  # a preview keeps nothing


async def test_a_40000_character_story_previews_whole(member):
    paragraph = ("Some days are heavier than others, and **that is allowed**. "
                 "See https://example.org/x for what helped me. ") * 5 + "\n\n"
    body = (TABLE + "\n" + paragraph * 200)[:40_000]
    assert len(body) == 40_000
    page = await member.post_form("/stories/new/preview", {"title": "Long", "body": body})
    assert page.status_code == 200
    preview = page.text[page.text.index('data-preview-area'):page.text.index(
        'class="story-form"')]
    assert preview.count("<strong>that is allowed</strong>") == body.count(
        "**that is allowed**") > 300
    assert "<table>" in preview


async def test_an_anonymous_story_mentions_others_and_links_nobody_to_its_author(
        member, other_member):
    await member.post_form("/stories/new", {
        "category": "small-wins", "title": "Quietly", "anonymous": "1",
        "body": "Thank you @otter_member for the advice."})
    story = await Post.get(is_story=True, is_anonymous=True)
    assert '<a href="/u/otter_member"' in story.body_html
    page = await other_member.get(f"/stories/{story.thread_id}")
    assert "wren_member" not in page.text and "/u/wren_member" not in page.text


async def test_drafts_go_with_the_account_and_only_into_their_own_export(member,
                                                                        other_member):
    await save_story_draft(member, title="Private thoughts", body="Not ready yet")
    mine = await member.post_form("/account/export", {"password": PASSWORD})
    assert mine.status_code == 200, mine.text[:200]
    exported = mine.json()["drafts"]
    assert [d["title"] for d in exported] == ["Private thoughts"]
    assert exported[0]["body"] == "Not ready yet"
    theirs = await other_member.post_form("/account/export",
                                          {"password": PASSWORD})
    assert theirs.json()["drafts"] == [] and "Not ready yet" not in theirs.text
    deleted = await member.post_form("/account/delete", {
        "password": PASSWORD, "posts": "remove"})
    assert deleted.status_code in (200, 303)
    assert await Draft.all().count() == 0


async def test_authors_edit_their_storys_content_warnings(member, other_member):
    story = await make_story(member.user, title="The year", warnings=["suicide"])
    form = await member.get(f"/posts/{story.id}/edit")
    assert re.search(r'value="suicide" checked', form.text)
    changed = await member.post_form(f"/posts/{story.id}/edit", {
        "title": "The year", "body": story.body_md,
        "content_warnings": ["self_harm", "substance_use"], "content_warning_note": "relapse"})
    assert changed.status_code == 303
    thread = await Thread.get(id=story.thread_id)
    assert thread.content_warnings == ["self_harm", "substance_use"]
    assert thread.content_warning_note == "relapse"
    # Warnings alone: no revision, no "edited" mark.
    assert await PostRevision.filter(post_id=story.id).count() == 0
    assert (await Post.get(id=story.id)).edited_at is None
    # Unticking every box takes them all off.
    await member.post_form(f"/posts/{story.id}/edit", {"title": "The year",
                                                        "body": story.body_md})
    thread = await Thread.get(id=story.thread_id)
    assert thread.content_warnings == [] and thread.content_warning_note == ""
    refused = await other_member.post_form(f"/posts/{story.id}/edit", {
        "title": "The year", "body": story.body_md, "content_warnings": "violence"})
    assert refused.status_code == 403
    assert (await Thread.get(id=story.thread_id)).content_warnings == []


async def test_an_anonymous_author_edits_their_warnings_through_the_sealed_check(
        member, other_member):
    await member.post_form("/stories/new", {
        "category": "small-wins", "title": "Unsigned", "anonymous": "1", "body": "Words."})
    story = await Post.get(is_story=True, is_anonymous=True)
    assert story.author_id is None
    assert (await other_member.post_form(f"/posts/{story.id}/edit", {
        "title": "Unsigned", "body": "Words.", "content_warnings": "abuse"})).status_code == 403
    mine = await member.post_form(f"/posts/{story.id}/edit", {
        "title": "Unsigned", "body": "Words.", "content_warnings": "abuse"})
    assert mine.status_code == 303
    assert (await Thread.get(id=story.thread_id)).content_warnings == ["abuse"]
    assert (await Post.get(id=story.id)).author_id is None


async def test_a_draft_opened_in_another_composer_is_a_404(member, other_member):
    story = await make_story(other_member.user)
    draft_id = await save_story_draft(member)
    wrong = await member.get(f"/stories/{story.thread_id}/reply?draft={draft_id}")
    assert wrong.status_code == 404


async def test_drafts_are_never_found_by_search(member):
    await save_story_draft(member, title="Zanzibar lanterns", body="zanzibar lanterns")
    found = await member.get("/search?q=zanzibar")
    assert found.status_code == 200 and "Zanzibar lanterns" not in found.text
    other = await make_user("searcher")
    assert other is not None
