"""Signing up, signing in and out, and looking after an account.

Each use-case does the whole sequence for the page and the API alike: the rate limits, the
check, the change and the session rows. Setting the cookie is left to the page.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from forum import permissions
from forum.actions.addresses import address_changed, send_verification_link
from forum.actions.context import Context, enforce_limit
from forum.forms import FormInvalid
from forum.models.accounts import Role, SessionKind, User
from forum.outage import note_saved
from forum.passwords import (
    burn_verification_time,
    confirms_password,
    hash_password,
    needs_rehash,
    password_problem,
    verify_password,
)
from forum.queries.accounts import find_user_by_username, name_used_by_another, username_taken
from forum.recovery_codes import issue_recovery_codes
from forum.schemas.accounts import PasswordChangeIn, SettingsIn, SignInIn, SignUpIn
from forum.sealed_side import sealed_side
from forum.sessions import end_all_sessions, end_session, start_session
from forum.usernames import display_name_problem, display_skeleton, skeleton, username_key

DISPLAY_NAME_TAKEN = ("That display name looks just like another member's name. Please choose "
                      "another, or leave it empty to show your username.")
NAME_TAKEN = "That name, or one that looks just like it, is already taken. Please choose another."
SIGNIN_FAILED = "That username and password don't match an account. Please check and try again."
WRONG_CURRENT_PASSWORD = "That isn't your current password."
TOO_MANY_ATTEMPTS = ("There were too many attempts in a short time. Please try again in about "
                     "{wait}.")
TOO_MANY_WRONG_PASSWORDS = (
    "There were too many wrong passwords in a short time, so for now even the right password "
    "can't be accepted here — this keeps anyone else using your session from guessing it. "
    "Nothing was changed. Please try again in about {wait}.")
TOO_MANY_TOKENS = ("This account has asked for a lot of API tokens lately. Each token lasts a "
                   "year, so please keep using the one you have; a new one can be made in "
                   "about {wait}.")


class AccountDetails(Protocol):
    @property
    def username(self) -> str: ...
    @property
    def password(self) -> str: ...
    @property
    def email(self) -> str | None: ...


@dataclass(frozen=True)
class SignedIn:
    user: User
    token: str | None  # the new session's token (None when none was asked for)
    recovery_codes: tuple[str, ...] = ()  # a new account's, shown once


def password_guess_key(username: str) -> str:
    """Guesses at one account's password share one limit, whichever door they come through."""
    return username.casefold()


async def check_password_again(ctx: Context, viewer: User, password: object, *,
                               field: str, wrong: str, values: Mapping[str, Any] | None = None,
                               wrong_status: int = 403) -> None:
    """The signed-in person typed their password again (before an export, a deletion, a
    password change, an admin's reveal): every door that asks for it comes through here.

    Wrong guesses count against the account's sign-in limit (`signin`, shared with the
    sign-in page and token requests, so a borrowed session gets no guesses of its own) and
    the client address's (`signin_ip`, so one connection holding several sessions cannot
    try each in turn). Each attempt is counted before the hash is checked — a burst sent at
    once gets no more than the limit — and a right password is given back, so only wrong
    ones use the limit up. Past it, the right password is refused too (429, Retry-After)
    until the window ends. A refusal keeps `values` (never the password)."""
    kept = dict(values or {})
    at = ctx.limiter.clock()
    guesses = (("signin_ip", ctx.client), ("signin", password_guess_key(viewer.username)))
    for limit, key in guesses:
        await enforce_limit(ctx, limit, key, kept, TOO_MANY_WRONG_PASSWORDS, at=at)
    if not await confirms_password(viewer.password_hash, password):
        raise FormInvalid({field: wrong}, kept, status_code=wrong_status)
    for limit, key in guesses:
        await ctx.limiter.give_back(limit, key, at)


async def sign_up(ctx: Context, data: SignUpIn, *,
                  session: SessionKind | None = None) -> SignedIn:
    """A new member account (limited per address), with its ten recovery codes (to show
    once) and, when an address was given, a link sent to verify it; signed in at once when
    `session` says."""
    await enforce_limit(ctx, "signup", ctx.client,
                        {"username": data.username, "email": data.email or ""},
                        TOO_MANY_ATTEMPTS)
    user = await create_account(data)
    note_saved("your account", "/signin")  # if signing in now fails, it still stands
    codes = await issue_recovery_codes(user, ctx.settings)
    async with in_transaction():
        await send_verification_link(user)
    return SignedIn(user, await start_session(user, session) if session else None,
                    tuple(codes))


NAMES_LOCK = 0x4E414D45  # the PostgreSQL advisory lock that puts new names in a row


async def create_account(details: AccountDetails, role: Role = Role.MEMBER) -> User:
    """The account row itself (the command line makes moderators and admins with it)."""
    values = {"username": details.username, "email": details.email or ""}
    if await username_taken(details.username):
        raise FormInvalid({"username": NAME_TAKEN}, values)
    password_hash = await hash_password(details.password)
    try:
        async with in_transaction() as conn:
            # Look-alikes share no unique column (old accounts may already collide), so two
            # sign-ups as "rnorgan" and "morgan" at once are put one after the other and the
            # second looks again. SQLite's write transactions are exclusive already.
            if conn.capabilities.dialect == "postgres":
                await conn.execute_query("SELECT pg_advisory_xact_lock($1)", [NAMES_LOCK])
            if await username_taken(details.username):
                raise FormInvalid({"username": NAME_TAKEN}, values)
            user = await User.create(
                username=details.username,
                username_key=username_key(details.username),
                skeleton=skeleton(details.username),
                email=details.email,
                password_hash=password_hash,
                role=role,
            )
        return user
    except IntegrityError as exc:  # someone took it a moment ago
        raise FormInvalid({"username": NAME_TAKEN}, values) from exc


async def sign_in(ctx: Context, data: SignInIn, session: SessionKind, *,
                  replacing: str | None = None) -> SignedIn:
    """A new session (a browser's or an API token) for these credentials.

    Guesses are limited per address and per account — the same account limit for the page
    and the API, so neither door adds guesses to the other's. A wrong name or password is
    one 401 with no hint of which; a suspended or banned member is told why (403).
    `replacing` is the session this browser had, ended so a sign-in always rotates it."""
    values = {"username": data.username}
    await enforce_limit(ctx, "signin_ip", ctx.client, values, TOO_MANY_ATTEMPTS)
    await enforce_limit(ctx, "signin", password_guess_key(data.username), values,
                        TOO_MANY_ATTEMPTS)
    if session is SessionKind.API:
        await enforce_limit(ctx, "token", password_guess_key(data.username), values,
                            TOO_MANY_TOKENS)
    user = await authenticate(data)
    if user is None:
        raise FormInvalid({"form": SIGNIN_FAILED}, values, status_code=401)
    await sealed_side(user)
    if permissions.is_locked_out(user):
        raise FormInvalid({"form": permissions.locked_out_message(user)}, values,
                          status_code=403)
    if replacing:
        await end_session(replacing)
    return SignedIn(user, await start_session(user, session))


async def authenticate(data: SignInIn) -> User | None:
    """The account these credentials open, or None — with no hint of which part was wrong.
    A hash made with older settings is made again with today's."""
    user = await find_user_by_username(data.username)
    if user is None:
        await burn_verification_time(data.password)
        return None
    if not await verify_password(user.password_hash, data.password):
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = await hash_password(data.password)
        await user.save(update_fields=["password_hash"])
    return user


async def sign_out(ctx: Context, token: str | None) -> bool:
    """End this session (a browser's or the API token in use); whether one was ended."""
    if not token:
        return False
    await end_session(token)
    return True


async def sign_out_token(ctx: Context, token: str | None) -> bool:
    """The API's sign-out: only for someone signed in with the token."""
    permissions.ensure_signed_in(ctx.viewer)
    return await sign_out(ctx, token)


async def sign_out_everywhere(ctx: Context) -> int:
    """End every session and API token of the signed-in member; how many ended."""
    viewer = permissions.ensure_signed_in(ctx.viewer)
    return await end_all_sessions(viewer.id)


async def change_password(ctx: Context, data: PasswordChangeIn, session: SessionKind) -> str:
    """Change the password and end every session and API token at once; the door it came
    through gets a new one (its token returned). Current-password guesses are limited as
    every re-entry is (`check_password_again`); nothing typed is kept (all passwords)."""
    viewer = permissions.ensure_signed_in(ctx.viewer)
    problem = password_problem(data.new_password, username=viewer.username)
    if problem:
        raise FormInvalid({"new_password": problem}, {})
    await check_password_again(ctx, viewer, data.current_password, field="current_password",
                               wrong=WRONG_CURRENT_PASSWORD, wrong_status=422)
    new_hash = await hash_password(data.new_password)
    async with in_transaction():
        await User.filter(id=viewer.id).update(password_hash=new_hash)
        await end_all_sessions(viewer.id)
    viewer.password_hash = new_hash
    return await start_session(viewer, session)


async def update_settings(ctx: Context, data: SettingsIn) -> bool:
    """Name, about, email, country and the warnings default; whether anything changed.
    A new or changed address is unverified until the link sent to it is opened."""
    viewer = permissions.ensure_signed_in(ctx.viewer)
    changes = {
        "display_name": data.display_name,
        "bio": data.bio,
        "email": data.email,
        "country": data.country,
        "expand_warnings": data.expand_warnings,
    }
    problem = await display_name_refusal(viewer, data.display_name)
    if problem:
        raise FormInvalid({"display_name": problem},
                          {**changes, "email": data.email or "", "country": data.country or ""})
    if data.display_name != viewer.display_name:
        changes["display_skeleton"] = display_skeleton(data.display_name)
    old_address = viewer.email
    async with in_transaction():
        changed = await change_own_row(viewer, changes)
        await address_changed(viewer, old_address)
    return changed


async def display_name_refusal(viewer: User, name: str) -> str | None:
    """Why this new display name can't be used, or None. Only a change is judged, so a name
    chosen before a rule existed stays until its owner changes it."""
    if not name or name == viewer.display_name:
        return None
    problem = display_name_problem(name)
    if problem is None and await name_used_by_another(name, me=viewer.id):
        problem = DISPLAY_NAME_TAKEN
    return problem


async def change_own_row(viewer: User, changes: Mapping[str, object]) -> bool:
    """Write the fields of a member's own row that really change; whether any did."""
    changed = {k: v for k, v in changes.items() if getattr(viewer, k) != v}
    if not changed:
        return False
    await User.filter(id=viewer.id).update(**changed)
    for name, value in changed.items():
        setattr(viewer, name, value)
    return True
