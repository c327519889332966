"""Hosts on this machine as network namespaces, on a private network of the test's own.

`Network.create(hosts)` picks a free private range 10.x.y.0/24 at random and a random run
tag, makes a bridge on the machine's side holding the range's first address (.1: where the
shared services listen, as a database server on a LAN would), and for each host a network
namespace with a veth pair: one end on the bridge, the other inside the namespace with the
host's own address (.2, .3, …) and its loopback up. A namespace has no default route, so a
host reaches only its own addresses, its loopback and the network — nothing else. Deleting a
namespace deletes its veth pair; `close()` ends every process left in the namespaces and
deletes them and the bridge.

Names carry the pid of the process that made them (`hearth-net-<pid>-<tag>-<n>`, bridge
`hbr<tag>`): a run killed before it could clean up leaves them behind, and the next run
removes those whose maker is gone (`remove_stale`).

Making namespaces needs root and iproute2's `ip`; without them the test is skipped —
except under CI=true, where it fails.
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import random
import re
import secrets
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass, field
from typing import NoReturn

import pytest

PREFIX = "hearth-net"
STALE_NAME = re.compile(rf"^{PREFIX}-(?P<pid>[0-9]+)-(?P<tag>[0-9a-f]{{6}})-[0-9]+$")
COMMAND_TIMEOUT_S = 20


def missing(message: str) -> NoReturn:
    """What a test needs is not on this machine: a skip, or a failure under CI=true."""
    if os.environ.get("CI") == "true":
        pytest.fail(message + " (required under CI=true)", pytrace=False)
    pytest.skip(message)


def ip(*arguments: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(["ip", *arguments], capture_output=True, text=True, check=False,
                          timeout=COMMAND_TIMEOUT_S)
    if check and done.returncode != 0:
        raise RuntimeError(f"ip {' '.join(arguments)} failed ({done.returncode}): "
                           f"{done.stderr.strip()}")
    return done


def require_namespaces() -> None:
    if shutil.which("ip") is None:
        missing("iproute2's `ip` is not installed: the test of several hosts needs it")
    if os.geteuid() != 0:
        missing("making network namespaces (`ip netns add`) needs root")


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def namespaces() -> list[str]:
    listed = ip("netns", "list", check=False).stdout.splitlines()
    return [line.split()[0] for line in listed if line.strip()]


def kill_processes_in(namespace: str) -> None:
    """SIGKILL every process inside the namespace (`ip netns pids`)."""
    for pid in ip("netns", "pids", namespace, check=False).stdout.split():
        with contextlib.suppress(ProcessLookupError, ValueError):
            os.kill(int(pid), signal.SIGKILL)


def emptied(namespace: str, seconds: float) -> bool:
    """Whether no process is left in the namespace (checked until ``seconds`` pass)."""
    deadline = time.monotonic() + seconds
    while ip("netns", "pids", namespace, check=False).stdout.split():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def remove_stale() -> list[str]:
    """Namespaces and bridges left by runs whose process is gone; the names removed."""
    removed = []
    for name in namespaces():
        found = STALE_NAME.match(name)
        if found is None or pid_alive(int(found["pid"])):
            continue
        kill_processes_in(name)
        ip("netns", "del", name, check=False)
        ip("link", "del", f"hbr{found['tag']}", check=False)
        removed.append(name)
    return removed


def _ranges_in_use() -> set[ipaddress.IPv4Network]:
    shown = ip("-4", "-o", "addr", "show", check=False).stdout
    return {ipaddress.IPv4Interface(address).network
            for address in re.findall(r"inet ([0-9.]+/[0-9]+)", shown)}


def _free_range() -> ipaddress.IPv4Network:
    in_use = _ranges_in_use()
    for _ in range(100):
        candidate = ipaddress.IPv4Network(
            f"10.{random.randrange(1, 255)}.{random.randrange(0, 256)}.0/24")
        if not any(candidate.overlaps(used) for used in in_use):
            return candidate
    raise RuntimeError("no free 10.x.y.0/24 range found")


@dataclass
class Network:
    """A bridge on the machine's side and one namespace per host; see the module docstring."""

    tag: str
    subnet: ipaddress.IPv4Network
    namespaces: list[str] = field(default_factory=list)

    @property
    def bridge(self) -> str:
        return f"hbr{self.tag}"

    @property
    def machine_address(self) -> str:
        """The machine's own address on the network (on the bridge)."""
        return str(self.subnet.network_address + 1)

    def host_address(self, n: int) -> str:
        return str(self.subnet.network_address + 2 + n)

    def run_in(self, n: int) -> list[str]:
        """The command prefix that runs a program on host ``n``."""
        return ["ip", "netns", "exec", self.namespaces[n]]

    @classmethod
    def create(cls, hosts: int) -> Network:
        require_namespaces()
        remove_stale()
        network = cls(secrets.token_hex(3), _free_range())
        try:
            network._build(hosts)
        except BaseException as exc:
            network.close()
            if isinstance(exc, RuntimeError) and not network.namespaces:
                missing(f"network namespaces can't be made here: {exc}")
            raise
        return network

    def _build(self, hosts: int) -> None:
        prefix = self.subnet.prefixlen
        ip("link", "add", self.bridge, "type", "bridge")
        ip("addr", "add", f"{self.machine_address}/{prefix}", "dev", self.bridge)
        ip("link", "set", self.bridge, "up")
        for n in range(hosts):
            namespace = f"{PREFIX}-{os.getpid()}-{self.tag}-{n}"
            outside, inside = f"hv{self.tag}{n}", f"hp{self.tag}{n}"
            ip("netns", "add", namespace)
            self.namespaces.append(namespace)
            ip("link", "add", outside, "type", "veth", "peer", "name", inside)
            ip("link", "set", inside, "netns", namespace)
            ip("link", "set", outside, "master", self.bridge, "up")
            ip("-n", namespace, "addr", "add", f"{self.host_address(n)}/{prefix}", "dev", inside)
            ip("-n", namespace, "link", "set", inside, "up")
            ip("-n", namespace, "link", "set", "lo", "up")

    def close(self) -> None:
        for n, namespace in enumerate(self.namespaces):
            kill_processes_in(namespace)
            ip("netns", "del", namespace, check=False)  # and the veth pair moved into it
            ip("link", "del", f"hv{self.tag}{n}", check=False)  # one that never moved
        ip("link", "del", self.bridge, check=False)
