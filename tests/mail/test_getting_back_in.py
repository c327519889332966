"""The acceptance path, against a real SMTP server: a member who signed up with an address
verifies it, forgets the password, resets it from the sign-in page and is signed in
elsewhere no longer; a member without an address gets back in with a recovery code — through
the pages and through the API. Links are read out of the mail the server received."""

from __future__ import annotations

from forum.jobs.runner import drain
from forum.models.accounts import User

from ..conftest import make_settings
from ..factories import PASSWORD
from ..smtp import smtp_server
from .recovery_helpers import NEW_PASSWORD, codes_on, link_in, token_of

ADDRESS = "wren.writes@example.org"


async def _signed_in_elsewhere(client_factory, username: str, password: str):
    """A second browser (signed in through the page) and an API token, on other devices."""
    browser = await client_factory()
    signed = await browser.post_form("/signin", {"username": username, "password": password})
    assert signed.status_code == 303
    assert (await browser.get("/account")).status_code == 200
    script = await client_factory()
    made = await script.api("POST", "/api/v1/tokens",
                            json={"username": username, "password": password})
    assert made.status_code == 201
    script.token = made.json()["token"]
    assert (await script.api("GET", "/api/v1/me")).status_code == 200
    return browser, script


async def _signed_out_everywhere(browser, script) -> None:
    page = await browser.get("/account")
    assert page.status_code == 303 and page.headers["location"].startswith("/signin")
    assert (await script.api("GET", "/api/v1/me")).status_code == 401


async def test_through_the_pages_a_member_verifies_resets_and_is_signed_out_elsewhere(
        client_factory, var_dir, database_url):
    with smtp_server() as (inbox, url):
        mail = make_settings(var_dir, database_url, FORUM_SMTP_URL=url)
        me = await client_factory()
        joined = await me.post_form("/signup", {"username": "wren_writes",
                                                "password": PASSWORD, "email": ADDRESS})
        assert joined.status_code == 200 and "Your recovery codes" in joined.text
        await drain(mail)
        [verify_mail] = inbox.wait_for(1)
        assert inbox.recipients == [[ADDRESS]]
        assert "confirm your email" in verify_mail["Subject"].lower()
        settings_page = await me.get("/account")
        assert "not verified yet" in settings_page.text

        link = link_in(verify_mail, "/account/verify-email")
        opened = await me.get(link)  # opening the link alone changes nothing
        assert opened.status_code == 200 and "Yes, this address is mine" in opened.text
        assert (await User.get(username="wren_writes")).email_verified_at is None
        confirmed = await me.post_form("/account/verify-email", {"token": token_of(link)})
        assert confirmed.status_code == 303
        assert confirmed.headers["location"] == "/account?done=verified"
        assert "Your email address is verified" in (await me.get("/account?done=verified")).text

        browser, script = await _signed_in_elsewhere(client_factory, "wren_writes", PASSWORD)
        forgetful = await client_factory()
        signin = await forgetful.get("/signin")
        assert 'href="/password-reset">Forgot your password?' in signin.text
        form = await forgetful.get("/password-reset")
        assert form.status_code == 200
        asked = await forgetful.post_form("/password-reset", {"email": ADDRESS})
        assert asked.status_code == 200 and "Check your inbox" in asked.text
        await drain(mail)
        reset_mail = inbox.wait_for(2)[1]
        assert inbox.recipients[1] == [ADDRESS]
        assert "wren_writes" in reset_mail.get_body(("plain",)).get_content()

        link = link_in(reset_mail, "/password-reset/confirm")
        page = await forgetful.get(link)
        assert page.status_code == 200 and 'name="token"' in page.text
        done = await forgetful.post_form("/password-reset/confirm",
                                         {"token": token_of(link), "password": NEW_PASSWORD})
        assert done.status_code == 303
        assert done.headers["location"] == "/signin?reset=done&username=wren_writes"
        landing = await forgetful.get(done.headers["location"])
        assert "Your new password is set" in landing.text and 'value="wren_writes"' in landing.text

    await _signed_out_everywhere(browser, script)
    assert (await me.get("/account")).status_code == 303  # this device too
    old = await forgetful.post_form("/signin", {"username": "wren_writes", "password": PASSWORD})
    assert old.status_code == 422
    new = await forgetful.post_form("/signin", {"username": "wren_writes",
                                                "password": NEW_PASSWORD})
    assert new.status_code == 303
    again = await forgetful.get(link)  # the link worked once
    assert again.status_code == 410 and "expired or has already been used" in again.text


async def test_through_the_api_a_member_verifies_resets_and_is_signed_out_elsewhere(
        client_factory, var_dir, database_url):
    with smtp_server() as (inbox, url):
        mail = make_settings(var_dir, database_url, FORUM_SMTP_URL=url)
        me = await client_factory()
        joined = await me.api("POST", "/api/v1/accounts", json={
            "username": "heron_api", "password": PASSWORD, "email": ADDRESS})
        assert joined.status_code == 201
        body = joined.json()
        assert body["email_verified"] is False and len(body["recovery_codes"]) == 10
        await drain(mail)
        [verify_mail] = inbox.wait_for(1)
        token = token_of(link_in(verify_mail, "/account/verify-email"))
        verified = await me.api("POST", "/api/v1/email-verification", json={"token": token})
        assert verified.status_code == 204
        browser, script = await _signed_in_elsewhere(client_factory, "heron_api", PASSWORD)
        assert (await script.api("GET", "/api/v1/me")).json()["email_verified"] is True

        asked = await me.api("POST", "/api/v1/password-reset", json={"email": ADDRESS})
        assert asked.status_code == 202 and "on its way" in asked.json()["detail"]
        await drain(mail)
        reset_mail = inbox.wait_for(2)[1]
        token = token_of(link_in(reset_mail, "/password-reset/confirm"))
        done = await me.api("POST", "/api/v1/password-reset/confirm",
                            json={"token": token, "password": NEW_PASSWORD})
        assert done.status_code == 200 and done.json() == {"username": "heron_api"}

    await _signed_out_everywhere(browser, script)
    reused = await me.api("POST", "/api/v1/password-reset/confirm",
                          json={"token": token, "password": "another fine evening"})
    assert reused.status_code == 410 and "already been used" in reused.text
    signed = await me.api("POST", "/api/v1/tokens",
                          json={"username": "heron_api", "password": NEW_PASSWORD})
    assert signed.status_code == 201


async def test_through_the_pages_a_member_without_an_address_recovers_with_a_code(
        client_factory):
    me = await client_factory()
    joined = await me.post_form("/signup", {"username": "otter_quiet", "password": PASSWORD})
    codes = codes_on(joined.text)
    assert "no-store" in joined.headers["cache-control"]
    browser, script = await _signed_in_elsewhere(client_factory, "otter_quiet", PASSWORD)
    locked_out = await client_factory()
    form = await locked_out.get("/password-reset/code")
    assert form.status_code == 200
    typed = "  " + codes[3].upper().replace("-", " ") + " "  # case and spaces don't matter
    done = await locked_out.post_form("/password-reset/confirm", {
        "username": "otter_quiet", "recovery_code": typed, "password": NEW_PASSWORD})
    assert done.status_code == 303, done.text[:500]
    await _signed_out_everywhere(browser, script)
    again = await locked_out.post_form("/password-reset/confirm", {
        "username": "otter_quiet", "recovery_code": codes[3], "password": "yet another path"})
    assert again.status_code == 422 and "each works once" in again.text
    assert 'value="otter_quiet"' in again.text  # the form keeps what was typed
    signed = await locked_out.post_form("/signin", {"username": "otter_quiet",
                                                    "password": NEW_PASSWORD})
    assert signed.status_code == 303
    account = await locked_out.get("/account")
    assert "You have 9 unused recovery codes" in account.text


async def test_through_the_api_a_member_without_an_address_recovers_with_a_code(
        client_factory):
    me = await client_factory()
    joined = await me.api("POST", "/api/v1/accounts",
                          json={"username": "dove_api", "password": PASSWORD})
    codes = joined.json()["recovery_codes"]
    browser, script = await _signed_in_elsewhere(client_factory, "dove_api", PASSWORD)
    done = await me.api("POST", "/api/v1/password-reset/confirm", json={
        "username": "dove_api", "recovery_code": codes[0], "password": NEW_PASSWORD})
    assert done.status_code == 200 and done.json() == {"username": "dove_api"}
    await _signed_out_everywhere(browser, script)
    again = await me.api("POST", "/api/v1/password-reset/confirm", json={
        "username": "dove_api", "recovery_code": codes[0], "password": "yet another path"})
    assert again.status_code == 422
    assert "each works once" in again.json()["errors"]["recovery_code"]
    other = await me.api("POST", "/api/v1/password-reset/confirm", json={
        "username": "dove_api", "recovery_code": codes[1], "password": "yet another path"})
    assert other.status_code == 200


async def test_an_address_set_through_the_api_is_verified_before_it_is_used(
        api_member, client_factory, var_dir, database_url):
    with smtp_server() as (inbox, url):
        mail = make_settings(var_dir, database_url, FORUM_SMTP_URL=url)
        changed = await api_member.api("PATCH", "/api/v1/me", json={"email": ADDRESS})
        assert changed.status_code == 200 and changed.json()["email_verified"] is False
        await drain(mail)
        [first] = inbox.wait_for(1)
        again = await api_member.api("POST", "/api/v1/me/email-verification")
        assert again.status_code == 202
        await drain(mail)
        second = inbox.wait_for(2)[1]
        assert inbox.recipients == [[ADDRESS], [ADDRESS]]
        stranger = await client_factory()
        await stranger.api("POST", "/api/v1/password-reset", json={"email": ADDRESS})
        await drain(mail)
        assert len(inbox.messages) == 2  # not verified yet: no reset link
        old = token_of(link_in(first, "/account/verify-email"))
        assert (await stranger.api("POST", "/api/v1/email-verification",
                                   json={"token": old})).status_code == 410  # the newer link
        new = token_of(link_in(second, "/account/verify-email"))
        assert (await stranger.api("POST", "/api/v1/email-verification",
                                   json={"token": new})).status_code == 204
        assert (await api_member.api("GET", "/api/v1/me")).json()["email_verified"] is True
        verified_again = await api_member.api("POST", "/api/v1/me/email-verification")
        assert verified_again.status_code == 409
        await stranger.api("POST", "/api/v1/password-reset", json={"email": ADDRESS.upper()})
        await drain(mail)
        [reset] = inbox.wait_for(3)[2:]
        assert "Set a new password" in reset["Subject"]
        assert api_member.user.username in reset.get_body(("plain",)).get_content()
