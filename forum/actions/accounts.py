"""Signing up, signing in and looking after an account."""

from __future__ import annotations

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from forum.forms import FormInvalid, PasswordChangeForm, SettingsForm, SignInForm, SignUpForm
from forum.models.accounts import Role, User
from forum.passwords import burn_verification_time, hash_password, needs_rehash, verify_password
from forum.queries.accounts import find_user_by_username, username_taken
from forum.restrictions import NONE as NO_RESTRICTIONS
from forum.restrictions import seal_restrictions
from forum.sessions import end_all_sessions
from forum.usernames import skeleton, username_key

NAME_TAKEN = "That name, or one that looks just like it, is already taken. Please choose another."


async def sign_up(form: SignUpForm, role: Role = Role.MEMBER) -> User:
    values = {"username": form.username, "email": form.email or ""}
    if await username_taken(form.username):
        raise FormInvalid({"username": NAME_TAKEN}, values)
    password_hash = await hash_password(form.password)
    try:
        async with in_transaction():
            user = await User.create(
                username=form.username,
                username_key=username_key(form.username),
                skeleton=skeleton(form.username),
                email=form.email,
                password_hash=password_hash,
                role=role,
            )
            await give_sealed_restrictions([user])
        return user
    except IntegrityError as exc:  # someone took it a moment ago
        raise FormInvalid({"username": NAME_TAKEN}, values) from exc


async def give_sealed_restrictions(users: list[User]) -> None:
    """Every account carries a sealed (empty) restrictions blob, so having one says nothing."""
    for user in users:
        if not user.sealed_restrictions:
            user.sealed_restrictions = seal_restrictions(user.id, NO_RESTRICTIONS)
            await User.filter(id=user.id).update(sealed_restrictions=user.sealed_restrictions)


async def authenticate(form: SignInForm) -> User | None:
    """The account these credentials open, or None — with no hint of which part was wrong."""
    user = await find_user_by_username(form.username)
    if user is None:
        await burn_verification_time(form.password)
        return None
    if not await verify_password(user.password_hash, form.password):
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = await hash_password(form.password)
        await user.save(update_fields=["password_hash"])
    return user


async def change_password(user: User, form: PasswordChangeForm) -> None:
    """Change the password and end every session and API token at once."""
    if not await verify_password(user.password_hash, form.current_password):
        raise FormInvalid({"current_password": "That isn't your current password."}, {})
    new_hash = await hash_password(form.new_password)
    async with in_transaction():
        await User.filter(id=user.id).update(password_hash=new_hash)
        await end_all_sessions(user.id)
    user.password_hash = new_hash


async def update_settings(user: User, form: SettingsForm) -> bool:
    changes = {
        "display_name": form.display_name,
        "bio": form.bio,
        "email": form.email,
        "country": form.country,
        "expand_warnings": form.expand_warnings,
    }
    changed = {k: v for k, v in changes.items() if getattr(user, k) != v}
    if not changed:
        return False
    await User.filter(id=user.id).update(**changed)
    for name, value in changed.items():
        setattr(user, name, value)
    return True
