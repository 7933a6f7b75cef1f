"""The graph store, chosen by one URL (``GRAPHFEED_GRAPH_URI``)."""

from __future__ import annotations

import atexit
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlparse

from engine.errors import ConfigError
from engine.settings import Settings, get_settings
from engine.store.base import GraphStore, Row
from engine.store.queries import QueryLibrary, default_library

if TYPE_CHECKING:
    from engine.store.embedded import EmbeddedServer

__all__ = ["GraphStore", "Row", "open_store", "start_embedded"]


def open_store(
    settings: Settings | None = None,
    *,
    graph: str | None = None,
    queries: QueryLibrary | None = None,
    schema: bool = True,
) -> GraphStore:
    """Connect to the configured database (starting the embedded one if needed).

    ``graph`` names a FalkorDB graph other than the configured one (tests use a
    fresh one each); Neo4j Community has a single database and ignores it.
    """
    settings = settings or get_settings()
    queries = queries or default_library()
    uri = settings.graph_uri
    if uri.startswith("embedded://"):
        store: GraphStore = _embedded(settings, graph or settings.graph_name, queries)
    elif uri.startswith("falkordb://"):
        from falkordb import FalkorDB

        from engine.store.falkordb import FalkorDBStore

        parsed = urlparse(uri)
        db = FalkorDB(host=parsed.hostname or "localhost", port=parsed.port or 6379,
                      password=parsed.password)
        store = FalkorDBStore(db, graph or settings.graph_name, queries,
                              timeout_ms=settings.query_timeout_ms)
    else:
        from engine.store.neo4j import Neo4jStore

        store = Neo4jStore(
            uri, (settings.neo4j_user, settings.neo4j_password.get_secret_value()), queries,
            database=settings.neo4j_database, timeout_ms=settings.query_timeout_ms,
        )
    if schema:
        store.apply_schema()
    return store


def start_embedded(settings: Settings) -> EmbeddedServer | None:
    """Start (or attach to) the configured embedded database; None when the configured
    database is not the embedded one."""
    uri = settings.graph_uri
    if not uri.startswith("embedded://"):
        return None
    from engine.store.embedded import start_or_attach

    raw = uri.removeprefix("embedded://")
    if not raw:
        raise ConfigError("embedded:// needs a data directory, e.g. embedded://./var/graph")
    return start_or_attach(Path(raw), fsync=settings.embedded_fsync,
                           timeout=settings.embedded_start_timeout_s,
                           plan_cache=settings.embedded_plan_cache, prepare=_warm)


def _warm(sock: Path) -> None:
    # A graph just loaded from the AOF builds each GraphBLAS matrix's hyper hash lazily, in
    # the first query that needs it; two concurrent readers doing so crashed FalkorDB
    # (SIGSEGV). So a server we start is warmed by one query at a time before anyone reads.
    from falkordb import FalkorDB

    from engine.store.falkordb import warm_graphs

    db = FalkorDB(unix_socket_path=str(sock))
    try:
        warm_graphs(db, default_library())
    finally:
        db.connection.close()


def _embedded(settings: Settings, graph: str, queries: QueryLibrary) -> GraphStore:
    from falkordb import FalkorDB

    from engine.store.falkordb import FalkorDBStore

    server = start_embedded(settings)
    assert server is not None  # open_store only comes here for an embedded:// URI
    if server.owner:
        atexit.register(server.stop)
    db = FalkorDB(unix_socket_path=str(server.socket_path))
    return FalkorDBStore(db, graph, queries, server=server, timeout_ms=settings.query_timeout_ms)
