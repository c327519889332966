"""What `forum check` says about the addresses the forum is reached at.

Two settings only matter once other people reach the forum, and nothing fails without them —
things just go quietly wrong:

- **FORUM_BASE_URL** left pointing at this machine (its default, `http://127.0.0.1:8000`, or
  any loopback address) while the forum is served on another address or behind a proxy:
  links in crisis alerts, guest manage links, feeds and redirects point nowhere useful, and
  cookies are not marked `Secure`.
- **FORUM_TRUSTED_PROXIES** unset while requests come through a proxy: every request then
  seems to come from the proxy, so the whole site shares one per-address budget for signing
  in and up (a handful of people can lock everyone out), and guests share one posting limit.

The evidence is the settings and, when given, the address `forum serve` listens on:
`forum serve` speaks plain HTTP, so an https base URL on a real host means a proxy in front,
and a public base URL served on a loopback address can only be reached through one.
"""

from __future__ import annotations

from ipaddress import ip_address
from urllib.parse import urlsplit

from forum.ratelimit import parse_overrides
from forum.settings import Settings

DEFAULT_BASE_URL = str(Settings.model_fields["base_url"].default)
WHAT_BREAKS = ("links in crisis alerts, guest manage links, feeds and redirects would point "
               "at this machine, and cookies would not be marked Secure")


def is_local(host: str | None) -> bool:
    """Whether `host` is this machine only (a loopback address or a `localhost` name)."""
    if not host:
        return True
    name = host.strip("[]").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ip_address(name).is_loopback
    except ValueError:
        return False


def _sign_in_budget(settings: Settings) -> str:
    limits = parse_overrides(settings.rate_limits)
    if limits is None or not limits["signin_ip"]:
        return "one budget for signing in and up"
    item = limits["signin_ip"][0]
    unit = item.GRANULARITY.name + ("s" if item.multiples != 1 else "")
    per = f"{item.multiples} {unit}" if item.multiples != 1 else unit
    return f"one budget of {item.amount} sign-in attempts per {per}"


def _proxy_evidence(settings: Settings, serve_host: str | None) -> str | None:
    """Why requests must come through a proxy, or None when nothing says so."""
    base = urlsplit(settings.base_url)
    if is_local(base.hostname):
        return None
    if base.scheme == "https":
        return (f"FORUM_BASE_URL is {settings.base_url} and `forum serve` speaks plain HTTP, "
                "so a proxy ends the https in front of it")
    if serve_host is not None and is_local(serve_host):
        return (f"the forum listens on {serve_host} only, so people reach "
                f"{settings.base_url} through a proxy on this machine")
    return None


def address_warnings(settings: Settings, serve_host: str | None = None) -> list[str]:
    """Each problem as one sentence saying what goes wrong and what to set (none: [])."""
    warnings = []
    base_host = urlsplit(settings.base_url).hostname
    if is_local(base_host):
        left = ("is left at its default, " if settings.base_url == DEFAULT_BASE_URL
                else "is ")
        served = []
        if serve_host is not None and not is_local(serve_host):
            served.append(f"the forum is served on {serve_host}")
        if settings.trusted_proxies:
            served.append("FORUM_TRUSTED_PROXIES says a proxy is in front")
        if served:
            warnings.append(
                f"FORUM_BASE_URL {left}{settings.base_url}, but {' and '.join(served)}: "
                f"{WHAT_BREAKS}. Set it to the address people use, such as "
                "https://forum.example.org.")
    evidence = _proxy_evidence(settings, serve_host)
    if evidence and not settings.trusted_proxies:
        warnings.append(
            f"FORUM_TRUSTED_PROXIES is unset, but {evidence}. Every request will seem to "
            f"come from the proxy, so the whole site shares {_sign_in_budget(settings)} "
            "(a few people can lock everyone else out) and guests share one posting "
            "limit. Set it to the proxy's address, such as 127.0.0.1 when it runs on this "
            "machine.")
    return warnings
