"""Fixtures: one real embedded FalkorDB per test session, a fresh named graph per test."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from engine.settings import Settings
from engine.store import GraphStore, open_store
from engine.store.embedded import EmbeddedServer, start_or_attach

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"


@pytest.fixture(scope="session")
def embedded_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedServer]:
    server = start_or_attach(tmp_path_factory.mktemp("graph"))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def settings(embedded_server: EmbeddedServer) -> Settings:
    return Settings(graph_uri=f"embedded://{embedded_server.data_dir}")


@pytest.fixture
def store(settings: Settings) -> Iterator[GraphStore]:
    """A fresh named graph on the shared server, deleted afterwards; never a shared one."""
    graph = f"test_{uuid.uuid4().hex[:12]}"
    s = open_store(settings, graph=graph)
    yield s
    s.delete_graph()  # type: ignore[attr-defined]
    s.db.connection.close()  # type: ignore[attr-defined]  # the session owns the server


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is not present")
    return SHARED_DATA


NEO4J_URI_ENV = "GRAPHFEED_TEST_NEO4J_URI"


@pytest.fixture(scope="session")
def neo4j_settings() -> Settings:
    import os

    uri = os.environ.get(NEO4J_URI_ENV)
    if not uri:
        pytest.skip(f"{NEO4J_URI_ENV} is not set: no Neo4j to run the store suite against")
    return Settings(
        graph_uri=uri,
        neo4j_user=os.environ.get("GRAPHFEED_TEST_NEO4J_USER", "neo4j"),
        neo4j_password=os.environ.get("GRAPHFEED_TEST_NEO4J_PASSWORD", "graphfeed"),
    )


@pytest.fixture(params=["falkordb", "neo4j"])
def any_store(request: pytest.FixtureRequest) -> Iterator[GraphStore]:
    """The store contract suite runs on every reachable backend."""
    if request.param == "falkordb":
        yield request.getfixturevalue("store")
        return
    settings = request.getfixturevalue("neo4j_settings")
    s = open_store(settings)
    # Neo4j Community has one database: only an empty one is used, and only what the
    # test wrote is deleted afterwards.
    if s.execute("MATCH (n) RETURN count(n) AS n", {}, write=False)[0]["n"]:
        s.close()
        pytest.skip("the Neo4j test database is not empty; refusing to write to it")
    try:
        yield s
    finally:
        s.execute("MATCH (n) DETACH DELETE n", {}, write=True)
        s.close()
