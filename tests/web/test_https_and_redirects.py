"""An https forum tells browsers to come back over https only (HSTS), and every redirect
points at FORUM_BASE_URL — never at whatever the request's Host header claimed."""

from __future__ import annotations

import httpx
import pytest

from forum.app import create_app

from ..conftest import BASE_URL, make_settings

HTTPS_BASE = "https://forum.example.org"
HSTS = "max-age=31536000; includeSubDomains"
HOSTILE_HOSTS = ["evil.example", "evil.example:8000", "127.0.0.1:8000@evil.example",
                 "forum.example.org.evil.example"]
# Paths one slash away from a route: top-level pages and routes inside the API mount.
SLASH_AWAY = ["/signin/", "/search/?q=hello%20there", "/api/v1/me/", "/api/v1/categories/"]


@pytest.fixture
def https_app(var_dir, database_url, db):
    settings = make_settings(var_dir, database_url, FORUM_BASE_URL=HTTPS_BASE)
    return create_app(settings, manage_database=False, strict_templates=True)


def client(app, base: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=base)


async def test_an_https_forum_sends_hsts_on_pages_api_static_and_errors(https_app):
    async with client(https_app, HTTPS_BASE) as http:
        for path in ["/", "/signin", "/api/v1/categories", "/static/forum.css", "/no-such-page",
                     "/signin/"]:
            response = await http.get(path)
            assert response.headers.get("strict-transport-security") == HSTS, path


async def test_a_plain_http_forum_sends_no_hsts(app):
    async with client(app, BASE_URL) as http:
        for path in ["/", "/signin", "/api/v1/categories", "/no-such-page"]:
            response = await http.get(path)
            assert "strict-transport-security" not in response.headers, path


@pytest.mark.parametrize("path", SLASH_AWAY)
async def test_the_trailing_slash_redirect_ignores_a_hostile_host(app, path):
    async with client(app, BASE_URL) as http:
        for host in HOSTILE_HOSTS:
            response = await http.get(path, headers={"Host": host})
            assert response.status_code in (301, 302, 303, 307, 308), (path, host)
            location = response.headers["location"]
            expected = BASE_URL + path.split("?")[0].rstrip("/")
            assert location.split("?")[0] == expected, (host, location)
            assert "evil" not in location


async def test_the_redirect_keeps_the_query_and_uses_the_https_base(https_app):
    async with client(https_app, "http://10.0.0.5:8000") as http:  # as a proxy forwards it
        response = await http.get("/search/?q=hello%20there", headers={"Host": "evil.example"})
    assert response.headers["location"] == f"{HTTPS_BASE}/search?q=hello%20there"


async def test_no_redirect_anywhere_names_a_hostile_host(member):
    """Redirects after forms (sign-out, settings) are same-site paths, whatever Host says."""
    for url, data in [("/signout", {}), ("/account", {"display_name": "Wren"})]:
        response = await member.post_form(url, data, headers={"Host": "evil.example"})
        if "location" in response.headers:
            assert "evil" not in response.headers["location"], url
