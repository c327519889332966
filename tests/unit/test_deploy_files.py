"""The deployment guide and the files in deploy/ only use what the forum really has.

Every `forum` command written in deploy/ (unit files, scripts, comments in backticks) and
in docs/deploy.md (code blocks and inline code) must be a sub-command the real `forum
--help` lists, and each of its options one its own `--help` lists; every FORUM_* name must be
a setting forum/settings.py reads. The proxies' limits must agree with the forum's: the same
body limit, an upstream keep-alive shorter than the forum's, the address the unit serves on,
an X-Forwarded-For the forum can trust, and FORUM_TRUSTED_PROXIES naming where the proxy
connects from.

`forum worker` (background jobs) may be named before the command exists; once `forum --help`
lists it, it is checked like any other.
"""

from __future__ import annotations

import functools
import ipaddress
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from forum.cli import build_parser
from forum.settings import BODY_LIMIT_BYTES, documented_defaults

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
GUIDE = ROOT / "docs" / "deploy.md"
FORUM = str(Path(sys.executable).with_name("forum"))
COMING = {"worker"}  # named by the guide and hearth-worker.service before it exists
UNITS = ("hearth.service", "hearth-worker.service", "hearth-backup.service")

# `forum X …` / `/path/to/forum X …` / `hearth-forum X …`, up to a shell separator or quote.
INVOCATION = re.compile(r"(?:^|(?<=[\s/(]))(?:hearth-)?forum[ \t]+([a-z][a-z-]*)([^;&|'\"`)#\n]*)")
FORUM_NAME = re.compile(r"\bFORUM_[A-Z0-9_]+\b")
OPTION = re.compile(r"(?<![\w-])(--[a-z][a-z0-9-]*)")
CODE_BLOCK = re.compile(r"^```[^\n]*\n(.*?)^```", re.MULTILINE | re.DOTALL)
INLINE_CODE = re.compile(r"(?<!`)`([^`\n]+(?:\n[^`\n]+)?)`(?!`)")


@dataclass(frozen=True)
class Use:
    where: str
    words: tuple[str, ...]  # the sub-command and what follows it

    @property
    def command(self) -> str:
        return self.words[0]

    @property
    def options(self) -> list[str]:
        return [w.split("=", 1)[0] for w in self.words[1:] if OPTION.fullmatch(w.split("=")[0])]


def joined_lines(text: str) -> str:
    """Shell and unit-file continuation lines (ending in a backslash) made one."""
    return re.sub(r"\\\n\s*", " ", text)


def invocations(text: str, where: str) -> list[Use]:
    uses = []
    for match in INVOCATION.finditer(joined_lines(text)):
        uses.append(Use(where, (match.group(1), *match.group(2).split())))
    return uses


def deploy_files() -> list[Path]:
    return sorted(p for p in DEPLOY.iterdir() if p.is_file())


def guide_uses() -> list[Use]:
    text = GUIDE.read_text()
    uses = []
    for block in CODE_BLOCK.findall(text):
        lines = [line.split(" #", 1)[0] for line in joined_lines(block).splitlines()
                 if not line.lstrip().startswith("#")]
        uses += invocations("\n".join(lines), f"{GUIDE.name} (code block)")
    prose = CODE_BLOCK.sub("", text)
    for span in INLINE_CODE.findall(prose):
        uses += invocations(" ".join(span.split()), f"{GUIDE.name} (`{span}`)")
    return uses


def deploy_uses() -> list[Use]:
    uses = []
    for path in deploy_files():
        text = path.read_text()
        # Unit files and scripts invoke `…/forum X`; comments quote `forum X` in backticks.
        for line in joined_lines(text).splitlines():
            if line.lstrip().startswith("#"):
                for span in INLINE_CODE.findall(line):
                    uses += invocations(span, f"deploy/{path.name} (`{span}`)")
            else:
                uses += invocations(line, f"deploy/{path.name}")
    return uses


@functools.cache
def help_text(*words: str) -> str:
    done = subprocess.run([FORUM, *words, "--help"], capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, f"`forum {' '.join(words)} --help` failed: {done.stderr}"
    return done.stdout


def choices(text: str) -> set[str]:
    found = re.search(r"\{([a-z0-9,-]+)\}", text)
    return set(found.group(1).split(",")) if found else set()


def options_of(text: str) -> set[str]:
    return set(OPTION.findall(text))


def commands() -> set[str]:
    return choices(help_text())


def test_the_guide_and_the_files_name_forum_commands_at_all() -> None:
    """The parsers below find what they should (or every later check would pass empty)."""
    found = {use.command for use in deploy_uses() + guide_uses()}
    assert {"serve", "worker", "backup", "restore", "migrate", "check", "createuser"} <= found
    serve_options = {o for use in deploy_uses() if use.command == "serve" for o in use.options}
    assert {"--timeout-keep-alive", "--timeout-request-headers", "--timeout-request-body",
            "--limit-concurrency", "--backlog"} <= serve_options


def test_every_forum_command_and_option_used_exists() -> None:
    available = commands()
    assert {"serve", "backup", "restore"} <= available
    problems = []
    for use in deploy_uses() + guide_uses():
        if use.command not in available:
            if use.command not in COMING:
                problems.append(f"{use.where}: `forum {use.command}` is no forum command")
            continue
        words = [use.command]
        text = help_text(*words)
        # A sub-command with sub-commands of its own (`forum resources import`).
        positional = [w for w in use.words[1:] if not w.startswith("-")]
        if positional and positional[0] in choices(text):
            words.append(positional[0])
            text = help_text(*words)
        for option in use.options:
            if option not in options_of(text):
                problems.append(f"{use.where}: `forum {' '.join(words)}` has no {option}")
    assert problems == [], "\n".join(problems)


def test_the_coming_commands_are_named_only_where_expected() -> None:
    """Until `forum worker` exists, only the worker's unit and the guide may name it."""
    if commands() >= COMING:
        return  # it exists: the test above checks it like any other command
    places = {use.where.split(" ")[0] for use in deploy_uses() + guide_uses()
              if use.command in COMING - commands()}
    assert places <= {"deploy/hearth-worker.service", GUIDE.name}, places


def exec_commands(unit: str) -> list[list[str]]:
    """Each `forum …` a unit's Exec lines run, as the words the program receives."""
    text = joined_lines((DEPLOY / unit).read_text())
    found = []
    for line in text.splitlines():
        if not re.match(r"Exec(Start|StartPre|StartPost)=", line):
            continue
        # systemd's own escapes first: $$ is a dollar, %% a percent sign.
        words = shlex.split(line.split("=", 1)[1].replace("$$", "$").replace("%%", "%"))
        if words[:2] == ["/bin/sh", "-c"]:
            words = shlex.split(words[2])
        for n, word in enumerate(words):
            if word == "forum" or word.endswith("/forum"):
                rest = words[n + 1:]
                cut = [i for i, w in enumerate(rest) if w in {";", "&&", "||", "|"}]
                found.append(rest[:cut[0]] if cut else rest)
    return found


def test_the_units_command_lines_parse_with_the_real_parser() -> None:
    """Not only the names: the values in ExecStart must be ones `forum` accepts."""
    parser = build_parser()
    available = commands()
    for unit in UNITS:
        runs = exec_commands(unit)
        assert runs, f"{unit} starts no forum command"
        for words in runs:
            if words[0] not in available:
                assert words[0] in COMING, f"{unit}: forum {words[0]}"
                continue
            parser.parse_args(words)  # SystemExit (a failed test) on any unknown or bad value


def test_every_forum_setting_named_exists() -> None:
    settings = set(documented_defaults())
    named: dict[str, set[str]] = {}
    for path in [*deploy_files(), GUIDE]:
        for name in FORUM_NAME.findall(path.read_text()):
            named.setdefault(name, set()).add(path.name)
    assert named, "no FORUM_ settings named at all"
    unknown = {name: sorted(where) for name, where in named.items() if name not in settings}
    assert unknown == {}, f"not settings of forum/settings.py: {unknown}"
    must_set = {"FORUM_BASE_URL", "FORUM_TRUSTED_PROXIES", "FORUM_SECRET_KEY",
                "FORUM_ANONYMITY_KEY_FILE", "FORUM_DATABASE_URL", "FORUM_REDIS_URL",
                "FORUM_CRISIS_WEBHOOK_URL"}
    example = set(FORUM_NAME.findall((DEPLOY / "hearth.env.example").read_text()))
    assert must_set <= example


def serve_words() -> list[str]:
    text = joined_lines((DEPLOY / "hearth.service").read_text())
    (line,) = [line for line in text.splitlines() if line.startswith("ExecStart=")]
    (use,) = invocations(line, "hearth.service")
    return list(use.words)


def serve_value(option: str) -> str:
    words = serve_words()
    return words[words.index(option) + 1]


def env_example() -> dict[str, str]:
    values = {}
    for line in (DEPLOY / "hearth.env.example").read_text().splitlines():
        if line and not line.startswith("#") and "=" in line:
            name, value = line.split("=", 1)
            values[name] = value
    return values


def test_the_proxies_send_requests_where_the_forum_listens() -> None:
    listens = f"{serve_value('--host')}:{serve_value('--port')}"
    assert re.search(rf"^\s*reverse_proxy {re.escape(listens)} \{{",
                     (DEPLOY / "Caddyfile").read_text(), re.MULTILINE)
    assert re.search(rf"^\s*server {re.escape(listens)};", (DEPLOY / "nginx.conf").read_text(),
                     re.MULTILINE)


def test_the_forum_trusts_exactly_the_proxy_it_sits_behind() -> None:
    """The proxies connect from loopback and replace X-Forwarded-For with their peer."""
    networks = [ipaddress.ip_network(n) for n in
                env_example()["FORUM_TRUSTED_PROXIES"].split(",")]
    proxy_source = ipaddress.ip_address(serve_value("--host"))  # a loopback upstream
    assert any(proxy_source in net for net in networks)
    assert all(net.is_loopback for net in networks), "trust no address beyond this host"
    assert re.search(r"^\s*header_up X-Forwarded-For \{remote_host\}$",
                     (DEPLOY / "Caddyfile").read_text(), re.MULTILINE)
    assert re.search(r"^\s*proxy_set_header X-Forwarded-For \$remote_addr;$",
                     (DEPLOY / "nginx.conf").read_text(), re.MULTILINE)


def test_the_proxies_limits_agree_with_the_forums() -> None:
    caddy = (DEPLOY / "Caddyfile").read_text()
    nginx = (DEPLOY / "nginx.conf").read_text()
    caddy_body = re.search(r"max_size (\d+)KiB", caddy)
    assert caddy_body and int(caddy_body.group(1)) * 1024 == BODY_LIMIT_BYTES
    body = re.search(r"client_max_body_size (\d+)k;", nginx)
    assert body and int(body.group(1)) * 1024 == BODY_LIMIT_BYTES
    forum_keep_alive = int(serve_value("--timeout-keep-alive"))
    caddy_keep_alive = re.search(r"^\s*keepalive (\d+)s$", caddy, re.MULTILINE)
    upstream = re.search(r"upstream hearth \{(.*?)\}", nginx, re.DOTALL)
    assert caddy_keep_alive and upstream
    nginx_keep_alive = re.search(r"keepalive_timeout (\d+)s;", upstream.group(1))
    assert nginx_keep_alive
    # The proxy must let go of an idle connection before the forum closes it under a request.
    assert int(caddy_keep_alive.group(1)) < forum_keep_alive
    assert int(nginx_keep_alive.group(1)) < forum_keep_alive
    assert "access_log off;" in nginx
    assert not re.search(r"^\s*log\b", caddy, re.MULTILINE), "Caddy must keep no access log"


def test_the_proxy_comments_name_only_real_serve_options() -> None:
    serve_options = options_of(help_text("serve"))
    for name in ("Caddyfile", "nginx.conf"):
        named = set(OPTION.findall((DEPLOY / name).read_text()))
        assert named <= serve_options, f"deploy/{name}: {named - serve_options}"


def serve_defaults() -> dict[str, float]:
    """`forum serve --help`'s numeric defaults, by option."""
    found = {}
    for entry in re.split(r"\n  (?=-)", help_text("serve")):
        option = OPTION.search(entry)
        default = re.search(r"\(default: ([0-9]+(?:\.[0-9]+)?)\)", " ".join(entry.split()))
        if option and default:
            found[option.group(1)] = float(default.group(1))
    return found


def test_the_guides_serve_defaults_are_the_commands_defaults() -> None:
    """The connections table says `--option` (N s): N must be what `forum serve` uses."""
    defaults = serve_defaults()
    stated = re.findall(r"`(--[a-z-]+)` \(([0-9]+)[ );]", GUIDE.read_text())
    assert len(stated) >= 6, stated
    for option, value in stated:
        assert defaults.get(option) == float(value), (option, value, defaults.get(option))
    standalone = set(re.findall(r"`(--[a-z][a-z0-9-]*)`", GUIDE.read_text()))
    assert standalone <= options_of(help_text("serve")), standalone
    # The unit runs with the documented defaults.
    for option in ("--timeout-keep-alive", "--timeout-request-headers",
                   "--timeout-request-body", "--limit-concurrency", "--backlog",
                   "--timeout-graceful-shutdown"):
        assert float(serve_value(option)) == defaults[option], option


def test_the_readme_links_the_guide() -> None:
    assert "(docs/deploy.md)" in (ROOT / "README.md").read_text()


@pytest.mark.parametrize("script", ["hearth-forum"])
def test_the_helper_script_is_valid_shell_and_executable(script: str) -> None:
    path = DEPLOY / script
    assert path.stat().st_mode & 0o111
    assert subprocess.run(["sh", "-n", str(path)], check=False).returncode == 0
    assert shlex.split(path.read_text().splitlines()[0]) == ["#!/bin/sh"]
