"""The embedded FalkorDB: one server per data dir, crash recovery, durability."""

from __future__ import annotations

import multiprocessing
import re
from pathlib import Path

import pytest

from engine.errors import StoreUnavailable
from engine.ingest import Ingestor
from engine.settings import Settings
from engine.store import GraphStore, open_store
from engine.store.embedded import PID_NAME, kill_hard, socket_path_for, start_or_attach
from engine.store.falkordb import WARM_SOURCES, warm_graphs
from engine.store.queries import default_cypher_dir


def _start(data_dir: str, queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    server = start_or_attach(Path(data_dir))
    queue.put((server.owner, server.pid))


def test_second_start_attaches_instead_of_starting_another(tmp_path: Path) -> None:
    first = start_or_attach(tmp_path)
    try:
        second = start_or_attach(tmp_path)
        assert first.owner and not second.owner
        assert second.socket_path == first.socket_path
        second.stop()  # a non-owner never stops the server
        assert start_or_attach(tmp_path).owner is False
    finally:
        first.stop()
    assert not (tmp_path / PID_NAME).exists()


def _servers_on(sock: Path) -> list[int]:
    """Live redis-server processes started for this socket."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        if proc.name.isdigit() and b"redis-server" in cmdline and str(sock).encode() in cmdline:
            found.append(int(proc.name))
    return found


def test_a_start_that_times_out_leaves_no_server_behind(tmp_path: Path) -> None:
    sock = socket_path_for(tmp_path.resolve())
    with pytest.raises(StoreUnavailable, match="did not answer"):
        start_or_attach(tmp_path, timeout=0.0)
    assert _servers_on(sock) == []
    server = start_or_attach(tmp_path)  # and the next start is a normal one
    try:
        assert server.owner and _servers_on(sock) == [server.pid]
    finally:
        server.stop()


def test_racing_processes_share_one_server(tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    procs = [ctx.Process(target=_start, args=(str(tmp_path), queue)) for _ in range(3)]
    for p in procs:
        p.start()
    results = [queue.get(timeout=60) for _ in procs]
    for p in procs:
        p.join(30)
    owners = [owner for owner, _ in results]
    assert owners.count(True) == 1, results
    assert len({pid for _, pid in results}) == 1
    # The owning process exited without stopping it: the server lives on, and is found.
    leftover = start_or_attach(tmp_path)
    assert not leftover.owner
    leftover.owner = True  # take it over so the test cleans up
    leftover.stop()


def test_long_data_dirs_get_a_short_socket(tmp_path: Path) -> None:
    deep = tmp_path / ("d" * 120)
    assert len(str(socket_path_for(deep))) <= 100


def test_acknowledged_writes_survive_kill_9(tmp_path: Path) -> None:
    settings = Settings(graph_uri=f"embedded://{tmp_path}")
    store = open_store(settings)
    server = store.server  # type: ignore[attr-defined]
    ingest = Ingestor(store, settings)
    ingest.add_activities([{"actor": f"u{i}", "foreign_id": f"p{i}", "tags": ["t"]}
                           for i in range(200)])
    for i in range(100):  # one by one: each is acknowledged before the next
        ingest.track_engagement({"id": f"e{i}", "user_id": "reader", "label": "like",
                                 "content_id": f"p{i}", "score": 50})
    kill_hard(server)
    # The crash leaves its pid file (and socket) behind; the next start must clear them.
    assert (tmp_path / PID_NAME).exists()
    store.db.connection.close()  # type: ignore[attr-defined]

    again = open_store(settings)
    try:
        assert again.server.owner  # type: ignore[attr-defined]
        rows = again.execute(
            "MATCH (:User {id: 'reader'})-[e:ENGAGED]->(p:Post) RETURN count(e) AS n", {},
            write=False)
        assert rows == [{"n": 100}]
        posts = again.execute("MATCH (p:Post) RETURN count(p) AS n", {}, write=False)
        assert posts == [{"n": 200}]
    finally:
        again.close()


def test_restart_is_fast_after_compaction(tmp_path: Path) -> None:
    settings = Settings(graph_uri=f"embedded://{tmp_path}")
    store = open_store(settings)
    Ingestor(store, settings).add_activities(
        [{"actor": "a", "foreign_id": f"p{i}", "tags": ["x", "y"]} for i in range(2000)])
    store.compact()
    store.close()
    assert not (tmp_path / PID_NAME).exists()
    again = open_store(settings)
    try:
        n = again.execute("MATCH (p:Post) RETURN count(p) AS n", {}, write=False)
        assert n == [{"n": 2000}]
    finally:
        again.close()



def test_plan_cache_holds_every_query_of_a_request(tmp_path: Path) -> None:
    settings = Settings(graph_uri=f"embedded://{tmp_path}", embedded_plan_cache=64)
    store = open_store(settings)
    try:
        conn = store.db.connection  # type: ignore[attr-defined]
        assert conn.execute_command("GRAPH.CONFIG", "GET", "CACHE_SIZE") == ["CACHE_SIZE", 64]
        # More distinct queries than FalkorDB's default of 25, in turns: with 25 plans
        # every one would be evicted before its next turn.
        queries = [f"RETURN $x + {i} AS y" for i in range(40)]
        for query in queries:
            store.execute(query, {"x": 1}, write=False)
        for query in queries:
            reply = conn.execute_command("GRAPH.RO_QUERY", store.graph_name,  # type: ignore[attr-defined]
                                         f"CYPHER x=2 {query}", "--compact")
            assert "Cached execution: 1" in reply[-1]
    finally:
        store.close()


def test_prepare_runs_only_on_a_server_this_call_started(tmp_path: Path) -> None:
    prepared: list[Path] = []
    first = start_or_attach(tmp_path, prepare=prepared.append)
    try:
        assert prepared == [first.socket_path]
        start_or_attach(tmp_path, prepare=prepared.append)  # attaches: nothing to prepare
        assert prepared == [first.socket_path]
    finally:
        first.stop()


def test_warm_up_expands_every_relationship_type_both_ways() -> None:
    # A type the warm-up misses keeps the crash (a lazy GraphBLAS build raced by two
    # readers just after a load) for that type's matrices.
    root = default_cypher_dir()
    warm = root / "admin" / "warm_matrices.cypher"
    used = {t for path in root.rglob("*.cypher") if path != warm
            for t in re.findall(r"\[\w*:([A-Z_]+)", path.read_text())}
    assert "FOLLOWS" in used, "the scan found no relationship types: the scan itself is broken"
    hops = set(re.findall(r"RETURN '([A-Z_]+[<>])", warm.read_text()))
    missing = {f"{t}{way}" for t in used for way in "<>"} - hops
    assert not missing, f"admin/warm_matrices does not expand {sorted(missing)}"


def test_warm_up_runs_on_every_graph(store: GraphStore) -> None:
    store.execute(
        "CREATE (a:User {id: 'a'})-[:FOLLOWS]->(b:User {id: 'b'}), (c:User {id: 'c'})-"
        "[:FOLLOWS]->(b), (a)-[:ENGAGED]->(p:Post {id: 'p'})-[:TAGGED]->(:Tag {name: 't'})",
        {}, write=True)
    rows = {r["hop"]: r["n"] for r in store.read("admin/warm_matrices", sources=WARM_SOURCES)}
    assert rows["FOLLOWS>"] == 2 and rows["FOLLOWS<"] == 2  # a->b, c->b; b<-a, b<-c
    assert rows["ENGAGED>"] == 1 and rows["TAGGED<"] == 1 and rows["NEAR>"] == 0
    warmed = warm_graphs(store.db, store.queries)  # type: ignore[attr-defined]
    assert store.graph_name in warmed  # type: ignore[attr-defined]
