"""Getting back into an account: a password reset by email, or a recovery code.

Asking for a reset link answers the same, with the same work, whether or not the address
belongs to anyone: the request only queues a sealed job holding the address (one INSERT,
whatever was typed), and the job — later, in the worker — looks the address up and mails a
link to each account that has verified it. Nothing about the address reaches the answer,
its timing or the logs. A link works once, for `RESET_MINUTES`; only its hash is stored.

A recovery code (forum.recovery_codes) works once in place of the link. Either way the new
password follows the sign-up rules, and every session and API token of the account ends.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from tortoise.transactions import in_transaction

from forum import permissions, sealing
from forum.actions.accounts import WRONG_CURRENT_PASSWORD, check_password_again
from forum.actions.addresses import issue_token, live_token
from forum.actions.context import Context, enforce_limit
from forum.forms import FormInvalid
from forum.jobs.kinds import GiveUp, Kind, register
from forum.jobs.queue import enqueue
from forum.mail.outbox import PAD_TO, queue_mail
from forum.models.accounts import AccountToken, AccountTokenPurpose, RecoveryCode, User
from forum.models.jobs import Job
from forum.passwords import hash_password, password_problem
from forum.queries.accounts import find_user_by_username, verified_accounts_at
from forum.recovery_codes import code_hash, issue_recovery_codes
from forum.schemas.accounts import (
    LINK_NOT_WORKING,
    PasswordConfirmIn,
    PasswordResetConfirmIn,
    PasswordResetIn,
)
from forum.sessions import end_all_sessions, hash_token
from forum.settings import Settings

RESET_MINUTES = 30
RESET_PATH = "/password-reset/confirm"
RESET_JOB = "password-reset-request"
RESET_JOB_PURPOSE = "password-reset-job"
RESET_ASKED = ("If that address belongs to an account here and has been verified, a link to "
               "set a new password is on its way. It works once, within "
               f"{RESET_MINUTES} minutes. Nothing arriving? Look in your spam folder, or "
               "use one of your recovery codes.")
CODE_REFUSED = ("That username and recovery code don't match. Check the code (each works "
                "once) and try again.")
TOO_MANY_RESETS = ("There have been several requests for this lately. Please look for the "
                   "email we sent (and in your spam folder), or try again in about {wait}.")
TOO_MANY_CODES = ("There were too many tries in a short time. Please try again in about "
                  "{wait}.")


async def request_password_reset(ctx: Context, data: PasswordResetIn) -> str:
    """Queue the look-up of this address (see the module docstring); the answer to give,
    the same for every address. Limited per address and per client."""
    kept = {"email": data.email}
    await enforce_limit(ctx, "password_reset_ip", ctx.client, kept, TOO_MANY_RESETS)
    await enforce_limit(ctx, "password_reset", data.email.casefold(), kept, TOO_MANY_RESETS)
    plain = json.dumps({"email": data.email})
    padded = plain.ljust(-(-len(plain) // PAD_TO) * PAD_TO)
    await enqueue(RESET_JOB, {"sealed": sealing.seal(padded, RESET_JOB_PURPOSE)},
                  max_attempts=4)
    return RESET_ASKED


async def _send_reset_links(job: Job, settings: Settings) -> None:
    """The worker's half: a reset link to each account that verified this address."""
    text = sealing.unseal(str(job.payload.get("sealed", "")), RESET_JOB_PURPOSE)
    if text is None:
        raise GiveUp("this request was sealed under another anonymity key")
    address = str(json.loads(text)["email"])
    for user in await verified_accounts_at(address):
        async with in_transaction():
            token = await issue_token(user, AccountTokenPurpose.RESET_PASSWORD,
                                      timedelta(minutes=RESET_MINUTES))
            await queue_mail(user.email or address, "password_reset",
                             {"username": user.username, "minutes": RESET_MINUTES,
                              "path": f"{RESET_PATH}?token={token}"})


register(Kind(RESET_JOB, _send_reset_links, 60.0, lambda: (10.0, 60.0, 300.0)))


async def reset_link_works(token: str) -> bool:
    """Whether a reset link can still be used (for the page that asks for the password)."""
    return await live_token(token, AccountTokenPurpose.RESET_PASSWORD) is not None


async def reset_password(ctx: Context, data: PasswordResetConfirmIn) -> User:
    """Set a new password with a reset link's token or a recovery code; each works once.
    Every session and API token of the account ends. The account is returned."""
    kept = {"username": data.username or ""}
    await enforce_limit(ctx, "recovery_ip", ctx.client, kept, TOO_MANY_CODES)
    if data.token is not None:
        user = await _by_token(data.token)
    else:
        assert data.username is not None and data.recovery_code is not None
        await enforce_limit(ctx, "recovery", data.username.casefold(), kept, TOO_MANY_CODES)
        user = await _by_code(ctx, data.username, data.recovery_code)
    problem = password_problem(data.password, username=user.username)
    if problem:
        raise FormInvalid({"password": problem}, kept)
    new_hash = await hash_password(data.password)
    async with in_transaction():
        if data.token is not None:
            used = await AccountToken.filter(
                token_hash=hash_token(data.token), purpose=AccountTokenPurpose.RESET_PASSWORD,
                expires_at__gt=datetime.now(UTC)).delete()
            await AccountToken.filter(  # every other reset link of the account too
                user_id=user.id, purpose=AccountTokenPurpose.RESET_PASSWORD).delete()
        else:
            used = await RecoveryCode.filter(
                user_id=user.id, used_at__isnull=True,
                code_hash=code_hash(_key(ctx), user.id, data.recovery_code or "")
            ).update(used_at=datetime.now(UTC))
        if not used:  # the same link or code, used a moment ago by another request
            raise _refused(data)
        await User.filter(id=user.id).update(password_hash=new_hash)
        await end_all_sessions(user.id)
    user.password_hash = new_hash
    return user


def _refused(data: PasswordResetConfirmIn) -> FormInvalid:
    if data.token is not None:
        return FormInvalid({"token": LINK_NOT_WORKING}, {}, status_code=410)
    return FormInvalid({"recovery_code": CODE_REFUSED}, {"username": data.username or ""},
                       status_code=422)


async def _by_token(token: str) -> User:
    row = await live_token(token, AccountTokenPurpose.RESET_PASSWORD)
    if row is None:
        raise FormInvalid({"token": LINK_NOT_WORKING}, {}, status_code=410)
    return row.user


def _key(ctx: Context) -> str:
    return ctx.settings.secret_key.get_secret_value()


async def _by_code(ctx: Context, username: str, code: str) -> User:
    user = await find_user_by_username(username)
    owner = user.id if user else 0  # no account has id 0: the same work either way
    found = await RecoveryCode.filter(user_id=owner, code_hash=code_hash(_key(ctx), owner, code),
                                      used_at__isnull=True).exists()
    if user is None or not found:
        raise FormInvalid({"recovery_code": CODE_REFUSED}, {"username": username},
                          status_code=422)
    return user


async def regenerate_recovery_codes(ctx: Context, data: PasswordConfirmIn) -> list[str]:
    """New codes for the signed-in member, after the password is typed again (limited as
    every re-entry is); the old set stops working."""
    viewer = permissions.ensure_signed_in(ctx.viewer)
    await check_password_again(ctx, viewer, data.password, field="password",
                               wrong=WRONG_CURRENT_PASSWORD, wrong_status=422)
    return await issue_recovery_codes(viewer, ctx.settings)
