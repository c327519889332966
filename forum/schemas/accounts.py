"""What a person sends to join, sign in and look after their account — one model for the
page's form and the API's JSON body, with the same kind messages on both."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BeforeValidator,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from forum.forms import BIO_MAX, DISPLAY_NAME_MAX, EMAIL_MAX
from forum.models.accounts import User
from forum.passwords import PASSWORD_MAX, password_problem
from forum.recovery_codes import CODE_INPUT_MAX, normalise_code
from forum.schemas.base import Flag, Input, TextRule
from forum.usernames import normalise, username_problem

USERNAME_INPUT_MAX = 200  # characters as typed; the username rules say what a name may be
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
NOT_AN_EMAIL = "That doesn't look like an email address. It's optional."
CHOOSE_COUNTRY = "Choose a country from the list."
CHOOSE_POSTS = "Choose what happens to your posts: keep them as a former member, or remove them."


def refuse(kind: str, message: str) -> PydanticCustomError:
    return PydanticCustomError(f"forum.{kind}", message.replace("{", "(").replace("}", ")"))


def _password_text(value: Any) -> str:
    """A password is taken exactly as typed (never trimmed), but must be storable text."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise refuse("password", "Password must be text.")
    if "\x00" in value or any("\ud800" <= ch <= "\udfff" for ch in value):
        raise refuse("password", "Password contains characters that can't be used.")
    return value


def _strong(value: str) -> str:
    problem = password_problem(value)
    if problem:
        raise refuse("password", problem)
    return value


def _entered(message: str) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        if not isinstance(value, str) or not value:
            raise refuse("missing", message)
        return value
    return check


def _username(value: str) -> str:
    name = normalise(value)
    problem = username_problem(name)
    if problem:
        raise refuse("username", problem)
    return name


def _email(value: str | None) -> str | None:
    if value and not EMAIL.match(value):
        raise refuse("email", NOT_AN_EMAIL)
    return value or None


def _country(value: str | None) -> str | None:
    code = (value or "").upper()
    if code and not re.fullmatch("[A-Z]{2}", code):
        raise refuse("country", CHOOSE_COUNTRY)
    return code or None


PASSWORD_SCHEMA = {"type": "string", "format": "password", "maxLength": PASSWORD_MAX}
NewPassword = Annotated[str, BeforeValidator(_password_text), AfterValidator(_strong),
                        WithJsonSchema({**PASSWORD_SCHEMA, "minLength": 10})]
Email = Annotated[str | None, TextRule("Email", max_len=EMAIL_MAX), AfterValidator(_email)]
TypedUsername = Annotated[str, TextRule("Username", max_len=USERNAME_INPUT_MAX, min_len=1),
                          AfterValidator(normalise)]


# Passwords that only have to be there (checked against the stored hash by the use-case).
EnteredPassword = Annotated[str, BeforeValidator(_entered("Please enter your password.")),
                            WithJsonSchema(PASSWORD_SCHEMA)]
CurrentPassword = Annotated[str, BeforeValidator(_entered("Please enter your current password.")),
                            WithJsonSchema(PASSWORD_SCHEMA)]


class SignUpIn(Input):
    username: Annotated[str, TextRule("Username", max_len=USERNAME_INPUT_MAX, min_len=1),
                        AfterValidator(_username)]
    password: NewPassword
    email: Email = None

    @field_validator("password")
    @classmethod
    def _not_the_username(cls, value: str, info: ValidationInfo) -> str:
        problem = password_problem(value, username=info.data.get("username", ""))
        if problem:
            raise refuse("password", problem)
        return value


class SignInIn(Input):
    username: TypedUsername
    password: EnteredPassword


class PasswordChangeIn(Input):
    current_password: CurrentPassword
    new_password: NewPassword


class SettingsIn(Input):
    """The whole settings form. The API's PATCH fills in what it leaves out (`patched`)."""

    # What a display name may be (forum.usernames.display_name_problem) is checked by the
    # use-case when the name changes: a name chosen before a rule existed stays.
    display_name: Annotated[str, TextRule("Display name", max_len=DISPLAY_NAME_MAX)] = ""
    bio: Annotated[str, TextRule("About you", max_len=BIO_MAX, multiline=True)] = ""
    email: Email = None
    country: Annotated[str | None, TextRule("Country", max_len=2),
                       AfterValidator(_country)] = None
    expand_warnings: Flag = False


def current_settings(user: User) -> dict[str, Any]:
    return {"display_name": user.display_name, "bio": user.bio, "email": user.email or "",
            "country": user.country or "", "expand_warnings": user.expand_warnings}


def patched(user: User, changes: dict[str, Any]) -> dict[str, Any]:
    """A PATCH body -> the whole settings: what was sent over what the account has now
    (a null text field clears it)."""
    merged = current_settings(user)
    for name, value in changes.items():
        if name in merged:
            merged[name] = "" if value is None and name != "expand_warnings" else value
    return merged


def _as_typed(value: Any) -> str:
    return value if isinstance(value, str) else ""


class PasswordConfirmIn(Input):
    """Export and deletion ask for the password again; the use-case checks it."""

    password: Annotated[str, BeforeValidator(_as_typed), WithJsonSchema(PASSWORD_SCHEMA)] = ""


def _keep_posts(value: Any) -> bool:
    choices = {"keep": True, "remove": False, True: True, False: False}
    if isinstance(value, bool | str) and value in choices:
        return choices[value]
    raise refuse("keep_posts", CHOOSE_POSTS)


class AccountDeletionIn(PasswordConfirmIn):
    keep_posts: Annotated[bool, BeforeValidator(_keep_posts), WithJsonSchema({"type": "boolean"})]

    @model_validator(mode="before")
    @classmethod
    def _from_the_form(cls, data: Any) -> Any:
        """The page's radio buttons are `posts=keep|remove`; the API sends `keep_posts`."""
        if isinstance(data, dict) and data.get("keep_posts") is None and "posts" in data:
            return {**data, "keep_posts": data["posts"]}
        return data


TOKEN_INPUT_MAX = 200  # characters; our tokens are 43
TOKEN_CHARACTERS = re.compile(r"[A-Za-z0-9_-]+")
LINK_NOT_WORKING = ("This link has expired or has already been used. Links work once, for a "
                    "short time; you can ask for a new one.")
NOT_A_RECOVERY_CODE = ("That doesn't look like one of your recovery codes: they are twelve "
                       "letters and digits, like 7k2m-q9xd-4tnb.")
ENTER_ADDRESS = "Please enter the email address on your account."
RESET_NEEDS = ("Use the link from your email, or your username with one of your recovery "
               "codes.")


def _token(value: Any) -> str:
    """A token from a link: anything that cannot be one is answered like an old link."""
    if (not isinstance(value, str) or len(value) > TOKEN_INPUT_MAX
            or not TOKEN_CHARACTERS.fullmatch(value)):
        raise refuse("token", LINK_NOT_WORKING)
    return value


def _optional_token(value: Any) -> str | None:
    return None if value in (None, "") else _token(value)


def _recovery_code(value: Any) -> str | None:
    if value in (None, ""):
        return None
    code = normalise_code(value) if isinstance(value, str) and len(value) <= CODE_INPUT_MAX \
        else None
    if code is None:
        raise refuse("recovery_code", NOT_A_RECOVERY_CODE)
    return code


def _required_email(value: str | None) -> str:
    if not value:
        raise refuse("missing", ENTER_ADDRESS)
    return value


TOKEN_SCHEMA = {"type": "string", "pattern": "^[A-Za-z0-9_-]+$", "maxLength": TOKEN_INPUT_MAX}
LinkToken = Annotated[str, BeforeValidator(_token), WithJsonSchema(TOKEN_SCHEMA)]


class EmailVerifyIn(Input):
    """The token from a verification link."""

    token: LinkToken


class PasswordResetIn(Input):
    email: Annotated[str, TextRule("Email", max_len=EMAIL_MAX), AfterValidator(_email),
                     AfterValidator(_required_email)]


class PasswordResetConfirmIn(Input):
    """A new password, with either the token from a reset email or a username and one of
    its recovery codes."""

    token: Annotated[str | None, BeforeValidator(_optional_token),
                     WithJsonSchema(TOKEN_SCHEMA)] = None
    username: Annotated[str | None, BeforeValidator(lambda v: v or None),
                        WithJsonSchema({"type": "string", "maxLength": USERNAME_INPUT_MAX}),
                        AfterValidator(lambda v: v if v is None else _typed_username(v))] = None
    recovery_code: Annotated[str | None, BeforeValidator(_recovery_code),
                             WithJsonSchema({"type": "string", "maxLength": CODE_INPUT_MAX,
                                             "examples": ["7k2m-q9xd-4tnb"]})] = None
    password: NewPassword

    @model_validator(mode="after")
    def _one_way_back(self) -> PasswordResetConfirmIn:
        if self.token is None and (self.username is None or self.recovery_code is None):
            raise refuse("form", RESET_NEEDS)
        return self


def _typed_username(value: Any) -> str:
    if not isinstance(value, str):
        raise refuse("username", "Please enter your username.")
    return normalise(TextRule("Username", max_len=USERNAME_INPUT_MAX).check(value))
