"""No username or display name can pass for a pseudonym, for the site, or for another member:
look-alike letters, mixed alphabets and invisible characters are refused at both doors."""

from html import escape

import pytest

from forum.models.accounts import User

from ..factories import make_user

PASSWORD = "kettle orchard lantern"

LOOKALIKE_USERNAMES = [
    "b\u0585b",  # Armenian օ for o
    "\u0299\u1d0f\u0299",  # small capitals ʙᴏʙ
    "\u13aadam",  # Cherokee Ꭺ for A
    "\u13aa\u13f4\u13eb",  # a whole name in Cherokee letters that look Latin
    "bob\u3164",  # Hangul fillers: blank, yet counted as letters
    "bob\u115f",
    "bob\u1160",
    "bob\uffa0",
    "bob\u200d",  # zero-width joiner
    "bob\ufe0f",  # variation selector
    "Zo\u00eb_\u03a9mega",  # Latin and Greek
    "Ivan_\u0418\u0432\u0430\u043d",  # Latin and Cyrillic
]
ORDINARY_NAMES = ["Мария", "मीरा", "さくら", "José", "Zoë", "田中さくら", "Ελένη", "night_owl-42"]
PSEUDONYM_FORMS = ["Anonymous Ember", "anonymous   ember", "ANONYMOUS-EMBER", "Anonym0us Ember",
                   "Guest Otter", "guest otter 2", "Former member", "former_member", "Moderator",
                   "ＡＤＭＩＮ"]
INVISIBLE_DISPLAY_NAMES = ["Wren\u200b", "Wr\u2060en", "Wren\u3164", "\u3164"]


@pytest.fixture
async def api_wren(client_factory):
    """The member 'wren_member' at the API door, with a bearer token."""
    return await client_factory(await make_user("wren_member"), api_token=True)


def _typed_back(response_text: str, value: str) -> bool:
    return f'value="{escape(value)}"' in response_text


@pytest.mark.parametrize("name", LOOKALIKE_USERNAMES)
async def test_sign_up_page_refuses_a_lookalike_username_and_keeps_it(visitor, name):
    await make_user("bob")
    response = await visitor.post_form("/signup", {"username": name, "password": PASSWORD})
    assert response.status_code == 422
    assert "Please" in response.text
    assert _typed_back(response.text, name)
    assert await User.all().count() == 1


@pytest.mark.parametrize("name", LOOKALIKE_USERNAMES)
async def test_sign_up_api_refuses_a_lookalike_username(visitor, name):
    await make_user("bob")
    response = await visitor.api("POST", "/api/v1/accounts",
                                 json={"username": name, "password": PASSWORD})
    assert response.status_code == 422
    assert "Please" in response.json()["errors"]["username"]
    assert await User.all().count() == 1


async def test_a_mixed_alphabet_username_is_told_to_use_one_alphabet(visitor):
    response = await visitor.api("POST", "/api/v1/accounts",
                                 json={"username": "Zoë_Ωmega", "password": PASSWORD})
    assert "one alphabet" in response.json()["errors"]["username"]


async def test_a_username_with_a_hangul_filler_is_told_to_remove_the_invisible_character(visitor):
    response = await visitor.post_form("/signup", {"username": "bob\u3164", "password": PASSWORD})
    assert response.status_code == 422
    assert "invisible" in response.text


@pytest.mark.parametrize("name", ORDINARY_NAMES)
async def test_ordinary_names_in_any_one_script_can_sign_up_at_both_doors(client_factory, name):
    page, api = await client_factory(), await client_factory()
    response = await page.post_form("/signup", {"username": name, "password": PASSWORD})
    assert response.status_code == 200 and "recovery codes" in response.text, response.text
    await User.filter(username=name).delete()
    response = await api.api("POST", "/api/v1/accounts",
                             json={"username": name, "password": PASSWORD})
    assert response.status_code == 201, response.text


async def test_a_username_cannot_copy_another_members_display_name(visitor, member):
    assert (await member.post_form("/account", {"display_name": "Heron"})).status_code == 303
    response = await visitor.api("POST", "/api/v1/accounts",
                                 json={"username": "her0n", "password": PASSWORD})
    assert response.status_code == 422
    assert "already taken" in response.json()["errors"]["username"]


@pytest.mark.parametrize("name", PSEUDONYM_FORMS + INVISIBLE_DISPLAY_NAMES)
async def test_settings_page_refuses_a_pseudonym_or_invisible_display_name_and_keeps_it(
        member, name):
    response = await member.post_form("/account", {"display_name": name, "bio": "kept"})
    assert response.status_code == 422
    assert _typed_back(response.text, name)
    assert ">kept<" in response.text
    assert (await User.get(id=member.user.id)).display_name == ""


@pytest.mark.parametrize("name", PSEUDONYM_FORMS + INVISIBLE_DISPLAY_NAMES + ["Zoë Ωmega"])
async def test_api_patch_refuses_a_pseudonym_mixed_or_invisible_display_name(api_wren, name):
    response = await api_wren.api("PATCH", "/api/v1/me", json={"display_name": name})
    assert response.status_code == 422
    assert "Please" in response.json()["errors"]["display_name"]
    assert (await User.get(id=api_wren.user.id)).display_name == ""


async def test_a_pseudonym_display_name_is_told_what_to_change(api_wren):
    response = await api_wren.api("PATCH", "/api/v1/me", json={"display_name": "Anonymous Ember"})
    assert "leave it empty" in response.json()["errors"]["display_name"]


@pytest.mark.parametrize("name", ["otter_member", "Otter Member", "0tter-member", "Heron",
                                  "HER0N", "her on"])
async def test_a_display_name_cannot_pass_for_another_member(client_factory, api_wren, name):
    other = await client_factory(await make_user("otter_member"), api_token=True)
    assert (await other.api("PATCH", "/api/v1/me",
                            json={"display_name": "Heron"})).status_code == 200
    member = await client_factory(api_wren.user)
    response = await api_wren.api("PATCH", "/api/v1/me", json={"display_name": name})
    assert response.status_code == 422
    assert "another member" in response.json()["errors"]["display_name"]
    page = await member.post_form("/account", {"display_name": name})
    assert page.status_code == 422
    assert _typed_back(page.text, name)
    assert (await User.get(id=member.user.id)).display_name == ""


@pytest.mark.parametrize("name", ["Мария Иванова", "Zoë", "Guest Speaker", "Wren M.",
                                  "Wren_Member", ""])
async def test_ordinary_display_names_and_ones_own_username_are_accepted(api_wren, name):
    response = await api_wren.api("PATCH", "/api/v1/me", json={"display_name": name})
    assert response.status_code == 200, response.text
    assert (await User.get(id=api_wren.user.id)).display_name == name


async def test_a_display_name_from_before_the_rules_stays_while_other_settings_change(
        api_wren, client_factory):
    await User.filter(id=api_wren.user.id).update(display_name="Anonymous Ember")
    response = await api_wren.api("PATCH", "/api/v1/me", json={"bio": "Still here"})
    assert response.status_code == 200, response.text
    page = await client_factory(api_wren.user)
    response = await page.post_form("/account", {"display_name": "Anonymous Ember",
                                                 "bio": "Still here, again"})
    assert response.status_code == 303
    user = await User.get(id=api_wren.user.id)
    assert (user.display_name, user.bio) == ("Anonymous Ember", "Still here, again")
    response = await api_wren.api("PATCH", "/api/v1/me", json={"display_name": "Guest Otter"})
    assert response.status_code == 422
