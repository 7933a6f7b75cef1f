"""`graphfeed serve` as users run it: a subprocess, zero configuration but a data dir.

Development mode on a fresh embedded database: the demo world is loaded into
the empty graph, access is open, GraphiQL answers at /graphql, /healthz and
/metrics work, the running schema equals graphql/schema.graphql, and SIGTERM
shuts the server and its database down cleanly. Production with several worker
processes shares one database, which stops with the server.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from api_server import free_port

from engine.api.export import export
from engine.api.schema import sdl
from engine.api.settings import ApiSettings
from engine.errors import ConfigError
from graphql import (
    build_client_schema,
    build_schema,
    get_introspection_query,
    lexicographic_sort_schema,
    print_schema,
)

REPO = Path(__file__).resolve().parents[1]
SCHEMA_FILE = REPO / "graphql" / "schema.graphql"
SERVE = "import engine.cli.serve; from engine.cli import main; main()"


def _wait_healthy(proc: subprocess.Popen[bytes], base: str, log: Path,
                  timeout: float = 90) -> None:
    """Until /healthz answers 200; fails with the server's log if it exits or times out."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            pytest.fail("graphfeed serve did not start:\n" +
                        log.read_text(errors="replace")[-3000:])
        time.sleep(0.1)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, subprocess.Popen]]:
    data = tmp_path_factory.mktemp("serve")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRAPHFEED_")}
    env.update(GRAPHFEED_GRAPH_URI=f"embedded://{data / 'graph'}", GRAPHFEED_API_DEMO_USERS="40",
               GRAPHFEED_API_MODE="development",
               GRAPHFEED_API_GRAPHIQL_ASSETS=str(data / "no-assets"))
    log = open(data / "serve.log", "wb")  # noqa: SIM115  (closed below)
    proc = subprocess.Popen([sys.executable, "-c", SERVE, "serve", "--port", str(port)],
                            cwd=data, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(proc, base, data / "serve.log")
        yield base, proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
        log.close()


def test_healthz(served: tuple[str, subprocess.Popen]) -> None:
    base, _ = served
    assert httpx.get(f"{base}/healthz").json() == {"status": "ok", "database": "reachable"}


def test_demo_world_is_loaded_and_access_is_open(served: tuple[str, subprocess.Popen]) -> None:
    base, _ = served
    response = httpx.post(f"{base}/graphql", json={"query": '{ user(id: "u0") { id name } }'})
    assert response.status_code == 200
    user = response.json()["data"]["user"]
    assert user["id"] == "u0" and user["name"]


def test_graphiql_page_explains_itself_offline(served: tuple[str, subprocess.Popen]) -> None:
    base, _ = served
    page = httpx.get(f"{base}/graphql", headers={"accept": "text/html"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "GraphiQL" in page.text and "graphfeed graphiql-assets" in page.text


def test_metrics_count_operations(served: tuple[str, subprocess.Popen]) -> None:
    base, _ = served
    for _ in range(3):
        httpx.post(f"{base}/graphql", json={"query": '{ user(id: "u1") { id } }'})
    text = httpx.get(f"{base}/metrics").text
    assert 'graphfeed_api_requests_total{operation="user",outcome="ok"}' in text
    assert 'graphfeed_api_request_duration_seconds_bucket{le="0.1",operation="user"}' in text
    assert "graphfeed_api_store_threads_busy" in text


def kept_facts(text: str) -> dict[str, float]:
    return {result: float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
            for result in ("hit", "miss")
            if line.startswith(f'graphfeed_feed_post_facts_total{{result="{result}"}}')}


def test_metrics_show_the_feeds_kept_post_facts(served: tuple[str, subprocess.Popen]) -> None:
    base, _ = served
    before = kept_facts(httpx.get(f"{base}/metrics").text)
    feed = {"query": '{ feed(userId: "u1", first: 5) { edges { node { id } } } }'}
    for _ in range(2):  # the second feed finds the first one's candidates kept
        assert "errors" not in httpx.post(f"{base}/graphql", json=feed).json()
    after = kept_facts(httpx.get(f"{base}/metrics").text)
    assert after["miss"] > before["miss"] and after["hit"] > before["hit"], (before, after)


def test_schema_file_is_current() -> None:
    assert SCHEMA_FILE.read_text() == sdl(), \
        "graphql/schema.graphql is stale: run python -m engine.api.export"
    assert export(SCHEMA_FILE, check=True)


def test_running_schema_equals_the_file(served: tuple[str, subprocess.Popen]) -> None:
    base, _ = served
    query = get_introspection_query(specified_by_url=True)
    response = httpx.post(f"{base}/graphql", json={"query": query})
    running = build_client_schema(response.json()["data"])
    in_file = build_schema(SCHEMA_FILE.read_text())
    assert print_schema(lexicographic_sort_schema(running)) == \
        print_schema(lexicographic_sort_schema(in_file))


def test_sigterm_stops_server_and_its_database(served: tuple[str, subprocess.Popen],
                                               tmp_path_factory: pytest.TempPathFactory) -> None:
    base, proc = served
    pid_file = next(Path(tmp_path_factory.getbasetemp()).glob("serve*/graph/falkordb.pid"))
    db_pid = int(pid_file.read_text())
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(30) in (0, -signal.SIGTERM)  # uvicorn re-raises the signal it handled
    deadline = time.monotonic() + 10
    while Path(f"/proc/{db_pid}").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not Path(f"/proc/{db_pid}").exists(), "the embedded database outlived the server"


def test_several_workers_share_one_database(tmp_path: Path) -> None:
    port, secret = free_port(), "s" * 40
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRAPHFEED_")}
    env.update(GRAPHFEED_GRAPH_URI=f"embedded://{tmp_path / 'graph'}",
               GRAPHFEED_API_MODE="production", GRAPHFEED_API_SECRET=secret,
               GRAPHFEED_API_WORKERS="2")
    with open(tmp_path / "serve.log", "wb") as log:
        proc = subprocess.Popen([sys.executable, "-c", SERVE, "serve", "--port", str(port)],
                                cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            base = f"http://127.0.0.1:{port}"
            _wait_healthy(proc, base, tmp_path / "serve.log")
            children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()
            commands = [Path(f"/proc/{c}/cmdline").read_bytes() for c in children]
            workers = [c for c in commands if b"spawn_main" in c and b"resource_tracker" not in c]
            assert len(workers) == 2, commands
            for i in range(6):  # each answer comes from one of the workers
                answer = httpx.post(f"{base}/graphql", headers={"x-graphfeed-secret": secret},
                                    json={"query": f'{{ user(id: "u{i}") {{ id }} }}'})
                assert answer.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"
            db_pid = int((tmp_path / "graph" / "falkordb.pid").read_text())
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(60)
    deadline = time.monotonic() + 10
    while Path(f"/proc/{db_pid}").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not Path(f"/proc/{db_pid}").exists(), "the embedded database outlived the server"


def test_development_mode_runs_one_process() -> None:
    # Each development server would load the demo world into the same empty graph.
    with pytest.raises(ConfigError, match="GRAPHFEED_API_WORKERS"):
        ApiSettings(mode="development", workers=2).check_can_serve()
    ApiSettings(mode="production", secret="s" * 32, workers=2).check_can_serve()
