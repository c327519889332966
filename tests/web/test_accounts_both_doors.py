"""Account actions behave the same through the page and the API: the same limits, the same
refusals, the same follow-ups."""

from forum.models.accounts import Session, User

from ..factories import PASSWORD, make_user

GUESSES_PER_ACCOUNT = 10  # the default sign-in limit per account (15 minutes)


async def test_password_guesses_on_the_page_use_up_the_api_tokens_limit_too(client_factory):
    await make_user("wren")
    attacker = await client_factory()
    for _ in range(GUESSES_PER_ACCOUNT):
        await attacker.post_form("/signin", {"username": "wren", "password": "guess guess guess"})
    response = await attacker.api("POST", "/api/v1/tokens",
                                  json={"username": "wren", "password": PASSWORD})
    assert response.status_code == 429
    assert int(response.headers["retry-after"]) > 0
    assert not await Session.exists()


async def test_password_guesses_through_the_api_use_up_the_page_sign_in_too(client_factory):
    await make_user("wren")
    attacker = await client_factory()
    for _ in range(GUESSES_PER_ACCOUNT):
        await attacker.api("POST", "/api/v1/tokens",
                           json={"username": "WREN", "password": "guess guess guess"})
    response = await attacker.post_form("/signin", {"username": "wren", "password": PASSWORD})
    assert response.status_code == 429
    assert not await Session.exists()


async def test_a_refused_sign_in_page_says_why_and_keeps_the_username(client_factory):
    await make_user("wren")
    person = await client_factory()
    for _ in range(GUESSES_PER_ACCOUNT):
        await person.post_form("/signin", {"username": "wren", "password": "guess guess guess"})
    response = await person.post_form("/signin", {"username": "wren", "password": PASSWORD})
    assert response.status_code == 429
    assert "too many attempts" in response.text
    assert 'value="wren"' in response.text  # the sign-in form again, not a bare error page
    assert int(response.headers["retry-after"]) > 0


async def test_guessing_the_current_password_counts_against_the_sign_in_limit(client_factory):
    user = await make_user("wren")
    borrowed = await client_factory(user, api_token=True)
    for _ in range(GUESSES_PER_ACCOUNT):
        wrong = await borrowed.api("POST", "/api/v1/me/password", json={
            "current_password": "guess guess guess", "new_password": "a brand new harbour"})
        assert wrong.status_code == 422
    again = await borrowed.api("POST", "/api/v1/me/password", json={
        "current_password": PASSWORD, "new_password": "a brand new harbour"})
    assert again.status_code == 429
    owner = await client_factory()
    page = await owner.post_form("/signin", {"username": "wren", "password": PASSWORD})
    assert page.status_code == 429
    assert (await User.get(id=user.id)).password_hash == user.password_hash


async def test_confirming_export_or_deletion_counts_against_the_sign_in_limit(client_factory):
    user = await make_user("wren")
    page = await client_factory(user)
    api = await client_factory(user, api_token=True)
    for n in range(GUESSES_PER_ACCOUNT):
        if n % 2:
            wrong = await page.post_form("/account/export", {"password": "guess guess"})
        else:
            wrong = await api.api("GET", "/api/v1/me/export",
                                  headers={"X-Confirm-Password": "guess guess"})
        assert wrong.status_code == 403
    deletion = await api.api("DELETE", "/api/v1/me", json={"password": PASSWORD,
                                                           "keep_posts": True})
    assert deletion.status_code == 429
    assert await User.exists(id=user.id)


async def test_account_deletion_needs_a_choice_about_posts_through_both_doors(client_factory):
    user = await make_user("wren")
    page = await client_factory(user)
    api = await client_factory(user, api_token=True)
    on_page = await page.post_form("/account/delete", {"password": PASSWORD})
    assert on_page.status_code == 422
    assert "Choose what happens to your posts" in on_page.text
    through_api = await api.api("DELETE", "/api/v1/me", json={"password": PASSWORD,
                                                              "keep_posts": "perhaps"})
    assert through_api.status_code == 422
    assert "Choose what happens to your posts" in through_api.json()["errors"]["keep_posts"]
    assert await User.exists(id=user.id)


async def test_a_wrong_password_deletes_nothing_through_either_door(client_factory):
    user = await make_user("wren")
    page = await client_factory(user)
    api = await client_factory(user, api_token=True)
    on_page = await page.post_form("/account/delete", {"password": "not it at all",
                                                       "posts": "remove"})
    through_api = await api.api("DELETE", "/api/v1/me", json={"password": "not it at all",
                                                              "keep_posts": False})
    assert on_page.status_code == through_api.status_code == 403
    assert "isn&#39;t your password" in on_page.text
    assert "isn't your password" in through_api.json()["detail"]
    assert await User.exists(id=user.id)


async def test_settings_saved_through_either_door_read_the_same(client_factory):
    user = await make_user("wren")
    page = await client_factory(user)
    api = await client_factory(user, api_token=True)
    bad_page = await page.post_form("/account", {"country": "Narnia", "bio": "kept"})
    bad_api = await api.api("PATCH", "/api/v1/me", json={"country": "Narnia"})
    assert bad_page.status_code == bad_api.status_code == 422
    assert "at most 2 characters" in bad_api.json()["errors"]["country"]
    assert "at most 2 characters" in bad_page.text and ">kept<" in bad_page.text
    await page.post_form("/account", {"display_name": "Wren M.", "country": "ie"})
    assert (await api.api("GET", "/api/v1/me")).json()["country"] == "IE"
    patched = await api.api("PATCH", "/api/v1/me", json={"country": None})
    assert patched.json()["country"] is None
    assert patched.json()["display_name"] == "Wren M."
