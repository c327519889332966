"""Bad input gets a clear, kind 4xx and loses nothing — never a 500."""

from __future__ import annotations

import pytest

from forum.models.accounts import Role, User
from forum.models.content import Post, Thread

from ..conftest import BASE_URL
from ..factories import make_reply, make_story, make_user


async def test_over_long_title_is_422_and_the_form_keeps_everything(member):
    body = "My whole story, typed with care."
    response = await member.post_form("/stories/new", {
        "category": "grief-loss", "title": "t" * 151, "body": body,
        "content_warnings": ["child_loss"]})
    assert response.status_code == 422
    assert "Title can be at most 150 characters" in response.text
    assert body in response.text
    assert "t" * 151 in response.text
    assert 'value="child_loss" checked' in response.text
    assert 'value="grief-loss" selected' in response.text
    assert not await Thread.exists()


async def test_over_long_body_is_422_with_a_message(member):
    response = await member.post_form("/stories/new", {
        "category": "grief-loss", "title": "T", "body": "b" * 40_001})
    assert response.status_code == 422
    assert "at most 40,000 characters" in response.text
    assert not await Post.exists()


async def test_over_long_reply_keeps_the_text_on_the_story_page(member, other_member):
    story = await make_story(member.user)
    reply = "r" * 10_001
    response = await other_member.post_form(f"/stories/{story.thread_id}/replies",
                                            {"body": reply})
    assert response.status_code == 422
    assert "at most 10,000 characters" in response.text
    assert reply in response.text
    assert not await Post.filter(is_story=False).exists()


async def test_over_long_username_is_422(visitor):
    response = await visitor.post_form("/signup", {"username": "u" * 31,
                                                   "password": "kettle orchard lantern"})
    assert response.status_code == 422
    assert "at most 30 characters" in response.text


async def test_body_over_256_kib_is_413_for_pages_and_api(member, api_member):
    big = "x" * (256 * 1024 + 1)
    response = await member.post_form("/stories/new", {"category": "small-wins",
                                                       "title": "T", "body": big})
    assert response.status_code == 413
    assert "too much to send at once" in response.text
    response = await api_member.api("POST", "/api/v1/stories",
                                    json={"category": "small-wins", "title": "T", "body": big})
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    assert not await Post.exists()


async def test_streamed_body_over_the_cap_is_413_too(member):
    async def chunks():
        for _ in range(300):
            yield b"body=" + b"x" * 1024

    token = await member.csrf()
    response = await member.http.post(
        "/stories/new", content=chunks(),
        headers={"content-type": "application/x-www-form-urlencoded", "x-csrf-token": token})
    assert response.status_code == 413


@pytest.mark.parametrize("query", ["?page=-1", "?page=abc", "?page=0", "?page=1.5",
                                   "?page=99999999999"])
async def test_bad_page_numbers_are_400(visitor, member, query):
    story = await make_story(member.user)
    for url in (f"/stories/{story.thread_id}", "/c/small-wins",
                f"/api/v1/stories/{story.thread_id}", "/api/v1/categories/small-wins/stories"):
        response = await visitor.get(url + query)
        assert response.status_code == 400, url


@pytest.mark.parametrize("url", ["/stories/999999", "/stories/abc", "/posts/0",
                                 "/posts/99999999999999999999", "/c/no-such-place",
                                 "/api/v1/stories/424242", "/api/v1/categories/nope/stories",
                                 "/stories/1/../../etc/passwd", "/static/../forum/app.py"])
async def test_unknown_things_are_404(visitor, url):
    response = await visitor.get(url)
    assert response.status_code == 404


async def test_page_past_the_end_is_404(visitor, member):
    story = await make_story(member.user)
    assert (await visitor.get(f"/stories/{story.thread_id}?page=2")).status_code == 404


async def test_nul_bytes_are_refused_kindly_on_pages_and_api(member, api_member):
    response = await member.post_form("/stories/new", {"category": "small-wins",
                                                       "title": "T", "body": "a\x00b"})
    assert response.status_code == 422
    assert "NUL character" in response.text
    response = await api_member.api("POST", "/api/v1/stories",
                                    json={"category": "small-wins", "title": "T\x00", "body": "b"})
    assert response.status_code == 422
    assert "title" in response.json()["errors"]


async def test_lone_surrogates_in_json_are_422_not_500(api_member):
    raw = b'{"category": "small-wins", "title": "T", "body": "broken \\ud800 text"}'
    response = await api_member.api("POST", "/api/v1/stories", content=raw,
                                headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert "surrogate" in response.json()["errors"]["body"]


async def test_invalid_utf8_in_a_form_is_not_a_500(member):
    token = await member.csrf()
    response = await member.http.post(
        "/stories/new",
        content=f"csrf_token={token}&category=small-wins&title=%FF%FE&body=%ED%A0%80".encode(),
        headers={"content-type": "application/x-www-form-urlencoded"})
    assert response.status_code in (303, 400, 422)


@pytest.mark.parametrize("payload", [b"not json", b"[1, 2]", b'"string"', b"{",
                                     b'{"title": ["a"], "body": {"x": 1}, "category": 5}'])
async def test_malformed_json_is_a_4xx_problem(api_member, payload):
    response = await api_member.api("POST", "/api/v1/stories", content=payload,
                                headers={"content-type": "application/json"})
    assert response.status_code in (400, 422)
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"]


async def test_unknown_category_in_a_story_is_a_404_problem(api_member):
    response = await api_member.api("POST", "/api/v1/stories",
                                json={"category": "nope", "title": "T", "body": "B"})
    assert response.status_code == 404


async def test_reply_to_a_post_in_another_thread_is_refused(api_member):
    one = await make_story(api_member.user)
    two = await make_story(api_member.user)
    response = await api_member.api("POST", f"/api/v1/stories/{one.thread_id}/replies",
                                json={"body": "hi", "reply_to": two.id})
    assert response.status_code == 422
    assert "reply_to" in response.json()["errors"]


async def test_wrong_method_is_405_not_500(visitor):
    assert (await visitor.http.get("/signout")).status_code == 405
    assert (await visitor.http.get("/account/password")).status_code == 405


async def test_a_crash_shows_a_kind_500_page_with_security_headers(app, settings):
    import httpx
    from starlette.routing import Route

    async def boom(request):
        raise RuntimeError("kaboom")

    app.router.routes.insert(0, Route("/__boom", boom))
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        response = await client.get("/__boom")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.text
    assert "kaboom" not in response.text
    assert response.headers["content-security-policy"].startswith("default-src 'self'")
    assert not await User.exists()


# --- numbers that only look like numbers --------------------------------------------------

LOOKALIKE_DIGITS = ["²", "①", "１", "٣", "1²", "1" * 5000]


@pytest.mark.parametrize("digits", LOOKALIKE_DIGITS)
async def test_page_numbers_in_other_scripts_are_a_kind_400(visitor, member, digits):
    story = await make_story(member.user)
    for url in (f"/stories/{story.thread_id}", "/c/small-wins", "/needs-reply",
                f"/api/v1/stories/{story.thread_id}", "/api/v1/categories/small-wins/stories"):
        response = await visitor.get(url, params={"page": digits})
        assert response.status_code == 400, url
        assert "whole number" in response.text, url


@pytest.mark.parametrize("digits", LOOKALIKE_DIGITS)
async def test_per_page_in_other_scripts_is_a_kind_400(visitor, member, digits):
    for url in ("/api/v1/categories/small-wins/stories", "/api/v1/me/notifications"):
        client = visitor if "categories" in url else await _api_client_for(member)
        response = await client.api("GET", url, params={"per_page": digits})
        assert response.status_code == 400, url
        assert "per_page" in response.json()["detail"], url
    api = await _api_client_for(member)
    response = await api.api("GET", "/api/v1/me/notifications", params={"page": digits})
    assert response.status_code == 400


async def _api_client_for(client):
    from tests.factories import sign_in_directly

    token = await sign_in_directly(client.user, api=True)
    client.token = token
    return client


@pytest.mark.parametrize("digits", ["²", "①", "１", "1" * 5000])
async def test_sanction_days_in_other_scripts_keep_the_form_with_a_message(member, moderator,
                                                                           digits):
    response = await moderator.post_form(f"/mod/users/{member.user.username}/silence",
                                         {"days": digits, "reason": "Cooling off"})
    assert response.status_code == 422
    assert "number of days from 1" in response.text
    assert (await User.get(id=member.user.id)).silenced_until is None


@pytest.mark.parametrize("digits", ["²", "①", "１", "1" * 5000])
async def test_audit_log_target_in_other_scripts_is_a_kind_400(moderator, digits):
    for url in ("/mod/log", "/api/v1/mod/audit"):
        response = await moderator.get(url, params={"target_type": "post", "target_id": digits})
        assert response.status_code == 400, url
        assert "whole number" in response.text, url


@pytest.mark.parametrize("length", ["²".encode("latin-1"), b"1" * 5000])
async def test_a_content_length_that_is_not_a_number_is_a_400(member, length):
    token = await member.csrf()
    response = await member.http.post(
        "/account", content=f"csrf_token={token}&display_name=Wren".encode(),
        headers={"content-type": "application/x-www-form-urlencoded", "content-length": length})
    assert response.status_code == 400
    assert "Content-Length" in response.text


# --- JSON that json.loads chokes on, or that the database can't hold ----------------------

DEEP_JSON = b'{"title": ' + b"[" * 1000 + b"]" * 1000 + b"}"


async def _json_endpoints(member):
    story = await make_story(member.user)
    return [("POST", "/api/v1/accounts"), ("POST", "/api/v1/tokens"),
            ("POST", "/api/v1/stories"), ("POST", f"/api/v1/stories/{story.thread_id}/replies"),
            ("POST", "/api/v1/safety/check"), ("PATCH", f"/api/v1/posts/{story.id}")]


@pytest.mark.parametrize("payload", [DEEP_JSON, b"[" * 100_000, b'{"a": ' + b"{" * 5000])
async def test_json_nested_a_thousand_deep_is_a_kind_400_when_signed_out(visitor, member,
                                                                        payload):
    for method, url in await _json_endpoints(member):
        response = await visitor.api(method, url, content=payload,
                                     headers={"content-type": "application/json",
                                              "x-manage-token": "x" * 20})
        # 400, or 404 where the wrong manage token is refused before the body is read
        assert response.status_code in (400, 404), url
        assert response.headers["content-type"] == "application/problem+json"


async def test_json_nested_a_thousand_deep_is_a_kind_400_when_signed_in(api_member, member):
    story = await make_story(member.user)
    for method, url in [("PATCH", "/api/v1/me"), ("POST", "/api/v1/stories"),
                        ("POST", f"/api/v1/posts/{story.id}/reports"),
                        ("POST", "/api/v1/me/password"), ("DELETE", "/api/v1/me")]:
        response = await api_member.api(method, url, content=DEEP_JSON,
                                        headers={"content-type": "application/json"})
        assert response.status_code == 400
        assert "nested too deeply" in response.json()["detail"]


async def test_a_nul_anywhere_in_json_is_a_422_naming_the_field(visitor, api_member):
    response = await visitor.api("POST", "/api/v1/accounts",
                                 json={"username": "wren_new", "password": "pass\x00word ok",
                                       "email": "w@example.org"})
    assert response.status_code == 422
    assert "NUL" in response.json()["errors"]["password"]
    assert not await User.filter(username="wren_new").exists()
    response = await api_member.api("POST", "/api/v1/stories", json={
        "category": "small-wins", "title": "T", "body": "B",
        "content_warnings": ["suicide\x00"]})
    assert response.status_code == 422
    assert "content_warnings" in response.json()["errors"]
    response = await api_member.api("PATCH", "/api/v1/me", json={"bio\x00": "hello"})
    assert response.status_code == 422
    assert "NUL" in response.text


async def test_a_nul_in_a_signin_password_is_refused_without_touching_the_account(visitor,
                                                                                   member):
    response = await visitor.api("POST", "/api/v1/tokens",
                                 json={"username": member.user.username, "password": "\x00"})
    assert response.status_code == 422


# --- names and slugs that grow when folded, or can't be in a column -----------------------

@pytest.mark.parametrize("username", ["Großmutter_aus_Weißenfels_123", "ß" * 16, "ﬀ" * 16])
async def test_a_username_too_long_once_folded_keeps_the_signup_form(visitor, username):
    response = await visitor.post_form("/signup", {"username": username,
                                                   "password": "kettle orchard lantern",
                                                   "email": "gm@example.org"})
    assert response.status_code == 422
    assert "at most 30 characters" in response.text
    assert "gm@example.org" in response.text
    assert not await User.exists()


async def test_a_username_too_long_once_folded_is_a_422_from_the_api(visitor):
    response = await visitor.api("POST", "/api/v1/accounts",
                                 json={"username": "ß" * 16, "password": "kettle orchard lantern"})
    assert response.status_code == 422
    assert "at most 30 characters" in response.json()["errors"]["username"]


@pytest.mark.parametrize("name", ["u" * 31, "ß" * 16, "a" * 300, "a\x00b", "%00", "ﬀ" * 20])
async def test_a_profile_address_no_account_could_have_is_a_404(visitor, moderator, name):
    from urllib.parse import quote

    for url in (f"/u/{quote(name)}", f"/api/v1/users/{quote(name)}"):
        response = await visitor.get(url)
        assert response.status_code == 404, url
    response = await moderator.get(f"/mod/users/{quote(name)}")
    assert response.status_code == 404


@pytest.mark.parametrize("slug", ["c" * 61, "a\x00b", "\x00", "ß" * 61])
async def test_a_category_address_no_category_could_have_is_a_404(visitor, slug):
    from urllib.parse import quote

    for url in (f"/c/{quote(slug)}", f"/c/{quote(slug)}/feed.atom",
                f"/api/v1/categories/{quote(slug)}/stories"):
        response = await visitor.get(url)
        assert response.status_code == 404, url


@pytest.mark.parametrize("name", ["u" * 31, "ß" * 16, "Großmutter_aus_Weißenfels_123",
                                  "a\x00b"])
async def test_signing_in_with_a_name_no_account_could_have_is_wrong_username_or_password(
        visitor, name):
    page = await visitor.post_form("/signin", {"username": name, "password": "whatever it is"})
    assert page.status_code == 422
    if "\x00" not in name:
        assert "match an account" in page.text
    token = await visitor.api("POST", "/api/v1/tokens",
                              json={"username": name, "password": "whatever it is"})
    assert token.status_code in (401, 422)
    if "\x00" not in name:
        assert token.status_code == 401
        assert "match an account" in token.json()["detail"]


@pytest.mark.parametrize("reply_to", [b"Infinity", b"-Infinity", b"NaN", b"1e400", b"1.5",
                                      b"true", b"99999999999999999999", b"[1]"])
async def test_a_reply_to_that_is_not_a_post_id_is_a_422(api_member, reply_to):
    story = await make_story(api_member.user)
    response = await api_member.api(
        "POST", f"/api/v1/stories/{story.thread_id}/replies",
        content=b'{"body": "Thinking of you.", "reply_to": ' + reply_to + b"}",
        headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert response.json()["errors"]["reply_to"] == "That post could not be found."
    assert not await Post.filter(is_story=False).exists()


# --- what goes out: headers and feeds -------------------------------------------------------

@pytest.mark.parametrize("username", ["Zoë_żuraw", "Ольга", "李小龍", "ğüş_name"])
async def test_anyone_can_export_their_data_whatever_script_their_name_is_in(client_factory,
                                                                            username):
    from urllib.parse import quote

    from tests.factories import PASSWORD, make_user

    client = await client_factory(await make_user(username))
    response = await client.post_form("/account/export", {"password": PASSWORD})
    assert response.status_code == 200
    disposition = response.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="hearth-')
    assert f"filename*=UTF-8''{quote(f'hearth-{username}.json')}" in disposition
    assert response.json()["account"]["username"] == username


@pytest.mark.parametrize("character", ["\uffff", "\ufffe", "\ufdd0", "\U0001fffe"])
async def test_a_title_with_a_noncharacter_is_refused_and_the_form_kept(member, character):
    response = await member.post_form("/stories/new", {
        "category": "small-wins", "title": f"Odd{character}title", "body": "My words."})
    assert response.status_code == 422
    assert "not meant for text" in response.text
    assert "My words." in response.text
    assert not await Post.exists()


async def test_feeds_stay_well_formed_xml_when_old_rows_hold_forbidden_characters(visitor,
                                                                                  member):
    from xml.etree import ElementTree

    story = await make_story(member.user, title="Before")
    await Thread.filter(id=story.thread_id).update(title="T\uffff\ufffe\x01\x1fitle")
    await Post.filter(id=story.id).update(body_html="<p>b\uffffody\x0b</p>")
    for url in ("/feeds/latest.atom", "/c/small-wins/feed.atom"):
        response = await visitor.get(url)
        assert response.status_code == 200
        feed = ElementTree.fromstring(response.content)  # noqa: S314 (our own feed)
        titles = [e.text for e in feed.iter("{http://www.w3.org/2005/Atom}title")]
        assert "Title" in titles, url


@pytest.mark.parametrize("query", [{"actor": "a\x00"}, {"action": "\x00lock"}])
async def test_a_nul_in_an_audit_log_filter_is_a_kind_400(moderator, query):
    for url in ("/mod/log", "/api/v1/mod/audit"):
        response = await moderator.get(url, params=query)
        assert response.status_code == 400, url
        assert "NUL character" in response.text, url


async def test_a_tab_in_a_display_name_is_kept_as_a_space(member):
    response = await member.post_form("/account", {"display_name": "Wren\tÖlander"})
    assert response.status_code == 303
    assert (await User.get(id=member.user.id)).display_name == "Wren Ölander"


# --- odd bytes in headers, cookies and form encoding: guards, all answered without a 500 ----

@pytest.mark.parametrize("headers", [
    {"accept-language": b"\xff\xfe;q=\xb2"}, {"accept-language": b"en;q=1e400, de;q=nan"},
    {"cookie": b"hearth_session=\xff\xfe"}, {"cookie": b"hearth_region=\x00\xff"},
    {"cookie": b"hearth_region=" + b"Z" * 5000}, {"authorization": b"Bearer \xff\x00"},
    {"authorization": b"Bearer " + b"a" * 5000}, {"x-manage-token": b"\xff"},
    {"idempotency-key": b"\xff\x00"}, {"idempotency-key": b"k" * 5000},
    {"origin": b"\xff"}, {"sec-fetch-site": b"\xff"}, {"x-forwarded-for": b"\xff, 1.2.3.4"}])
async def test_odd_bytes_in_headers_and_cookies_never_cause_a_500(visitor, member, headers):
    story = await make_story(member.user)
    for url in ("/", f"/stories/{story.thread_id}", "/help", "/api/v1/categories"):
        assert (await visitor.http.get(url, headers=headers)).status_code < 500, url
    response = await visitor.http.post("/api/v1/stories", headers=headers, json={
        "category": "small-wins", "title": "T", "body": "B"})
    assert response.status_code < 500


@pytest.mark.parametrize("body", [
    b"title=%ZZ&body=%", b"%%%%", b"title=%E2%82&body=%ED%A0%80", b"=&=&&",
    b"&".join(b"f%d=1" % i for i in range(5000)),
    b"category=%00&title=T&body=B", b"category=" + b"c" * 100 + b"&title=T&body=B",
    b"category=small-wins&title=T&body=B&submission_id=%00&content_warnings=%00"])
async def test_badly_encoded_forms_are_answered_without_a_500(member, body):
    token = await member.csrf()
    for url in ("/stories/new", "/account", "/signin", "/help/region", "/guest/new"):
        response = await member.http.post(
            url, content=b"csrf_token=" + token.encode() + b"&" + body,
            headers={"content-type": "application/x-www-form-urlencoded"})
        assert response.status_code < 500, url


@pytest.mark.parametrize("path", ["/stories/{n}", "/posts/{n}", "/api/v1/stories/{n}",
                                  "/api/v1/posts/{n}", "/api/v1/mod/posts/{n}/hide"])
@pytest.mark.parametrize("method", ["GET", "POST", "PATCH", "DELETE"])
async def test_an_id_of_thousands_of_digits_in_a_path_is_not_found_not_a_crash(
        moderator, path, method):
    # int() refuses more than 4,300 digits; the route matched before any of our code ran.
    for digits in ("1" * 4_301, "0" * 4_300 + "1", "9" * 19):
        response = await moderator.http.request(method, path.format(n=digits),
                                                headers={"Origin": BASE_URL})
        expected = {404} if method == "GET" else {403, 404, 405}  # 403: no CSRF token
        assert response.status_code in expected, (path, method, response.status_code)


async def test_a_conflict_is_a_conflict_problem_not_a_bad_request(client_factory):
    api_moderator = await client_factory(await make_user("kite_mod", role=Role.MODERATOR),
                                         api_token=True)
    word = {"pattern": "twice", "action": "flag"}
    assert (await api_moderator.api("POST", "/api/v1/mod/words", json=word)).status_code == 201
    again = await api_moderator.api("POST", "/api/v1/mod/words", json=word)
    assert again.status_code == 409
    assert again.json()["type"].endswith("/conflict")
    assert again.headers["content-type"].startswith("application/problem+json")


async def test_a_refused_reply_to_a_post_that_is_gone_keeps_the_text_on_the_story_page(
        member, other_member):
    story = await make_story(member.user)
    answered = await make_reply(member.user, story)
    deleted = await member.post_form(f"/posts/{answered.id}/delete")
    assert deleted.status_code == 303
    long_reply = "I hear you. " * 900  # over the 10,000-character limit
    response = await other_member.post_form(f"/stories/{story.thread_id}/replies",
                                            {"body": long_reply, "reply_to": answered.id})
    assert response.status_code == 422
    assert "at most 10,000 characters" in response.text
    assert "I hear you. I hear you." in response.text  # nothing typed is lost


@pytest.mark.parametrize("key", ["a", "x" * 65, "has space here 1234",
                                 "semi;colons;are;not;ok"])
async def test_a_malformed_idempotency_key_is_explained_for_api_clients(api_member, key):
    response = await api_member.api("POST", "/api/v1/stories",
                                    json={"category": "small-wins", "title": "T", "body": "B"},
                                    headers={"Idempotency-Key": key})
    assert response.status_code == 422
    assert "Idempotency-Key header must be 16 to 64 characters" in response.json()["detail"]
    assert await Post.all().count() == 0
