"""GraphQL API latency and throughput against `graphfeed serve` on a synthetic world.

    python benchmarks/api.py [--users 100000] [--clients 1,8,32] [--duration 30] [--results]
                             [--graph-uri embedded:///path --graph-name NAME] [--now-ms MS]

1. Loads the demo world (``graphfeed demo --users N --seed S``) into an embedded
   database under --data-dir, once: a marker file remembers it for later runs.
   ``--graph-uri``/``--graph-name`` use a world that already exists instead (e.g. the
   one ``benchmarks/recs.py`` built); its counts are read from it. ``--now-ms`` starts
   the server's clock at that instant (the world's "now": recs.py's world ends on
   2026-01-01, and its time windows would be empty on today's clock).
2. Starts ``graphfeed serve`` (production mode, a random secret) as a
   subprocess on a free loopback port and waits for /healthz.
3. For each client count, runs that many concurrent HTTP clients for
   --duration seconds over a seeded mix of feed / followSuggestions /
   trackEngagement requests for random users, and reports requests/s, p50,
   p95, p99 per operation and the error count.

The clients run on the same machine as the server (and its database), so they
take CPU from it: the numbers are a floor for a separate load generator. Each
run also reports the CPU per request of the server, the embedded database and
the load generator itself (``cpu_ms_per_request``).
Writes JSON to --out (``api.json``; ``api-trace.json``: every request's start, operation
and latency, to see when the slow ones happened) and, with --results, replaces the
"## API" section of benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import numpy as np
from results import replace_section

ROOT = Path(__file__).resolve().parents[1]
SECTION = "## API (GraphQL over HTTP)"
GRAPHQL_RESPONSE = "application/graphql-response+json"

FEED = """query Feed($u: ID!) { feed(userId: $u, first: 20) {
  edges { node { id caption createdAt likeCount author { id name } } score sources reasons }
  pageInfo { endCursor hasNextPage } } }"""
SUGGEST = """query Suggest($u: ID!) { followSuggestions(userId: $u, first: 10) {
  user { id name followerCount } score sources reasons } }"""
TRACK = """mutation Track($e: EngagementInput!) {
  trackEngagement(engagement: $e) { accepted duplicates } }"""
TARGETS_MS = {("feed", 8): 150.0, ("followSuggestions", 8): 80.0}


CLOCK_SHIM = """# Written by benchmarks/api.py: the server's clock starts at the world's "now".
import time as _time

_shift = {now_ms} / 1000.0 - _time.time()
_real = _time.time
_time.time = lambda: _real() + _shift
_time.time_ns = lambda: int((_real() + _shift) * 1e9)
"""


def clock_shim(data_dir: Path, now_ms: int) -> Path:
    """A directory holding a sitecustomize that shifts time.time for the server process."""
    shim = data_dir / "clock-shim"
    shim.mkdir(exist_ok=True)
    (shim / "sitecustomize.py").write_text(CLOCK_SHIM.format(now_ms=now_ms))
    return shim


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def graphfeed(*args: str) -> list[str]:
    # The serve module is registered by engine.cli once the lead wires it; import it either way.
    return [sys.executable, "-c",
            "import engine.cli.serve; from engine.cli import main; main()", *args]


def ensure_world(data_dir: Path, users: int, seed: int, env: dict[str, str]) -> dict[str, Any]:
    marker = data_dir / f"world-{users}-{seed}.json"
    if marker.is_file():
        return json.loads(marker.read_text())  # type: ignore[no-any-return]
    if (data_dir / "graph").exists():
        raise SystemExit(f"{data_dir}/graph holds another world: pick another --data-dir")
    from engine.demo import generate_world

    world = generate_world(users, seed)
    info = {"users": users, "seed": seed, "posts": world.n_posts,
            "follows": int(len(world.follow_src)), "engagements": int(len(world.eng_user))}
    print(f"loading a {users:,}-user world ({info['posts']:,} posts, {info['follows']:,} "
          f"follows, {info['engagements']:,} engagements): this runs once", flush=True)
    t0 = time.perf_counter()
    subprocess.run(graphfeed("demo", "--users", str(users), "--seed", str(seed)), env=env,
                   cwd=data_dir, check=True, timeout=4 * 3600)
    info["load_s"] = round(time.perf_counter() - t0, 1)
    marker.write_text(json.dumps(info))
    return info


class Server:
    def __init__(self, data_dir: Path, env: dict[str, str]) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = open(data_dir / "serve.log", "ab")  # noqa: SIM115  (closed in stop)
        self.proc = subprocess.Popen(graphfeed("serve", "--port", str(self.port),
                                               "--log-level", "warning"),
                                     env=env, cwd=data_dir, stdout=self.log,
                                     stderr=subprocess.STDOUT)

    def wait(self, timeout: float = 900) -> float:
        t0 = time.monotonic()
        while time.monotonic() - t0 < timeout:
            if self.proc.poll() is not None:
                raise SystemExit(f"graphfeed serve exited with {self.proc.returncode}")
            try:
                if httpx.get(f"{self.base}/healthz", timeout=2).status_code == 200:
                    return time.monotonic() - t0
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        raise SystemExit("graphfeed serve did not become healthy in time")

    def wait_prepared(self, timeout: float = 600) -> float | None:
        """Seconds until the server had computed the current Explore snapshot's
        per-community lists (engine/api/snapshots.py); None if it does not prepare them."""
        t0 = time.monotonic()
        while time.monotonic() - t0 < timeout:
            metrics = httpx.get(f"{self.base}/metrics", timeout=10).text
            count = next((float(line.split()[-1]) for line in metrics.splitlines()
                          if line.startswith("graphfeed_api_explore_snapshots_prepared_total")),
                         None)
            if count is None:
                return None
            if count >= 1:
                return time.monotonic() - t0
            time.sleep(0.5)
        raise SystemExit("the server did not prepare Explore's lists in time")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:  # serve gives requests in flight 30 s, then closes its database
                self.proc.wait(180)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                print("graphfeed serve did not stop: killed; its database may still run",
                      file=sys.stderr)
        self.log.close()


def request(op: str, rng: np.random.Generator, users: int, posts: int,
            counter: list[int]) -> dict[str, Any]:
    user = f"u{int(rng.integers(users))}"
    if op == "feed":
        return {"query": FEED, "variables": {"u": user}}
    if op == "followSuggestions":
        return {"query": SUGGEST, "variables": {"u": user}}
    counter[0] += 1
    return {"query": TRACK, "variables": {"e": {
        "id": f"bench-{os.getpid()}-{counter[0]}-{int(rng.integers(1 << 40))}", "userId": user,
        "label": "click", "contentId": f"p{int(rng.integers(posts))}", "score": 40.0,
        "feedId": "bench"}}}


class Connection:
    """One keep-alive HTTP/1.1 connection that POSTs JSON: the load generator's client.

    httpx spent ~2.5 ms of CPU per request here, as much as the server spends on a
    trackEngagement, on the same 2 cores; this spends a fraction of that, so more of
    the machine is left to the server and its database. It speaks only what the
    server answers (Content-Length or chunked bodies) and reconnects after errors.
    """

    def __init__(self, host: str, port: int, headers: dict[str, str], timeout: float) -> None:
        self.host, self.port, self.timeout = host, port, timeout
        self.head = "".join(f"{k}: {v}\r\n" for k, v in {
            "host": f"{host}:{port}", "content-type": "application/json", **headers}.items())
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(self, path: str, body: dict[str, Any]) -> tuple[int, bytes]:
        try:
            return await asyncio.wait_for(self._post(path, json.dumps(body).encode()),
                                          self.timeout)
        except BaseException:
            self.close()  # a half-read response must not be read as the next one's
            raise

    async def _post(self, path: str, payload: bytes) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        self.writer.write(f"POST {path} HTTP/1.1\r\n{self.head}content-length: "
                          f"{len(payload)}\r\n\r\n".encode() + payload)
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        fields = {k.strip().lower(): v.strip()
                  for k, _, v in (line.partition(":") for line in lines[1:] if line)}
        if "content-length" in fields:
            data = await self.reader.readexactly(int(fields["content-length"]))
        elif fields.get("transfer-encoding", "").lower() == "chunked":
            parts = []
            while size := int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16):
                parts.append(await self.reader.readexactly(size))
                await self.reader.readuntil(b"\r\n")
            await self.reader.readuntil(b"\r\n")  # the end of the (empty) trailer
            data = b"".join(parts)
        else:
            raise ConnectionError("a response without a length: the server closes it")
        if fields.get("connection", "").lower() == "close":
            self.close()
        return status, data

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


async def load(base: str, secret: str, clients: int, duration: float, mix: dict[str, float],
               users: int, posts: int, seed: int) -> dict[str, Any]:
    ops, weights = list(mix), np.array(list(mix.values())) / sum(mix.values())
    samples: dict[str, list[float]] = {op: [] for op in ops}
    # (start s since the run began, operation, ms) of every request, for finding when the
    # slow ones happened (written to --out, not to RESULTS.md)
    trace: list[tuple[float, str, float]] = []
    errors: dict[str, int] = {op: 0 for op in ops}
    first_error: list[str] = []
    headers = {"accept": GRAPHQL_RESPONSE, "x-graphfeed-secret": secret}
    url = httpx.URL(base)
    deadline = time.perf_counter() + duration

    async def worker(i: int) -> None:
        rng = np.random.default_rng([seed, clients, i])
        counter = [0]
        conn = Connection(url.host, url.port or 80, headers, timeout=60)
        try:
            while time.perf_counter() < deadline:  # bounded by the deadline
                op = ops[int(rng.choice(len(ops), p=weights))]
                body = request(op, rng, users, posts, counter)
                t0 = time.perf_counter()
                try:
                    status, data = await conn.post("/graphql", body)
                    ok = status == 200 and "errors" not in json.loads(data)
                    if not ok and not first_error:
                        first_error.append(f"{op}: HTTP {status} {data[:300]!r}")
                except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError) as e:
                    ok = False
                    if not first_error:
                        first_error.append(f"{op}: {e!r}")
                took = time.perf_counter() - t0
                samples[op].append(took)
                trace.append((round(t0 - started, 4), op, round(took * 1000, 2)))
                if not ok:
                    errors[op] += 1
        finally:
            conn.close()

    t0 = started = time.perf_counter()
    cpu0 = time.process_time()
    await asyncio.gather(*(worker(i) for i in range(clients)))
    wall = time.perf_counter() - t0
    out: dict[str, Any] = {"clients": clients, "seconds": round(wall, 2),
                           "requests": sum(len(v) for v in samples.values()),
                           "errors": sum(errors.values()), "first_error": first_error[:1],
                           "ops": {}}
    out["rps"] = round(out["requests"] / wall, 1)
    out["loadgen_cpu_s"] = round(time.process_time() - cpu0, 2)
    for op in ops:
        ms = np.array(samples[op]) * 1000
        out["ops"][op] = {"requests": len(ms), "rps": round(len(ms) / wall, 1),
                          "errors": errors[op], **({
                              f"p{q}_ms": round(float(np.percentile(ms, q)), 1)
                              for q in (50, 95, 99)} if len(ms) else {})}
    out["trace"] = sorted(trace)
    return out


def process_cpu(pid: int | None) -> float:
    """CPU seconds (user + system, all threads) a local process has used; 0 if unknown."""
    if pid is None:
        return 0.0
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def tree_cpu(pid: int, skip: int | None = None) -> float:
    """CPU seconds of a local process and its live descendants, ``skip``'s subtree left out:
    the server's worker processes (``GRAPHFEED_API_WORKERS``) without the database it may
    have started."""
    total, todo = 0.0, [pid]
    while todo:
        p = todo.pop()
        if p == skip:
            continue
        total += process_cpu(p)
        for task in Path(f"/proc/{p}/task").glob("*/children"):
            with contextlib.suppress(OSError):  # the process ended meanwhile
                todo += [int(c) for c in task.read_text().split()]
    return total


def database_pid(graph_uri: str) -> int | None:
    """The embedded database's process (None for a database elsewhere)."""
    if not graph_uri.startswith("embedded://"):
        return None
    from engine.store.embedded import PID_NAME

    try:
        return int((Path(graph_uri.removeprefix("embedded://")) / PID_NAME).read_text().strip())
    except (OSError, ValueError):
        return None


def existing_world(graph_uri: str, graph_name: str, users: int, seed: int) -> dict[str, Any]:
    """The counts of a world loaded before (by this script, recs.py or `graphfeed demo`)."""
    from engine.settings import Settings
    from engine.store import open_store

    store = open_store(Settings(graph_uri=graph_uri, graph_name=graph_name),
                       schema=False)
    try:
        count = {k: store.execute(q, {}, write=False)[0]["n"] for k, q in (
            ("users", "MATCH (u:User) RETURN count(u) AS n"),
            ("posts", "MATCH (p:Post) RETURN count(p) AS n"),
            ("follows", "MATCH ()-[f:FOLLOWS]->() RETURN count(f) AS n"),
            ("engagements", "MATCH ()-[e:ENGAGED]->() RETURN count(e) AS n"))}
    finally:
        store.close()
    if count["users"] < users:
        raise SystemExit(f"{graph_uri} ({graph_name}) holds {count['users']:,} users, "
                         f"not {users:,}")
    return {"seed": seed, **count, "users": users}


def engine_baseline(graph_uri: str, users: int, samples: int, seed: int,
                    graph_name: str | None = None, now_ms: int | None = None) -> dict[str, Any]:
    """The same calls in-process, without HTTP or GraphQL: what the API adds is the rest.

    Warmed as the server is (and as benchmarks/recs.py measures): Explore's per-community
    lists of the snapshot prepared, a few calls for plan caches, then the server's collector
    settings (``engine.serving_gc``).
    CPU ms: this process's and the database's CPU time per call."""
    from engine import serving_gc
    from engine.recommend import Recommender
    from engine.recommend.explore import prepare_snapshot
    from engine.recommend.graph_sources import served_explore_settings
    from engine.settings import Settings
    from engine.store import open_store

    settings = Settings(graph_uri=graph_uri)
    store = open_store(settings, graph=graph_name)
    database = database_pid(graph_uri)
    try:
        recommender = (Recommender(store, settings) if now_ms is None
                       else Recommender(store, settings, clock=lambda: now_ms))
        prepare_snapshot(store, recommender.clock(),
                         served_explore_settings(settings.explore, recommender.sources))
        rng = np.random.default_rng([seed, 99])
        calls = {"feed": lambda u: recommender.feed(u, 20),
                 "followSuggestions": lambda u: recommender.follow_suggestions(u, 10)}
        for _ in range(10):
            user = f"u{int(rng.integers(users))}"
            for call in calls.values():
                call(user)
        serving_gc.settle()
        out = {}
        for op, call in calls.items():
            ms = []
            cpu0, db0 = time.process_time(), process_cpu(database)
            for _ in range(samples):
                user = f"u{int(rng.integers(users))}"
                t0 = time.perf_counter()
                call(user)
                ms.append((time.perf_counter() - t0) * 1000)
            cpu = {"cpu_ms": round(1000 * (time.process_time() - cpu0) / samples, 1),
                   "database_cpu_ms": round(1000 * (process_cpu(database) - db0) / samples, 1)}
            out[op] = {"samples": samples, **{f"p{q}_ms": round(float(np.percentile(ms, q)), 1)
                                              for q in (50, 95, 99)}, **cpu}
        return out
    finally:
        store.close()


def markdown(info: dict[str, Any], runs: list[dict[str, Any]], meta: dict[str, Any],
             baseline: dict[str, Any]) -> str:
    env = dict(e.partition("=")[::2] for e in meta.get("server_env", []))
    workers = int(env.get("GRAPHFEED_API_WORKERS", "1"))
    processes = "one uvicorn process" if workers == 1 else f"{workers} uvicorn processes"
    lines = [
        SECTION, "",
        f"`python benchmarks/api.py --users {info['users']} --clients "
        f"{','.join(str(r['clients']) for r in runs)} --duration {meta['duration']}"
        + "".join(f" --server-env {e}" for e in meta.get("server_env", [])) + "` on "
        f"{meta['machine']}: `graphfeed serve` ({processes}, production mode) on the "
        f"embedded FalkorDB, clients (asyncio, a keep-alive HTTP/1.1 connection each) on the "
        f"same machine. World: "
        f"{info['users']:,} users, {info['posts']:,} posts, {info['follows']:,} follows, "
        f"{info['engagements']:,} engagements (demo seed {info['seed']}). Mix: "
        + ", ".join(f"{k} {v:.0%}" for k, v in meta["mix"].items()) + ". Measured once the "
        f"server had computed every community's Explore list of the snapshot "
        f"({meta.get('explore_prepared_s', '?')} s after it was healthy) and after a 5 s "
        f"warm-up with 2 clients.",
        "",
        "| clients | operation | req/s | p50 ms | p95 ms | p99 ms | errors |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]
    for r in runs:
        for op, s in r["ops"].items():
            lines.append(f"| {r['clients']} | {op} | {s['rps']} | {s.get('p50_ms', '-')} | "
                         f"{s.get('p95_ms', '-')} | {s.get('p99_ms', '-')} | {s['errors']} |")
        lines.append(f"| {r['clients']} | **all** | **{r['rps']}** | | | | {r['errors']} |")
    if all("cpu_s" in r for r in runs):
        lines += ["", "CPU per request (all operations of the mix; the machine's cores are shared "
                  "by all three):", "",
                  "| clients | server ms | database ms | load generator ms | cores busy |",
                  "|---:|---:|---:|---:|---:|"]
        lines += [f"| {r['clients']} | {r['cpu_ms_per_request']['server']} | "
                  f"{r['cpu_ms_per_request']['database']} | {r['cpu_ms_per_request']['loadgen']} | "
                  f"{sum(r['cpu_s'].values()) / r['seconds']:.2f} |" for r in runs]
    if baseline:
        lines += ["", "The same engine calls in-process, one caller, no HTTP/GraphQL "
                  "(`Recommender.feed(u, 20)`, `.follow_suggestions(u, 10)`), warmed as the "
                  "server is (Explore's lists prepared, 10 calls, its collector settings); "
                  "CPU ms per call of this process and of the database:", "",
                  "| operation | samples | p50 ms | p95 ms | p99 ms | CPU ms | database CPU ms |",
                  "|---|---:|---:|---:|---:|---:|---:|"]
        lines += [f"| {op} | {b['samples']} | {b['p50_ms']} | {b['p95_ms']} | {b['p99_ms']} | "
                  f"{b.get('cpu_ms', '-')} | {b.get('database_cpu_ms', '-')} |"
                  for op, b in baseline.items()]
    lines += ["", "Targets at 8 clients: feed p99 <= 150 ms, followSuggestions p99 <= 80 ms, "
              "zero errors."]
    at8 = next((r for r in runs if r["clients"] == 8), None)
    if at8:
        for (op, _), target in TARGETS_MS.items():
            p99 = at8["ops"].get(op, {}).get("p99_ms")
            verdict = "met" if p99 is not None and p99 <= target else "NOT met"
            lines.append(f"- {op}: p99 {p99} ms vs {target:.0f} ms: **{verdict}**")
        lines.append(f"- errors at 8 clients: {at8['errors']}")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--data-dir", type=Path, default=ROOT / "var" / "bench-api")
    parser.add_argument("--clients", default="1,8,32")
    parser.add_argument("--duration", type=float, default=30.0)
    parser.add_argument("--mix", default="feed=0.45,followSuggestions=0.35,trackEngagement=0.2")
    parser.add_argument("--server-env", action="append", default=[], metavar="NAME=VALUE",
                        help="a setting for the server (e.g. GRAPHFEED_API_RECOMMEND_THREADS=2)"
                             "; repeatable")
    parser.add_argument("--baseline", type=int, default=20,
                        help="in-process engine calls per operation after the HTTP runs (0: none)")
    parser.add_argument("--graph-uri", default=None,
                        help="serve a world that already exists at this GRAPHFEED_GRAPH_URI")
    parser.add_argument("--graph-name", default=None,
                        help="its graph name (GRAPHFEED_GRAPH_NAME; with --graph-uri)")
    parser.add_argument("--now-ms", type=int, default=None,
                        help="the server's clock starts at this epoch ms (the world's now)")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "out")
    parser.add_argument("--results", action="store_true", help="update benchmarks/RESULTS.md")
    args = parser.parse_args()
    mix = {k: float(v) for k, v in (part.split("=") for part in args.mix.split(","))}
    clients = [int(c) for c in args.clients.split(",")]

    data_dir = args.data_dir.resolve() / f"users-{args.users}-seed-{args.seed}"
    data_dir.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_hex(32)
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRAPHFEED_")}
    env.update(GRAPHFEED_GRAPH_URI=args.graph_uri or f"embedded://{data_dir / 'graph'}",
               GRAPHFEED_API_MODE="production", GRAPHFEED_API_SECRET=secret,
               GRAPHFEED_API_DEMO_USERS="0", PYTHONPATH=str(ROOT),
               # A trained 100k-user world rebuilds its vector indexes for minutes at start.
               GRAPHFEED_EMBEDDED_START_TIMEOUT_S="900")
    if args.graph_name:
        env["GRAPHFEED_GRAPH_NAME"] = args.graph_name
    for item in args.server_env:
        name, sep, value = item.partition("=")
        if not sep or not name.startswith("GRAPHFEED_"):
            parser.error(f"--server-env {item!r}: expected GRAPHFEED_NAME=VALUE")
        env[name] = value
    if args.now_ms is not None:
        env["PYTHONPATH"] = f"{clock_shim(data_dir, args.now_ms)}{os.pathsep}{ROOT}"
    info = None if args.graph_uri else ensure_world(data_dir, args.users, args.seed, env)
    # One embedded database for the rest of the run: the world check, the server and the
    # in-process baseline attach to it, instead of each loading the graph again (minutes
    # on the 100k world).
    database_server = hold_database(env["GRAPHFEED_GRAPH_URI"], env)
    try:
        if info is None:
            info = existing_world(args.graph_uri, args.graph_name or "graphfeed", args.users,
                                  args.seed)
        measure(args, env, info, data_dir, secret, mix, clients)
    finally:
        if database_server is not None:
            database_server.stop()


def hold_database(graph_uri: str, env: dict[str, str]) -> Any:
    """The embedded database at ``graph_uri``, started (or attached to) here; None for one
    elsewhere."""
    from engine.settings import Settings
    from engine.store import start_embedded

    timeout = float(env["GRAPHFEED_EMBEDDED_START_TIMEOUT_S"])
    return start_embedded(Settings(graph_uri=graph_uri, embedded_start_timeout_s=timeout))


def measure(args: argparse.Namespace, env: dict[str, str], info: dict[str, Any],
            data_dir: Path, secret: str, mix: dict[str, float], clients: list[int]) -> None:
    """The HTTP runs against a fresh server, then the in-process baseline; the results
    to --out (and RESULTS.md with --results)."""
    server = Server(data_dir, env)
    try:
        started = server.wait()
        print(f"server healthy after {started:.1f} s", flush=True)
        # Every community's trending list of the current snapshot, computed by the server
        # when it starts (and ahead of each next snapshot): without it, the first request
        # of each of the 63 communities in a measured window pays ~250 ms for it.
        prepared = server.wait_prepared()
        if prepared is None:
            raise SystemExit("this server does not prepare Explore's lists: its first "
                             "request per community would be measured cold")
        print(f"Explore's lists prepared {prepared:.1f} s later", flush=True)
        asyncio.run(load(server.base, secret, 2, 5.0, mix, args.users, info["posts"],
                         args.seed + 1))  # warm-up: plan caches, connections
        runs, traces = [], {}
        database = database_pid(env["GRAPHFEED_GRAPH_URI"])
        for n in clients:
            before = {"server": tree_cpu(server.proc.pid, database),
                      "database": process_cpu(database)}
            result = asyncio.run(load(server.base, secret, n, args.duration, mix, args.users,
                                      info["posts"], args.seed))
            cpu = {"server": round(tree_cpu(server.proc.pid, database) - before["server"], 2),
                   "database": round(process_cpu(database) - before["database"], 2)}
            cpu["loadgen"] = result.pop("loadgen_cpu_s")
            traces[n] = result.pop("trace")
            result["cpu_s"] = cpu
            result["cpu_ms_per_request"] = {k: round(1000 * v / max(1, result["requests"]), 1)
                                            for k, v in cpu.items()}
            runs.append(result)
            print(json.dumps(result), flush=True)
    finally:
        server.stop()
    baseline = engine_baseline(env["GRAPHFEED_GRAPH_URI"], args.users, args.baseline,
                               args.seed, args.graph_name, args.now_ms) if args.baseline else {}
    meta = {"duration": args.duration, "mix": mix, "server_start_s": round(started, 1),
            "explore_prepared_s": round(prepared, 1),
            "server_env": args.server_env,
            "machine": f"{os.cpu_count()} cores, {platform.python_implementation()} "
                       f"{platform.python_version()}"}
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "api.json").write_text(json.dumps({"world": info, "meta": meta, "runs": runs,
                                                   "engine_baseline": baseline}, indent=2))
    # every request of every run: [start s, operation, ms]
    (args.out / "api-trace.json").write_text(json.dumps(traces))
    text = markdown(info, runs, meta, baseline)
    print(text)
    if args.results:
        replace_section(ROOT / "benchmarks" / "RESULTS.md", SECTION, text)


if __name__ == "__main__":
    main()
