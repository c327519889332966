"""A new password needs enough different characters — on sign-up, on a change and from the
command line — while passwords chosen before the rule still open their accounts."""

from forum.models.accounts import User
from forum.passwords import MIN_DISTINCT_CHARACTERS, password_problem

from ..factories import PASSWORD, make_user

TEN_SPACES_AND_AN_X = " " * 10 + "x"
FEW_DIFFERENT = ["aaaaaaaaaaaa", "abababababab", "AaAaAaAaAaAa", "1212121212121212",
                 "zzzz    zzzz", "..........!!", "abcdabcdabcd"]


def test_passwords_made_of_a_few_repeated_characters_are_refused():
    for password in [TEN_SPACES_AND_AN_X, *FEW_DIFFERENT]:
        problem = password_problem(password)
        assert problem is not None, password
        assert f"{MIN_DISTINCT_CHARACTERS} different characters" in problem


def test_ordinary_passphrases_and_long_single_words_still_pass():
    for password in ["kettle orchard lantern", PASSWORD, "correcthorsebattery",
                     "meadowlarks", "12 green bottles"]:
        assert password_problem(password) is None, password


async def test_sign_up_refuses_ten_spaces_and_an_x_and_keeps_the_username(visitor):
    response = await visitor.post_form("/signup", {"username": "wren",
                                                   "password": TEN_SPACES_AND_AN_X})
    assert response.status_code == 422
    assert "different characters" in response.text
    assert 'value="wren"' in response.text
    assert TEN_SPACES_AND_AN_X not in response.text
    assert not await User.exists(username="wren")


async def test_the_api_sign_up_refuses_it_with_the_same_words(visitor):
    response = await visitor.api("POST", "/api/v1/accounts",
                                 json={"username": "wren", "password": TEN_SPACES_AND_AN_X})
    assert response.status_code == 422
    assert "different characters" in response.json()["errors"]["password"]
    assert not await User.exists(username="wren")


async def test_a_password_change_to_few_characters_is_refused_through_both_doors(
        client_factory):
    user = await make_user("wren")
    page = await client_factory(user)
    api = await client_factory(user, api_token=True)
    on_page = await page.post_form("/account/password", {
        "current_password": PASSWORD, "new_password": TEN_SPACES_AND_AN_X})
    assert on_page.status_code == 422
    assert "different characters" in on_page.text
    through_api = await api.api("POST", "/api/v1/me/password", json={
        "current_password": PASSWORD, "new_password": "abababababab"})
    assert through_api.status_code == 422
    assert "different characters" in through_api.json()["errors"]["new_password"]
    assert (await User.get(id=user.id)).password_hash == user.password_hash


async def test_a_password_chosen_before_the_rule_still_signs_in_and_confirms(client_factory):
    await make_user("wren", password=TEN_SPACES_AND_AN_X)  # as an older forum stored it
    visitor = await client_factory()
    page = await visitor.post_form("/signin", {"username": "wren",
                                               "password": TEN_SPACES_AND_AN_X})
    assert page.status_code == 303
    script = await client_factory()
    token = await script.api("POST", "/api/v1/tokens",
                             json={"username": "wren", "password": TEN_SPACES_AND_AN_X})
    assert token.status_code == 201
    script.token = token.json()["token"]
    changed = await script.api("POST", "/api/v1/me/password", json={
        "current_password": TEN_SPACES_AND_AN_X, "new_password": "kettle orchard lantern"})
    assert changed.status_code == 200
