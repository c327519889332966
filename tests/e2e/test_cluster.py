"""Two hosts, one PostgreSQL, one Redis: what one host does, the other knows.

Each host is a network namespace on this machine (`tests.netns`) running `forum serve
--workers 2` with a var folder of its own; a PostgreSQL and a Redis of the test's own
(`tests.throwaway_pg`, `tests.cluster`) listen on the machine's side of the network, as on a
LAN; the hosts share the settings a deployment of several hosts must share (the database,
Redis, the secret key, the anonymity key, the public base URL) and nothing else — no files.
The topology is the one docs/deploy.md describes. Shown here, each through the hosts' HTTP
as a browser, an API client or a visitor would meet it:

- a session made by signing in on host A works on host B (its CSRF token too); a form
  double-submitted through both hosts at once makes one post; the anonymous author may edit
  through A what they posted through B, and both hosts show the same pseudonym; signing
  out through B ends the session on A;
- the sign-in limit counts attempts on both hosts together;
- a reply written through A is on B's next page for a visitor (B's page cache sees it);
- crisis alerts queued on both hosts, with the workers of both taking jobs, reach the
  webhook receiver exactly once each;
- SIGKILL of every process of host A while writers post through A and B: every
  acknowledged write is in the database, and B answers every request throughout.

The machine's own PostgreSQL and Redis are not used; traffic goes only to the network's
addresses and loopback. The tests share one module-wide cluster (building it — initdb,
migrations, six server processes — is most of the run's time); the last one kills host A.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field

import asyncpg
import httpx
import pytest

from tests.cluster import ThrowawayRedis, remove_stale, run_folder, start_throwaway_redis
from tests.netns import Network, emptied
from tests.throwaway_pg import ThrowawayPostgres, start_throwaway_postgres

from .conftest import SERVERS, LiveServer, _wait_until_ready, launch
from .outage_server import forum_env, migrate
from .test_durable_alerts import URGENT, Receiver
from .test_outage_postgres import bearer, csrf_from

pytestmark = [pytest.mark.multiprocess, pytest.mark.backend_independent]

HOSTS = 2
WORKERS = 2
PORT = 8000  # each host has its own addresses, so the same port on both
PUBLIC_URL = "http://hearth.test"  # what the proxy in front serves: the same on every host
SIGNIN_PER_HOUR = 3
PASSWORD = "a porch light left on for you"
FRESH_CONNECTIONS = 6  # a new connection each: requests reach both workers of a host
WAIT_S = 30.0
BEFORE_KILL = 8  # writes acknowledged through each host before host A is killed
AFTER_KILL = 16  # and through host B after


@dataclass
class Cluster:
    network: Network
    postgres: ThrowawayPostgres
    redis: ThrowawayRedis
    database_url: str
    receiver: Receiver
    hosts: list[LiveServer] = field(default_factory=list)

    def url(self, n: int) -> str:
        return f"http://{self.network.host_address(n)}:{PORT}"


def shared_settings(network: Network, redis: ThrowawayRedis, receiver: Receiver) -> dict[str, str]:
    """What every host must be given alike (docs/deploy.md, "Several hosts")."""
    return {
        "FORUM_SECRET_KEY": secrets.token_urlsafe(48),
        "FORUM_ANONYMITY_KEY": secrets.token_urlsafe(48),
        "FORUM_REDIS_URL": redis.url,
        "FORUM_BASE_URL": PUBLIC_URL,
        "FORUM_TRUSTED_PROXIES": network.machine_address,  # the proxy's side of the network
        "FORUM_CRISIS_WEBHOOK_URL": receiver.url,
        # Pages kept far longer than the test runs: only invalidation can refresh them.
        "FORUM_PAGE_CACHE_SECONDS": "600",
        # Strict on sign-in guesses; loose on signing up and posting (every account here
        # comes from one address, and the writers below post a lot).
        "FORUM_RATE_LIMITS": f"signin={SIGNIN_PER_HOUR}/hour;signup=1000/hour;"
                             "post=10000/minute",
    }


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    remove_stale()
    folder = run_folder()
    with contextlib.ExitStack() as stack:
        stack.callback(shutil.rmtree, folder, ignore_errors=True)
        network = Network.create(HOSTS)
        stack.callback(network.close)
        postgres = start_throwaway_postgres(folder / "postgres", listen=network.machine_address,
                                            clients=str(network.subnet))
        stack.callback(postgres.stop, "immediate")
        redis = start_throwaway_redis(folder / "redis", network.machine_address)
        stack.callback(redis.stop)
        receiver = Receiver(network.machine_address)
        stack.callback(receiver.close)
        database_url = postgres.create_database("hearth")
        migrate(database_url, folder / "migrate")
        found = Cluster(network, postgres, redis, database_url, receiver)
        shared = shared_settings(network, redis, receiver)
        for n in range(HOSTS):
            environ = {**forum_env(database_url, folder / f"host-{n}", PUBLIC_URL), **shared}
            (folder / f"host-{n}").mkdir()
            server = launch(environ, folder / f"host-{n}.log", host=network.host_address(n),
                            port=PORT, workers=WORKERS, prefix=network.run_in(n))
            found.hosts.append(server)
            stack.callback(server.stop)
        for server in found.hosts:
            _wait_until_ready(server)
        yield found


@pytest.fixture(autouse=True)
def server_logs(cluster: Cluster, request: pytest.FixtureRequest) -> Iterator[None]:
    """Both hosts' logs go with a failing test's report; neither may log an error."""
    request.node.stash[SERVERS] = cluster.hosts
    yield
    for server in cluster.hosts:
        log = server.log()
        assert "Traceback" not in log and "ERROR" not in log, log


async def new_member(cluster: Cluster, username: str, host: int = 0, *,
                     token: bool = True) -> str:
    """An account made through ``host``, and an API token for it (a sign-in)."""
    async with httpx.AsyncClient(base_url=cluster.url(host), timeout=30) as api:
        account = {"username": username, "password": PASSWORD}
        made = await api.post("/api/v1/accounts", json=account)
        assert made.status_code == 201, made.text
        if not token:
            return ""
        issued = await api.post("/api/v1/tokens", json=account)
        assert issued.status_code == 201, issued.text
        return str(issued.json()["token"])


async def post_story(cluster: Cluster, host: int, token: str, **fields: object) -> int:
    async with httpx.AsyncClient(base_url=cluster.url(host), timeout=30) as api:
        posted = await api.post("/api/v1/stories", headers=bearer(token), json={
            "category": "small-wins", "title": "Still here",
            "body": "I watered the plants and they watered me back.", **fields})
        assert posted.status_code == 201, posted.text
        return int(posted.json()["id"])


async def visitor_pages(url: str, path: str) -> list[str]:
    """The page as visitors see it, each over a new connection (so on either worker)."""
    pages = []
    for _ in range(FRESH_CONNECTIONS):
        async with httpx.AsyncClient(base_url=url, timeout=30) as visitor:
            page = await visitor.get(path)
            assert page.status_code == 200, page.text[:300]
            pages.append(page.text)
    return pages


async def test_a_session_made_on_host_a_works_on_host_b(cluster: Cluster) -> None:
    await new_member(cluster, "heron_a_to_b")
    async with httpx.AsyncClient(base_url=cluster.url(0), timeout=30) as on_a:
        signin = await on_a.get("/signin")
        signed_in = await on_a.post("/signin", data={
            "csrf_token": csrf_from(signin), "username": "heron_a_to_b", "password": PASSWORD})
        assert signed_in.status_code == 303, signed_in.text[:300]
        session = on_a.cookies["hearth_session"]
        form_token = csrf_from(await on_a.get("/stories/new"))  # a form host A rendered

    # The proxy sends the browser's next requests to host B, cookie and all; a double click
    # on the form host A rendered goes once to each host, at the same moment.
    browsers = [httpx.AsyncClient(base_url=cluster.url(n), timeout=30,
                                  cookies={"hearth_session": session}) for n in range(HOSTS)]
    async with browsers[0] as on_a, browsers[1] as on_b:
        account = await on_b.get("/account")
        assert account.status_code == 200 and "heron_a_to_b" in account.text
        form = {"csrf_token": form_token, "category": "depression-anxiety", "anonymous": "1",
                "title": "Between two rooms", "submission_id": "cluster-session-0001",
                "body": "Some days the quiet is kind and some days it is loud."}
        clicks = await asyncio.gather(*(
            http.post("/stories/new", headers={"Origin": PUBLIC_URL}, data=form)
            for http in (on_b, on_a)))
        assert [c.status_code for c in clicks] == [303, 303], clicks[0].text[:500]
        assert clicks[0].headers["location"] == clicks[1].headers["location"]
        story_id = int(clicks[0].headers["location"].rstrip("/").rsplit("/", 1)[-1])
        post_id = (await on_b.get(f"/api/v1/stories/{story_id}")).json()["post"]["id"]
        listed = (await on_a.get("/api/v1/categories/depression-anxiety/stories")).json()
        assert [s["title"] for s in listed["stories"]].count("Between two rooms") == 1

    # Back on host A, the anonymous author may edit what they posted through B (their
    # authorship is sealed with the anonymity key both hosts hold), and both hosts show the
    # same pseudonym and the edit.
    async with httpx.AsyncClient(base_url=cluster.url(0), timeout=30,
                                 cookies={"hearth_session": session}) as on_a:
        edit_form = await on_a.get(f"/posts/{post_id}/edit")
        assert edit_form.status_code == 200, edit_form.text[:300]
        edited = await on_a.post(f"/posts/{post_id}/edit", headers={"Origin": PUBLIC_URL},
                                 data={"csrf_token": csrf_from(edit_form),
                                       "title": "Between two rooms",
                                       "body": "Today the quiet was kind."})
        assert edited.status_code == 303, edited.text[:500]
    seen = []
    for host in range(HOSTS):
        async with httpx.AsyncClient(base_url=cluster.url(host), timeout=30) as api:
            story = (await api.get(f"/api/v1/stories/{story_id}")).json()
            seen.append((story["post"]["author"], story["post"]["body"]))
    assert seen[0] == seen[1], seen
    author, body = seen[0]
    assert author["kind"] == "anonymous" and "heron" not in str(author) and body == (
        "Today the quiet was kind.")

    # Signing out through B ends the session on A at once.
    browsers = [httpx.AsyncClient(base_url=cluster.url(n), timeout=30,
                                  cookies={"hearth_session": session}) for n in range(HOSTS)]
    async with browsers[0] as on_a, browsers[1] as on_b:
        out = await on_b.post("/signout", headers={"Origin": PUBLIC_URL},
                              data={"csrf_token": csrf_from(await on_b.get("/account"))})
        assert out.status_code == 303, out.text[:300]
        after = await on_a.get("/account")
        assert after.status_code != 200 and "heron_a_to_b" not in after.text


async def test_the_sign_in_limit_counts_guesses_on_every_host(cluster: Cluster) -> None:
    await new_member(cluster, "kestrel_guessed", host=1, token=False)
    wrong = {"username": "kestrel_guessed", "password": "not the password at all"}
    right = {"username": "kestrel_guessed", "password": PASSWORD}
    client = {"X-Forwarded-For": "203.0.113.7"}  # as the proxy says, for one client
    hosts = [httpx.AsyncClient(base_url=cluster.url(n), timeout=30, headers=client)
             for n in range(HOSTS)]
    async with hosts[0] as on_a, hosts[1] as on_b:
        # Each host alone (and each worker of it) has seen fewer than the limit.
        for http in (on_a, on_a, on_b)[:SIGNIN_PER_HOUR]:
            guessed = await http.post("/api/v1/tokens", json=wrong)
            assert guessed.status_code == 401, guessed.text
        for http in (on_b, on_a):
            refused = await http.post("/api/v1/tokens", json=right)
            assert refused.status_code == 429, refused.text
            assert int(refused.headers["retry-after"]) > 0
    with cluster.redis.client() as redis:  # the counters are in the shared store
        assert any(redis.scan_iter(match="hearth-rate*")), "no rate-limit counter in Redis"


async def test_a_reply_through_host_a_is_on_host_bs_next_page_for_visitors(
        cluster: Cluster) -> None:
    token = await new_member(cluster, "plover_writes")
    story_id = await post_story(cluster, 0, token, title="Small lights")
    path = f"/stories/{story_id}"
    reply = "I lit a candle for you tonight, plover."
    before = await visitor_pages(cluster.url(1), path)  # now in B's workers' page caches
    assert all("Small lights" in page and reply not in page for page in before)
    assert len(set(before)) == 1  # the same page for every visitor

    async with httpx.AsyncClient(base_url=cluster.url(0), timeout=30) as on_a:
        written = await on_a.post(f"/api/v1/stories/{story_id}/replies",
                                  headers=bearer(token), json={"body": reply})
        assert written.status_code == 201, written.text
    after = await visitor_pages(cluster.url(1), path)
    assert all(reply in page for page in after), "host B served its page from before the reply"


async def test_alerts_queued_on_both_hosts_each_reach_the_receiver_once(
        cluster: Cluster) -> None:
    cluster.receiver.deliveries.clear()
    tokens = [await new_member(cluster, f"lark_alert_{n}", host=n % HOSTS) for n in range(4)]
    story_ids = await asyncio.gather(*(
        post_story(cluster, n % HOSTS, token, category="depression-anxiety",
                   title=f"Tonight {n}", body=URGENT)
        for n, token in enumerate(tokens)))
    cluster.receiver.wait_for(len(story_ids))
    await asyncio.sleep(2.5)  # two polls of all four workers: nothing more may arrive

    deliveries = list(cluster.receiver.deliveries)
    assert sorted(d.post_url for d in deliveries) == sorted(
        f"{PUBLIC_URL}/posts/{post_id}" for post_id in await story_post_ids(cluster, story_ids))
    assert len({d.key for d in deliveries}) == len(deliveries)
    conn = await asyncpg.connect(cluster.database_url)
    try:
        jobs = await conn.fetch("SELECT key, status, attempts, worker FROM jobs "
                                "WHERE kind = 'crisis_alert'")
    finally:
        await conn.close()
    assert sorted(j["key"] for j in jobs) == sorted(d.key for d in deliveries)
    assert {(j["status"], j["attempts"]) for j in jobs} == {("done", 1)}, jobs
    print(f"\n{len(jobs)} alerts run by workers: {sorted({j['worker'] for j in jobs})}")


async def story_post_ids(cluster: Cluster, story_ids: list[int]) -> list[int]:
    async with httpx.AsyncClient(base_url=cluster.url(0), timeout=30) as api:
        return [int((await api.get(f"/api/v1/stories/{sid}")).json()["post"]["id"])
                for sid in story_ids]


@dataclass
class Writes:
    """What writers sent and what the hosts acknowledged."""

    acknowledged: dict[str, int] = field(default_factory=dict)  # reply body -> host
    refused: list[str] = field(default_factory=list)  # "host n: why"
    changed: asyncio.Condition = field(default_factory=asyncio.Condition)

    def through(self, host: int) -> int:
        return sum(1 for through in self.acknowledged.values() if through == host)

    async def acknowledge(self, body: str, host: int) -> None:
        async with self.changed:
            self.acknowledged[body] = host
            self.changed.notify_all()

    async def wait_for_more(self, host: int, count: int) -> None:
        """Until ``count`` more writes through ``host`` are acknowledged."""
        target = self.through(host) + count
        async with asyncio.timeout(WAIT_S), self.changed:
            await self.changed.wait_for(lambda: self.through(host) >= target)


async def write_replies(url: str, host: int, story_id: int, token: str, writer: int,
                        writes: Writes, stop: asyncio.Event) -> None:
    """One writer's replies through one host, one after another, until told to stop; a
    connection that fails (the host is gone) is made again for the next reply."""
    n = 0
    async with httpx.AsyncClient(base_url=url, timeout=10, headers=bearer(token)) as http:
        while not stop.is_set():
            n += 1
            body = f"Writer {writer} through host {host}, reply {n}: you are not alone."
            await write_one(http, host, story_id, body, writes)


async def write_one(http: httpx.AsyncClient, host: int, story_id: int, body: str,
                    writes: Writes) -> None:
    try:
        sent = await http.post(f"/api/v1/stories/{story_id}/replies", json={"body": body})
    except httpx.TransportError as exc:
        writes.refused.append(f"host {host}: {exc!r}")
        await asyncio.sleep(0.05)
        return
    if 200 <= sent.status_code < 400:
        await writes.acknowledge(body, host)
    else:
        writes.refused.append(f"host {host}: {sent.status_code} {sent.text[:200]}")


async def read_pages(url: str, path: str, answers: list[int], stop: asyncio.Event) -> None:
    """A visitor reading the story again and again on host B."""
    async with httpx.AsyncClient(base_url=url, timeout=10) as visitor:
        while not stop.is_set():
            try:
                answers.append((await visitor.get(path)).status_code)
            except httpx.TransportError:
                answers.append(0)
            await asyncio.sleep(0.05)


async def test_killing_host_a_loses_no_acknowledged_write_and_host_b_keeps_serving(
        cluster: Cluster) -> None:
    """Runs last: host A stays dead."""
    tokens = [await new_member(cluster, f"wren_writer_{n}", host=n % HOSTS) for n in range(4)]
    story_id = await post_story(cluster, 1, tokens[0], title="Keep talking")
    writes, readings, stop = Writes(), list[int](), asyncio.Event()
    tasks = [asyncio.create_task(write_replies(cluster.url(n % HOSTS), n % HOSTS, story_id,
                                               token, n, writes, stop))
             for n, token in enumerate(tokens)]
    tasks.append(asyncio.create_task(read_pages(cluster.url(1), f"/stories/{story_id}",
                                                readings, stop)))
    try:
        await writes.wait_for_more(0, BEFORE_KILL)  # both hosts busy writing
        await writes.wait_for_more(1, BEFORE_KILL)
        cluster.hosts[0].kill()  # every process of host A at once, mid-request
        killed_at = len(writes.acknowledged)
        assert emptied(cluster.network.namespaces[0], 10.0), "host A outlived SIGKILL"
        await writes.wait_for_more(1, AFTER_KILL)  # host B goes on
    finally:
        stop.set()
        await asyncio.gather(*tasks)

    through_a = [body for body, host in writes.acknowledged.items() if host == 0]
    assert len(through_a) >= BEFORE_KILL and len(writes.acknowledged) > killed_at
    refused_by_b = [line for line in writes.refused if line.startswith("host 1")]
    assert refused_by_b == [], refused_by_b
    assert readings and set(readings) == {200}, sorted(set(readings))
    conn = await asyncpg.connect(cluster.database_url)
    try:
        stored = {row["body_md"] for row in await conn.fetch(
            "SELECT body_md FROM posts WHERE thread_id = $1 AND NOT is_story", story_id)}
        counted = await conn.fetchval("SELECT reply_count FROM threads WHERE id = $1",
                                      story_id)
    finally:
        await conn.close()
    lost = set(writes.acknowledged) - stored
    assert lost == set(), f"{len(lost)} acknowledged replies are not in the database"
    assert counted == len(stored)  # nothing half-written by the killed host
    async with httpx.AsyncClient(base_url=cluster.url(1), timeout=30) as api:
        story = await api.get(f"/api/v1/stories/{story_id}")
        assert story.status_code == 200 and story.json()["reply_count"] == len(stored)
    print(f"\n{len(writes.acknowledged)} replies acknowledged ({len(through_a)} through host A "
          f"before its kill), {len(stored)} stored, {len(writes.refused)} refused by dead A")
