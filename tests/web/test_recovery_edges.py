"""Links and codes at their edges: a link used twice, an expired one, a wrong one, hostile
strings in every field (a kind 4xx, never a 500), recovery codes made again, an address
changed or removed in settings, and the rate limits (429 with Retry-After and kind words)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from forum.actions.addresses import issue_token
from forum.models.accounts import AccountToken, AccountTokenPurpose, RecoveryCode, User
from forum.recovery_codes import issue_recovery_codes
from forum.sessions import hash_token

from ..conftest import count_queries
from ..factories import PASSWORD, make_user
from ..mail.recovery_helpers import NEW_PASSWORD, codes_on

CONFIRM = "/api/v1/password-reset/confirm"


async def _reset_token(user: User) -> str:
    return await issue_token(user, AccountTokenPurpose.RESET_PASSWORD, timedelta(minutes=30))


async def test_a_reset_link_expires_after_thirty_minutes(visitor):
    user = await make_user("wren", email="wren@example.org")
    token = await _reset_token(user)
    row = await AccountToken.get(token_hash=hash_token(token))
    assert timedelta(minutes=29) < row.expires_at - datetime.now(UTC) <= timedelta(minutes=30)
    await AccountToken.filter(id=row.id).update(created_at=row.created_at - timedelta(minutes=31),
                                                expires_at=row.expires_at - timedelta(minutes=31))
    page = await visitor.get(f"/password-reset/confirm?token={token}")
    assert page.status_code == 410 and "ask for a new one" in page.text
    api = await visitor.api("POST", CONFIRM, json={"token": token, "password": NEW_PASSWORD})
    assert api.status_code == 410
    assert (await User.get(id=user.id)).password_hash == user.password_hash


async def test_a_wrong_token_is_refused_and_only_the_hash_is_stored(visitor):
    user = await make_user("wren")
    token = await _reset_token(user)
    stored = await AccountToken.all().values_list("token_hash", flat=True)
    assert token not in repr(stored) and stored == [hash_token(token)]
    wrong = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    api = await visitor.api("POST", CONFIRM, json={"token": wrong, "password": NEW_PASSWORD})
    assert api.status_code == 410
    assert (await User.get(id=user.id)).password_hash == user.password_hash


async def test_a_verification_link_works_once_and_expires(visitor):
    user = await make_user("wren", email="wren@example.org")
    token = await issue_token(user, AccountTokenPurpose.VERIFY_EMAIL, timedelta(hours=48))
    first = await visitor.api("POST", "/api/v1/email-verification", json={"token": token})
    assert first.status_code == 204
    second = await visitor.api("POST", "/api/v1/email-verification", json={"token": token})
    assert second.status_code == 410
    late = await issue_token(user, AccountTokenPurpose.VERIFY_EMAIL, timedelta(hours=48))
    await AccountToken.filter(token_hash=hash_token(late)).update(
        expires_at=datetime.now(UTC) - timedelta(seconds=1))
    page = await visitor.post_form("/account/verify-email", {"token": late})
    assert page.status_code == 410 and "expired" in page.text
    # A reset link is not a verification link, nor the other way round.
    reset = await _reset_token(user)
    assert (await visitor.api("POST", "/api/v1/email-verification",
                              json={"token": reset})).status_code == 410


HOSTILE = ["", "\x00", "a\x00b", "x" * 5000, "%2e%2e/%2e%2e/etc/passwd", "ключ", "🙂" * 20,
           "' OR 1=1 --", "%00", "a b", None, 12345, ["list"], {"a": 1}, True]


@pytest.mark.parametrize("token", HOSTILE)
async def test_hostile_tokens_get_a_kind_4xx(visitor, token):
    for url, body in ((CONFIRM, {"token": token, "password": NEW_PASSWORD}),
                      ("/api/v1/email-verification", {"token": token})):
        response = await visitor.api("POST", url, json=body)
        assert 400 <= response.status_code < 500, (url, response.text[:300])
        assert response.json()["detail"]
    if isinstance(token, str):
        page = await visitor.get("/password-reset/confirm", params={"token": token})
        assert page.status_code == 410
        posted = await visitor.post_form("/password-reset/confirm",
                                         {"token": token, "password": NEW_PASSWORD})
        assert 400 <= posted.status_code < 500


@pytest.mark.parametrize("code", ["\x00", "x" * 5000, "abcd-efgh-ijk!", "🙂🙂🙂", 7, ["a"],
                                  "abcd-efgh", "uuuu-uuuu-uuuu"])
async def test_hostile_recovery_codes_and_names_get_a_kind_4xx(visitor, code):
    await make_user("wren")
    for username in ("wren", "\x00wren", "w" * 5000, 5):
        response = await visitor.api("POST", CONFIRM, json={
            "username": username, "recovery_code": code, "password": NEW_PASSWORD})
        assert response.status_code == 422, response.text[:300]
        assert response.json()["errors"]
    page = await visitor.post_form("/password-reset/confirm", {
        "username": "wren", "recovery_code": str(code), "password": NEW_PASSWORD})
    assert page.status_code == 422 and "recovery code" in page.text


@pytest.mark.parametrize("email", ["\x00@example.org", "a" * 300 + "@example.org", "not-an-email",
                                   "", None, 5])
async def test_hostile_addresses_get_a_kind_4xx(visitor, email):
    response = await visitor.api("POST", "/api/v1/password-reset", json={"email": email})
    assert response.status_code == 422 and response.json()["errors"]["email"]
    page = await visitor.post_form("/password-reset", {"email": "" if email is None else email})
    assert page.status_code == 422


async def test_a_new_password_follows_the_sign_up_rules(visitor):
    user = await make_user("wren_rules")
    token = await _reset_token(user)
    for weak, words in (("short", "at least 10"), ("aaaaaaaaaaaa", "different characters"),
                        ("wren_rules", "too common"),  # the account's own name
                        ("password123", "too common")):
        response = await visitor.api("POST", CONFIRM, json={"token": token, "password": weak})
        assert response.status_code == 422 and words in response.json()["errors"]["password"]
    same_as_name = await make_user("lantern_keeper_x")
    other = await _reset_token(same_as_name)
    response = await visitor.api("POST", CONFIRM,
                                 json={"token": other, "password": "lantern_keeper_x"})
    assert response.status_code == 422 and "too common" in response.json()["errors"]["password"]
    assert (await visitor.api("POST", CONFIRM, json={"token": token, "password": NEW_PASSWORD})
            ).status_code == 200  # refused tries did not use the link up


async def test_new_recovery_codes_need_the_password_and_replace_the_old_set(member, visitor,
                                                                          settings):
    old = await issue_recovery_codes(member.user, settings)
    wrong = await member.post_form("/account/recovery-codes", {"password": "not my password"})
    assert wrong.status_code == 422 and "current password" in wrong.text
    page = await member.post_form("/account/recovery-codes", {"password": PASSWORD})
    assert page.status_code == 200 and "no-store" in page.headers["cache-control"]
    new = codes_on(page.text)
    assert not set(new) & set(old)
    assert await RecoveryCode.filter(user_id=member.user.id).count() == 10
    stored = repr(await RecoveryCode.all().values_list("code_hash", flat=True))
    assert not any(code.replace("-", "") in stored for code in new)
    refused = await visitor.api("POST", CONFIRM, json={
        "username": member.user.username, "recovery_code": old[0], "password": NEW_PASSWORD})
    assert refused.status_code == 422
    taken = await visitor.api("POST", CONFIRM, json={
        "username": member.user.username, "recovery_code": new[0], "password": NEW_PASSWORD})
    assert taken.status_code == 200


async def test_the_api_makes_new_codes_after_the_password(api_member):
    wrong = await api_member.api("POST", "/api/v1/me/recovery-codes", json={"password": "nope"})
    assert wrong.status_code == 422
    made = await api_member.api("POST", "/api/v1/me/recovery-codes", json={"password": PASSWORD})
    assert made.status_code == 201 and len(made.json()["recovery_codes"]) == 10


async def test_a_code_belongs_to_its_own_account_only(visitor, settings):
    wren = await make_user("wren")
    await make_user("otter")
    codes = await issue_recovery_codes(wren, settings)
    response = await visitor.api("POST", CONFIRM, json={
        "username": "otter", "recovery_code": codes[0], "password": NEW_PASSWORD})
    assert response.status_code == 422
    with count_queries() as for_otter:
        await visitor.api("POST", CONFIRM, json={
            "username": "otter", "recovery_code": codes[1], "password": NEW_PASSWORD})
    with count_queries() as for_nobody:
        nobody = await visitor.api("POST", CONFIRM, json={
            "username": "nobody_at_all", "recovery_code": codes[1], "password": NEW_PASSWORD})
    # Whether the name is an account's shows neither in the answer nor in the work done.
    assert nobody.status_code == 422 and nobody.json() == response.json()
    assert for_nobody.statements == for_otter.statements


async def test_changing_the_address_unverifies_it_and_voids_the_old_link(member):
    await User.filter(id=member.user.id).update(email="old@example.org",
                                                email_verified_at=datetime.now(UTC))
    old_link = await issue_token(member.user, AccountTokenPurpose.VERIFY_EMAIL,
                                 timedelta(hours=48))
    saved = await member.post_form("/account", {"email": "new@example.org"})
    assert saved.status_code == 303
    user = await User.get(id=member.user.id)
    assert user.email == "new@example.org" and user.email_verified_at is None
    page = await member.get("/account")
    assert "not verified yet" in page.text and "Changing it means confirming" in page.text
    assert (await member.post_form("/account/verify-email", {"token": old_link})
            ).status_code == 410
    [fresh] = await AccountToken.filter(user_id=user.id)
    assert fresh.purpose is AccountTokenPurpose.VERIFY_EMAIL
    removed = await member.post_form("/account", {"email": ""})
    assert removed.status_code == 303
    user = await User.get(id=member.user.id)
    assert user.email is None and user.email_verified_at is None
    assert not await AccountToken.filter(user_id=user.id).exists()
    assert "no email address on your account" in (await member.get("/account")).text


async def test_resending_the_link_is_limited_per_account(member):
    await User.filter(id=member.user.id).update(email="wren@example.org")
    for _ in range(3):
        sent = await member.post_form("/account/verify-email/resend")
        assert sent.status_code == 303
    refused = await member.post_form("/account/verify-email/resend")
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) > 0
    assert await AccountToken.filter(user_id=member.user.id).count() == 1  # the newest only


async def test_reset_requests_are_limited_per_address_then_per_client(visitor):
    for _ in range(3):
        assert (await visitor.api("POST", "/api/v1/password-reset",
                                  json={"email": "lark@example.org"})).status_code == 202
    refused = await visitor.api("POST", "/api/v1/password-reset",
                                json={"email": "LARK@example.org"})
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) > 0
    assert "look for the email" in refused.json()["detail"]
    for n in range(6):  # other addresses, the same client: 10 in the hour
        assert (await visitor.api("POST", "/api/v1/password-reset",
                                  json={"email": f"n{n}@example.org"})).status_code == 202
    page = await visitor.post_form("/password-reset", {"email": "fresh@example.org"})
    assert page.status_code == 429 and "try again in about" in page.text
    assert 'value="fresh@example.org"' in page.text


async def test_recovery_code_guesses_are_limited_per_account_even_for_the_right_code(
        visitor, settings):
    wren = await make_user("wren")
    codes = await issue_recovery_codes(wren, settings)
    for n in range(5):
        wrong = await visitor.api("POST", CONFIRM, json={
            "username": "wren", "recovery_code": f"0000-0000-000{n}",
            "password": NEW_PASSWORD})
        assert wrong.status_code == 422
    refused = await visitor.post_form("/password-reset/confirm", {
        "username": "wren", "recovery_code": codes[0], "password": NEW_PASSWORD})
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) > 0
    assert "try again in about" in refused.text
    assert (await User.get(id=wren.id)).password_hash == wren.password_hash


async def test_a_link_opened_while_signed_in_as_someone_else_verifies_its_own_account(member):
    wren = await make_user("wren_elsewhere", email="wren@example.org")
    token = await issue_token(wren, AccountTokenPurpose.VERIFY_EMAIL, timedelta(hours=48))
    done = await member.post_form("/account/verify-email", {"token": token})
    assert done.status_code == 303 and done.headers["location"] == "/signin?verified=1"
    assert (await User.get(id=wren.id)).email_verified_at is not None
    assert (await User.get(id=member.user.id)).email_verified_at is None


async def test_one_code_sent_twice_at_once_sets_one_password(client_factory, settings):
    wren = await make_user("wren")
    [code, *_] = await issue_recovery_codes(wren, settings)
    first, second = await client_factory(), await client_factory()
    answers = await asyncio.gather(*(
        client.api("POST", CONFIRM, json={"username": "wren", "recovery_code": code,
                                          "password": password})
        for client, password in ((first, NEW_PASSWORD), (second, "another quiet evening"))))
    assert sorted(a.status_code for a in answers) == [200, 422]
    assert await RecoveryCode.filter(user_id=wren.id, used_at__isnull=False).count() == 1


async def test_one_link_sent_twice_at_once_sets_one_password(client_factory):
    wren = await make_user("wren")
    token = await _reset_token(wren)
    first, second = await client_factory(), await client_factory()
    answers = await asyncio.gather(*(
        client.api("POST", CONFIRM, json={"token": token, "password": password})
        for client, password in ((first, NEW_PASSWORD), (second, "another quiet evening"))))
    assert sorted(a.status_code for a in answers) == [200, 410]
