from forum.models.accounts import Session, User
from forum.models.content import Post, PostRevision, Thread
from forum.sessions import hash_token

from ..factories import PASSWORD, make_reply, make_story, make_user


async def test_sign_up_then_get_a_token_then_read_me(visitor):
    response = await visitor.api("POST", "/api/v1/accounts",
                                 json={"username": "Heron", "password": "kettle orchard lantern",
                                       "email": "heron@example.org"})
    assert response.status_code == 201
    assert response.json()["username"] == "Heron"
    response = await visitor.api("POST", "/api/v1/tokens",
                                 json={"username": "heron", "password": "kettle orchard lantern"})
    assert response.status_code == 201
    visitor.token = response.json()["token"]
    me = await visitor.api("GET", "/api/v1/me")
    assert me.json()["email"] == "heron@example.org"
    assert await Session.filter(token_hash=hash_token(visitor.token)).exists()


async def test_sign_up_problems_are_422_with_field_errors(visitor):
    await make_user("heron")
    response = await visitor.api("POST", "/api/v1/accounts",
                                 json={"username": "HERON", "password": "short"})
    assert response.status_code == 422
    body = response.json()
    assert body["type"] == "/api/v1/problems/validation"
    assert "at least 10" in body["errors"]["password"]
    response = await visitor.api("POST", "/api/v1/accounts",
                                 json={"username": "HERON", "password": "kettle orchard lantern"})
    assert response.status_code == 422
    assert "already taken" in response.json()["errors"]["username"]
    assert await User.all().count() == 1


async def test_wrong_credentials_get_the_same_401_as_unknown_accounts(visitor):
    await make_user("heron")
    wrong = await visitor.api("POST", "/api/v1/tokens",
                              json={"username": "heron", "password": "not the password"})
    unknown = await visitor.api("POST", "/api/v1/tokens",
                                json={"username": "nobody_at_all", "password": "x" * 12})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()


async def test_invalid_bearer_token_is_401(visitor):
    visitor.token = "not-a-real-token"
    response = await visitor.api("GET", "/api/v1/me")
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"


async def test_revoking_the_current_token(api_member):
    assert (await api_member.api("DELETE", "/api/v1/tokens/current")).status_code == 204
    assert (await api_member.api("GET", "/api/v1/me")).status_code == 401


async def test_patch_me_changes_only_what_is_sent(api_member):
    response = await api_member.api("PATCH", "/api/v1/me", json={"display_name": "Heron H."})
    assert response.status_code == 200
    response = await api_member.api("PATCH", "/api/v1/me", json={"bio": "Hello"})
    assert response.json()["display_name"] == "Heron H."
    assert response.json()["bio"] == "Hello"
    bad = await api_member.api("PATCH", "/api/v1/me", json={"country": "Narnia"})
    assert bad.status_code == 422


async def test_password_change_over_the_api_revokes_old_tokens_and_returns_a_new_one(
        api_member):
    old = api_member.token
    response = await api_member.api("POST", "/api/v1/me/password", json={
        "current_password": PASSWORD, "new_password": "a brand new harbour"})
    assert response.status_code == 200
    assert not await Session.filter(token_hash=hash_token(old)).exists()
    api_member.token = response.json()["token"]
    assert (await api_member.api("GET", "/api/v1/me")).status_code == 200


async def test_write_a_story_read_it_reply_edit_and_delete(api_member, client_factory):
    response = await api_member.api("POST", "/api/v1/stories", json={
        "category": "recovery-sobriety", "title": "One year", "body": "A *year*.",
        "content_warnings": ["substance_use"]})
    assert response.status_code == 201
    story = response.json()
    assert story["post"]["author"] == {"kind": "member", "username": "heron_api",
                                       "display_name": "heron_api"}
    assert story["post"]["body_html"] == "<p>A <em>year</em>.</p>\n"
    assert response.headers["location"] == f"/api/v1/stories/{story['id']}"

    friend = await client_factory(await make_user("friend"), api_token=True)
    reply = await friend.api("POST", f"/api/v1/stories/{story['id']}/replies",
                             json={"body": "So proud.", "reply_to": story["post"]["id"]})
    assert reply.status_code == 201
    assert reply.json()["reply_to"] == story["post"]["id"]

    page = await friend.api("GET", f"/api/v1/stories/{story['id']}")
    assert page.json()["reply_total"] == 1
    assert page.json()["replies"][0]["body"] == "So proud."

    edit = await api_member.api("PATCH", f"/api/v1/posts/{story['post']['id']}",
                                json={"body": "A whole *year*."})
    assert edit.status_code == 200 and edit.json()["edited"] is True
    assert await PostRevision.filter(post_id=story["post"]["id"]).count() == 1
    assert (await Thread.get(id=story["id"])).title == "One year"

    others_edit = await friend.api("PATCH", f"/api/v1/posts/{story['post']['id']}",
                                   json={"body": "hijack"})
    assert others_edit.status_code == 403

    deleted = await friend.api("DELETE", f"/api/v1/posts/{reply.json()['id']}")
    assert deleted.status_code == 204
    page = await friend.api("GET", f"/api/v1/stories/{story['id']}")
    assert page.json()["reply_total"] == 0


async def test_idempotency_key_makes_a_retried_request_post_once(api_member):
    headers = {"Idempotency-Key": "retry-me-0123456789"}
    first = await api_member.api("POST", "/api/v1/stories", headers=headers,
                                 json={"category": "small-wins", "title": "T", "body": "B"})
    second = await api_member.api("POST", "/api/v1/stories", headers=headers,
                                  json={"category": "small-wins", "title": "T", "body": "B"})
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert await Post.all().count() == 1


async def test_category_listing_pages(visitor, member):
    for n in range(21):
        await make_story(member.user, title=f"Story {n}", category="grief-loss")
    first = await visitor.get("/api/v1/categories/grief-loss/stories")
    assert first.json()["pages"] == 2 and len(first.json()["stories"]) == 20
    second = await visitor.get("/api/v1/categories/grief-loss/stories?page=2")
    assert [s["title"] for s in second.json()["stories"]] == ["Story 0"]


async def test_former_member_author_after_account_removal(visitor, member):
    story = await make_story(member.user)
    await make_reply(member.user, story)
    await User.filter(id=member.user.id).delete()
    body = (await visitor.get(f"/api/v1/stories/{story.thread_id}")).json()
    assert body["post"]["author"] == {"kind": "former_member"}
    assert "Former member" in (await visitor.get(f"/stories/{story.thread_id}")).text


async def test_lists_take_a_bounded_per_page_and_give_totals(visitor, member):
    from ..factories import make_story

    for n in range(3):
        await make_story(member.user, title=f"Listed {n}")
    listed = (await visitor.get("/api/v1/categories/small-wins/stories?per_page=2")).json()
    assert (listed["total"], listed["pages"], listed["per_page"], len(listed["stories"])) == (
        3, 2, 2, 2)
    story = (await visitor.get(f"/api/v1/stories/{listed['stories'][0]['id']}")).json()
    assert (story["per_page"], story["total"]) == (50, 0)
    waiting = (await visitor.get("/api/v1/needs-reply?per_page=1&page=3")).json()
    assert waiting["total"] == 3 and len(waiting["stories"]) == 1
    for bad in ("0", "51", "abc"):
        response = await visitor.get(f"/api/v1/categories/small-wins/stories?per_page={bad}")
        assert response.status_code == 400
