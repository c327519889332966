"""What admins say about the site itself: its name and description, the about, guidelines
and privacy pages, and which accounts `forum seed-demo` made (so `forum remove-demo` takes
away exactly those)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from forum.models.accounts import User


class SiteSetting(Model):
    """One row per setting an admin changed (a setting with no row has its shipped default,
    forum.queries.site.DEFAULTS)."""

    key = fields.CharField(max_length=40, primary_key=True)
    value = fields.TextField()
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "site_settings"


class SitePage(Model):
    """An about, guidelines or privacy page an admin wrote (a page with no row shows the
    shipped text, forum/data/pages/)."""

    slug = fields.CharField(max_length=20, primary_key=True)
    body_md = fields.TextField()
    body_html = fields.TextField()
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "site_pages"


class DemoMember(Model):
    """An account `forum seed-demo` created. Nobody can sign in as one (its password is a
    random one nobody knows, it has no email and no recovery codes), so everything it wrote
    is demo content."""

    user: fields.OneToOneRelation[User] = fields.OneToOneField(
        "models.User", related_name="demo_mark", on_delete=fields.CASCADE)
    user_id: int

    class Meta:
        table = "demo_members"
