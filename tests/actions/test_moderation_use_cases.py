"""The moderation use-cases ask permission themselves: called without the guarded mounts in
front, a member or a visitor changes nothing and no audit row is written."""

from __future__ import annotations

import pytest
from starlette.exceptions import HTTPException

from forum.actions import moderate_people, moderate_posts, words
from forum.actions.context import Context
from forum.actions.reports import report_post
from forum.actions.resources import set_resource_enabled
from forum.forms import FormInvalid
from forum.models.accounts import Role, User
from forum.models.content import Post, PostStatus
from forum.models.moderation import AuditEntry, Report, ReportReason
from forum.models.safety import CrisisResource
from forum.ratelimit import RateLimiter
from forum.safety.words import WordAction
from forum.schemas.moderation import (
    LimitInput,
    ReportInput,
    RequiredReasonInput,
    RoleInput,
    SanctionInput,
    WatchedWordInput,
)
from forum.schemas.resources import EnableInput
from forum.settings import Settings

from ..factories import make_story, make_user


def context(settings: Settings, viewer: User | None) -> Context:
    return Context(viewer=viewer, client="203.0.113.9", settings=settings,
                   limiter=RateLimiter("report=2/hour"))


@pytest.fixture
async def cast(db):
    return {
        "member": await make_user("wren_member"),
        "author": await make_user("author_one"),
        "mod": await make_user("heron_mod", role=Role.MODERATOR),
        "admin": await make_user("ibis_admin", role=Role.ADMIN),
    }


@pytest.mark.parametrize("who", ["member", None])
async def test_moderation_use_cases_refuse_anyone_but_moderators(settings, cast, who):
    viewer = cast[who] if who else None
    ctx = context(settings, viewer)
    story = await make_story(cast["author"])
    expected = 403 if viewer else 401
    attempts = [
        moderate_posts.hide(ctx, story.id, RequiredReasonInput(reason="mine")),
        moderate_people.suspend_member(ctx, "author_one",
                                       LimitInput(days=3, reason="no")),
        moderate_people.ban_author(ctx, story.id, SanctionInput(reason="no")),
        words.add_word(ctx, WatchedWordInput(pattern="kind", action=WordAction.BLOCK)),
    ]
    for attempt in attempts:
        with pytest.raises(HTTPException) as refused:
            await attempt
        assert refused.value.status_code == expected
    assert (await Post.get(id=story.id)).status == PostStatus.PUBLISHED
    assert (await User.get(id=cast["author"].id)).suspended_until is None
    assert await AuditEntry.all().count() == 0


async def test_admin_use_cases_refuse_moderators(settings, cast):
    ctx = context(settings, cast["mod"])
    resource = await CrisisResource.filter(enabled=True).first()
    assert resource is not None
    with pytest.raises(HTTPException) as refused:
        await moderate_people.change_role(ctx, "wren_member", RoleInput(role=Role.ADMIN))
    assert refused.value.status_code == 403
    with pytest.raises(HTTPException):
        await set_resource_enabled(ctx, resource.id, EnableInput(enabled=False))
    assert (await User.get(id=cast["member"].id)).role == Role.MEMBER
    assert (await CrisisResource.get(id=resource.id)).enabled is True
    assert await AuditEntry.all().count() == 0


async def test_reporting_is_rate_limited_inside_the_use_case_and_keeps_the_note(settings, cast):
    ctx = context(settings, cast["member"])
    stories = [await make_story(cast["author"], title=f"Story {n}") for n in range(3)]
    form = ReportInput(reason=ReportReason.SPAM, note="Same link again")
    for story in stories[:2]:
        await report_post(ctx, story.id, form)
    with pytest.raises(FormInvalid) as limited:
        await report_post(ctx, stories[2].id, form)
    assert limited.value.status_code == 429
    assert limited.value.values["note"] == "Same link again"
    assert await Report.all().count() == 2


async def test_an_author_request_applies_where_it_may_and_logs_the_same_row_either_way(
        settings, cast):
    story = await make_story(cast["mod"])
    form = LimitInput(days=3, reason="Cooling off")
    by_mod = await moderate_people.suspend_author(context(settings, cast["mod"]), story.id, form)
    assert (await User.get(id=cast["mod"].id)).suspended_until is None  # not on themselves
    by_admin = await moderate_people.suspend_author(context(settings, cast["admin"]), story.id,
                                                    form)
    assert (await User.get(id=cast["mod"].id)).suspended_until is not None  # admins may
    assert by_mod == by_admin
    rows = [(e.action, e.target_type, e.target_id, e.target_label, e.reason)
            for e in await AuditEntry.all().order_by("id")]
    assert rows == [("suspension", "post", story.id, f"the author of post #{story.id}",
                     "Cooling off")] * 2
