"""A member's email address: used for nothing until a link sent to it is opened.

The link holds a random token; only its hash is stored (`AccountToken`), it works once and
for `VERIFY_HOURS`. Changing the address unverifies it (and any link sent to the old one
stops working); removing it removes everything tied to it. The mail names the member's
username at most, and is queued through the sealed mail outbox.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tortoise.transactions import in_transaction

from forum import permissions
from forum.actions.context import Context, enforce_limit
from forum.forms import FormInvalid
from forum.mail.outbox import queue_mail
from forum.models.accounts import AccountToken, AccountTokenPurpose, User
from forum.schemas.accounts import LINK_NOT_WORKING, EmailVerifyIn
from forum.sessions import hash_token, new_token

VERIFY_HOURS = 48
VERIFY_PATH = "/account/verify-email"
NO_ADDRESS = "There is no email address on your account to verify. You can add one below."
ALREADY_VERIFIED = "Your email address is already verified."
TOO_MANY_LINKS = ("We have sent several links to this address lately. Please look for them "
                  "(and in your spam folder), or ask again in about {wait}.")


async def issue_token(user: User, purpose: AccountTokenPurpose, lifetime: timedelta) -> str:
    """A new single-use token for this account; only its hash is kept."""
    token = new_token()
    await AccountToken.create(user=user, purpose=purpose, token_hash=hash_token(token),
                              expires_at=datetime.now(UTC) + lifetime)
    return token


async def live_token(token: str, purpose: AccountTokenPurpose) -> AccountToken | None:
    """The unexpired token row (with its member), or None."""
    return await AccountToken.filter(
        token_hash=hash_token(token), purpose=purpose, expires_at__gt=datetime.now(UTC)
    ).select_related("user").first()


async def send_verification_link(user: User) -> None:
    """Email a fresh verification link to the member's address (earlier links stop working).
    Call inside the transaction that set the address."""
    if not user.email:
        return
    await AccountToken.filter(user_id=user.id, purpose=AccountTokenPurpose.VERIFY_EMAIL).delete()
    token = await issue_token(user, AccountTokenPurpose.VERIFY_EMAIL,
                              timedelta(hours=VERIFY_HOURS))
    await queue_mail(user.email, "verify_email",
                     {"username": user.username, "path": f"{VERIFY_PATH}?token={token}",
                      "hours": VERIFY_HOURS})


async def address_changed(user: User, old: str | None) -> None:
    """After a member's settings changed `email` from `old`: unverified, old links void, and
    a link to the new address. Call inside the transaction that changed it."""
    if (user.email or None) == (old or None):
        return
    await User.filter(id=user.id).update(email_verified_at=None)
    user.email_verified_at = None
    await AccountToken.filter(user_id=user.id).delete()  # links sent to the old address
    await send_verification_link(user)


async def resend_verification(ctx: Context) -> None:
    """Send the signed-in member's verification link again (limited per account)."""
    viewer = permissions.ensure_signed_in(ctx.viewer)
    if not viewer.email:
        raise FormInvalid({"form": NO_ADDRESS}, {}, status_code=409)
    if viewer.email_verified_at is not None:
        raise FormInvalid({"form": ALREADY_VERIFIED}, {}, status_code=409)
    await enforce_limit(ctx, "verify_email", str(viewer.id), {}, TOO_MANY_LINKS)
    async with in_transaction():
        await send_verification_link(viewer)


async def verify_email(ctx: Context, data: EmailVerifyIn) -> User:
    """Open a verification link: the address it was sent to is verified (once). Works
    signed in or not: the link is the proof."""
    async with in_transaction():
        row = await live_token(data.token, AccountTokenPurpose.VERIFY_EMAIL)
        if row is None or not await AccountToken.filter(id=row.id).delete():
            raise FormInvalid({"token": LINK_NOT_WORKING}, {}, status_code=410)
        user = row.user
        user.email_verified_at = datetime.now(UTC)
        await User.filter(id=user.id).update(email_verified_at=user.email_verified_at)
    if ctx.viewer is not None and ctx.viewer.id == user.id:
        ctx.viewer.email_verified_at = user.email_verified_at
    return user
