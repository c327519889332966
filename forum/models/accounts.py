"""Accounts and their server-side sessions."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model


class Role(StrEnum):
    MEMBER = "member"
    MODERATOR = "moderator"
    ADMIN = "admin"


class SessionKind(StrEnum):
    WEB = "web"
    API = "api"


class User(Model):
    id = fields.IntField(primary_key=True)
    # The name as the person typed it (NFKC-normalised), shown on the site.
    username = fields.CharField(max_length=30)
    # Case-folded form: the one that must be unique.
    username_key = fields.CharField(max_length=30, unique=True)
    # Look-alike skeleton ("j0hn" and "john" share one); sign-up refuses a clash.
    skeleton = fields.CharField(max_length=60, db_index=True)
    display_name = fields.CharField(max_length=60, default="")
    # The display name's look-alike skeleton (forum.usernames.display_skeleton), kept beside it.
    display_skeleton = fields.CharField(max_length=240, default="", db_default="", db_index=True)
    bio = fields.TextField(default="")
    email = fields.CharField(max_length=254, null=True)
    # When `email` was verified (a link sent to it was opened); None: not used for anything.
    email_verified_at = fields.DatetimeField(null=True)
    password_hash = fields.CharField(max_length=255)
    role = fields.CharEnumField(Role, max_length=16, default=Role.MEMBER)
    country = fields.CharField(max_length=8, null=True)
    expand_warnings = fields.BooleanField(default=False)
    created_at = fields.DatetimeField(auto_now_add=True)
    # Sanctions in force (their history is in moderation.Sanction).
    silenced_until = fields.DatetimeField(null=True)
    suspended_until = fields.DatetimeField(null=True)
    banned_at = fields.DatetimeField(null=True)
    # Member experience: notification kinds switched off, profile privacy, reader protection.
    notification_prefs: fields.JSONField[dict[str, str]] = fields.JSONField(
        default=dict, db_default="{}")
    hide_activity = fields.BooleanField(default=False, db_default=False)
    # theme -> show|collapse|hide
    warning_prefs: fields.JSONField[dict[str, str]] = fields.JSONField(
        default=dict, db_default="{}")
    muted_words = fields.TextField(default="", db_default="")
    # Sealed notes created before this moment are read ("mark all as read" writes only this
    # row and the member's plain notes, never a sealed row: forum.actions.preferences).
    sealed_notes_read_before = fields.DatetimeField(null=True)
    # Email about notifications: kind -> none|soon|digest (forum.mail.choices holds the
    # kinds and their defaults), and whether the member chose fuller emails (titles and who;
    # never about an anonymous post).
    mail_prefs: fields.JSONField[dict[str, str]] = fields.JSONField(
        default=dict, db_default="{}")
    mail_fuller = fields.BooleanField(default=False, db_default=False)
    # Nothing about the member's anonymous posts or the limits set through them is on this
    # row: those live on rows found only with the key (forum.sealed_side).

    class Meta:
        table = "users"

    def __str__(self) -> str:
        return self.username

    @property
    def shown_name(self) -> str:
        return self.display_name or self.username


class Session(Model):
    """A signed-in browser or an API token. Only the hash of the token is stored."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="sessions", on_delete=fields.CASCADE
    )
    token_hash = fields.CharField(max_length=64, unique=True)
    kind = fields.CharEnumField(SessionKind, max_length=8, default=SessionKind.WEB)
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField()

    class Meta:
        table = "sessions"
        indexes = [Index(fields=("user_id",))]


class AccountTokenPurpose(StrEnum):
    VERIFY_EMAIL = "verify_email"
    RESET_PASSWORD = "reset_password"


class AccountToken(Model):
    """A single-use link sent by email: to verify an address or to reset a password. Only
    the hash of the token is stored; a used token is deleted."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="account_tokens", on_delete=fields.CASCADE
    )
    purpose = fields.CharEnumField(AccountTokenPurpose, max_length=16)
    token_hash = fields.CharField(max_length=64, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField()

    class Meta:
        table = "account_tokens"
        indexes = [Index(fields=("user_id",))]


class RecoveryCode(Model):
    """One of a member's ten one-time recovery codes, as a keyed hash
    (forum.recovery_codes); `used_at` is set when it lets someone back in."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="recovery_codes", on_delete=fields.CASCADE
    )
    code_hash = fields.CharField(max_length=64, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    used_at = fields.DatetimeField(null=True)

    class Meta:
        table = "recovery_codes"
        indexes = [Index(fields=("user_id",))]
