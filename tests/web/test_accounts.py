from forum.models.accounts import Session, User
from forum.passwords import hash_password, use_fast_hashing
from forum.sessions import SESSION_COOKIE, hash_token

from ..factories import PASSWORD, make_user


async def test_sign_up_creates_an_account_and_signs_in(visitor):
    response = await visitor.post_form("/signup", {"username": "Wren_Writes",
                                                   "password": "kettle orchard lantern"})
    # Signed in on the page that shows the recovery codes, once.
    assert response.status_code == 200 and "Your recovery codes" in response.text
    user = await User.get(username_key="wren_writes")
    assert user.username == "Wren_Writes"
    assert user.password_hash.startswith("$argon2id$")
    token = visitor.http.cookies[SESSION_COOKIE]
    assert await Session.filter(user=user, token_hash=hash_token(token)).exists()
    assert token not in user.password_hash
    page = await visitor.get("/account")
    assert page.status_code == 200 and "Wren_Writes" in page.text


async def test_session_cookie_is_httponly_and_samesite_lax(visitor):
    response = await visitor.post_form("/signup", {"username": "wren",
                                                   "password": "kettle orchard lantern"})
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie.replace("Lax", "lax")


async def test_sign_up_refuses_names_that_look_like_existing_ones(visitor):
    await make_user("john")
    for name in ("JOHN", "j0hn", "Jo_hn"):  # a Cyrillic о is refused as mixed scripts
        response = await visitor.post_form("/signup", {"username": name,
                                                       "password": "kettle orchard lantern"})
        assert response.status_code == 422
        assert "already taken" in response.text
        assert f'value="{name}"' in response.text  # the form keeps what they typed
    assert await User.all().count() == 1


async def test_sign_up_refuses_common_and_short_passwords_and_keeps_the_username(visitor):
    response = await visitor.post_form("/signup", {"username": "wren", "password": "password1"})
    assert response.status_code == 422
    assert "Use at least 10 characters" in response.text
    response = await visitor.post_form("/signup", {"username": "wren",
                                                   "password": "password123"})
    assert "too common" in response.text
    assert 'value="wren"' in response.text
    assert not await User.exists()


async def test_sign_in_error_is_the_same_for_unknown_account_and_wrong_password(visitor):
    await make_user("wren")
    unknown = await visitor.post_form("/signin", {"username": "nobody_here",
                                                  "password": "kettle orchard lantern"})
    wrong = await visitor.post_form("/signin", {"username": "wren",
                                                "password": "kettle orchard lantern"})
    assert unknown.status_code == wrong.status_code == 422
    assert "don&#39;t match an account" in unknown.text
    assert "don&#39;t match an account" in wrong.text


async def test_sign_in_rotates_the_session_token(visitor):
    user = await make_user("wren")
    await visitor.post_form("/signin", {"username": "wren", "password": PASSWORD})
    first = visitor.http.cookies[SESSION_COOKIE]
    await visitor.post_form("/signin", {"username": "WREN", "password": PASSWORD})
    second = visitor.http.cookies[SESSION_COOKIE]
    assert first != second
    assert await Session.filter(user=user).count() == 1  # the old one ended


async def test_sign_in_upgrades_an_old_hash(visitor):
    user = await make_user("wren")
    use_fast_hashing(False)
    try:
        user.password_hash = await hash_password(PASSWORD)
    finally:
        use_fast_hashing(True)
    await user.save()
    old_hash = user.password_hash
    response = await visitor.post_form("/signin", {"username": "wren", "password": PASSWORD})
    assert response.status_code == 303
    await user.refresh_from_db()
    assert user.password_hash != old_hash


async def test_sign_in_redirects_only_to_this_site(visitor):
    await make_user("wren")
    response = await visitor.post_form("/signin", {"username": "wren", "password": PASSWORD,
                                                   "next": "//evil.example/x"})
    assert response.headers["location"] == "/"
    await visitor.post_form("/signout")
    response = await visitor.post_form("/signin", {"username": "wren", "password": PASSWORD,
                                                   "next": "/stories/new"})
    assert response.headers["location"] == "/stories/new"


async def test_sign_out_ends_the_session_in_the_database(member):
    token = member.http.cookies[SESSION_COOKIE]
    response = await member.post_form("/signout")
    assert response.status_code == 303
    assert not await Session.filter(token_hash=hash_token(token)).exists()
    member.http.cookies.set(SESSION_COOKIE, token)  # a stolen copy is now worthless
    assert (await member.get("/account")).status_code == 303


async def test_sign_out_everywhere_ends_every_session_and_api_token(client_factory):
    user = await make_user("wren")
    laptop = await client_factory(user)
    phone = await client_factory(user)
    script = await client_factory(user, api_token=True)
    response = await laptop.post_form("/account/sessions/end")
    assert response.status_code == 303
    assert (await phone.get("/account")).status_code == 303
    assert (await script.api("GET", "/api/v1/me")).status_code == 401
    assert not await Session.filter(user=user).exists()


async def test_password_change_ends_other_sessions_and_keeps_this_one(client_factory):
    user = await make_user("wren")
    here = await client_factory(user)
    elsewhere = await client_factory(user)
    response = await here.post_form("/account/password", {
        "current_password": PASSWORD, "new_password": "a brand new harbour"})
    assert response.status_code == 303
    assert (await here.get("/account")).status_code == 200
    assert (await elsewhere.get("/account")).status_code == 303
    assert await Session.filter(user=user).count() == 1


async def test_password_change_needs_the_current_password(member):
    response = await member.post_form("/account/password", {
        "current_password": "not my password", "new_password": "a brand new harbour"})
    assert response.status_code == 422
    assert "isn&#39;t your current password" in response.text


async def test_settings_are_saved_and_bad_values_are_explained(member):
    response = await member.post_form("/account", {"display_name": "Wren M.",
                                                   "bio": "Hello", "country": "gb",
                                                   "expand_warnings": "1"})
    assert response.status_code == 303
    user = await User.get(id=member.user.id)
    assert (user.display_name, user.country, user.expand_warnings) == ("Wren M.", "GB", True)
    response = await member.post_form("/account", {"display_name": "x" * 61})
    assert response.status_code == 422
    assert "at most 60" in response.text
    assert "x" * 61 in response.text


async def test_sign_up_is_rate_limited_per_address(visitor):
    for n in range(5):
        response = await visitor.post_form("/signup", {"username": f"person{n}",
                                                       "password": "kettle orchard lantern"})
        assert response.status_code == 200
        await visitor.post_form("/signout")
    response = await visitor.post_form("/signup", {"username": "person9",
                                                   "password": "kettle orchard lantern"})
    assert response.status_code == 429
    assert int(response.headers["retry-after"]) > 0
    assert "too many attempts" in response.text


async def test_sign_in_is_rate_limited_per_account(client_factory):
    await make_user("wren")
    attacker = await client_factory()
    for _ in range(10):
        await attacker.post_form("/signin", {"username": "wren", "password": "guess guess guess"})
    response = await attacker.post_form("/signin", {"username": "wren", "password": PASSWORD})
    assert response.status_code == 429
