"""FalkorDB adapter: the embedded default and external ``falkordb://`` servers."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Mapping
from typing import Any

import redis
from falkordb import FalkorDB

from engine.errors import StoreError, StoreUnavailable
from engine.store.base import UNIQUE_KEYS, GraphStore, Row
from engine.store.embedded import EmbeddedServer
from engine.store.falkordb_params import params_header
from engine.store.falkordb_reply import rows
from engine.store.queries import QueryLibrary
from engine.store.schema import SCHEMA

log = logging.getLogger(__name__)

# Start nodes per hop of admin/warm_matrices: one traversal batch each.
WARM_SOURCES = 16


class FalkorDBStore(GraphStore):
    dialect = "falkordb"

    def __init__(
        self,
        db: FalkorDB,
        graph: str,
        queries: QueryLibrary,
        *,
        server: EmbeddedServer | None = None,
        timeout_ms: int = 0,
    ) -> None:
        super().__init__(queries)
        self.db = db
        self.graph_name = graph
        self.graph = db.select_graph(graph)
        self.server = server
        self.timeout_ms = timeout_ms or None
        self._idle: list[redis.Connection] = []  # pooled connections kept between queries
        self._idle_pid = os.getpid()

    def execute(self, text: str, params: Mapping[str, Any], *, write: bool) -> list[Row]:
        # The command the client would send, sent past its result parser: the compact
        # reply converts straight to rows (engine/store/falkordb_reply.py).
        command: list[str | int] = [
            "GRAPH.QUERY" if write else "GRAPH.RO_QUERY", self.graph_name,
            params_header(params) + text, "--compact"]
        if self.timeout_ms is not None:
            command += ["timeout", self.timeout_ms]
        try:
            return rows(self._send(command), self.graph)
        except redis.ConnectionError as e:
            raise StoreUnavailable(f"FalkorDB is not reachable: {e}") from e
        except redis.ResponseError as e:
            if "empty key" in str(e) and not write:
                return []  # reading a graph that has no data yet
            raise StoreError(f"FalkorDB rejected the query: {e}") from e

    def _send(self, command: list[str | int]) -> Any:
        """The raw reply to ``command``.

        ``Redis.execute_command`` wraps each command in retry, observability and
        connection-pool bookkeeping: ~80 us of CPU per query measured, against ~20 us for
        the send and the read themselves, and a feed asks ~17 queries. So connections
        borrowed from the client's pool are kept here, idle between queries (a list's
        pop and append are atomic: one thread per connection at a time). A connection
        that fails goes back to the pool, which reconnects it, and the command to
        ``execute_command``, which retries it."""
        client = self.db.connection
        if client.connection is not None:  # a single-connection client: nothing to borrow
            return client.execute_command(*command)
        if self._idle_pid != os.getpid():  # forked: the parent's sockets are not ours
            self._idle, self._idle_pid = [], os.getpid()
        try:
            conn = self._idle.pop()
        except IndexError:
            conn = client.connection_pool.get_connection()
        try:
            conn.send_command(*command)
            reply = conn.read_response()
        except (redis.ConnectionError, redis.TimeoutError):
            client.connection_pool.release(conn)
            return client.execute_command(*command)
        except redis.ResponseError:  # an error reply: the connection is ready for more
            self._idle.append(conn)
            raise
        except BaseException:  # anything else may have left a reply unread
            conn.disconnect()
            client.connection_pool.release(conn)
            raise
        self._idle.append(conn)
        return reply

    def apply_schema(self) -> list[str]:
        made = []
        indexes = self.read("schema/list_indexes")
        existing = {(r["label"], p) for r in indexes for p in r["properties"]}
        for spec in SCHEMA:
            if (spec.label, spec.prop) not in existing:
                self.write(spec.query)
                made.append(spec.query)
        listed = self.read("schema/list_constraints")
        constraints = {(r["label"], tuple(r["properties"])) for r in listed}
        for label, prop in UNIQUE_KEYS:
            if (label, (prop,)) not in constraints:
                self._command("GRAPH.CONSTRAINT", "CREATE", self.graph_name, "UNIQUE",
                              "NODE", label, "PROPERTIES", "1", prop)
                made.append(f"unique {label}.{prop}")
        self._wait_constraints()
        if made:
            # With the indexes in the AOF's base, later writes replay with them in place.
            self.compact()
        return made

    def _wait_constraints(self, timeout: float = 120.0) -> None:
        # Constraints are built in the background; writes must not start before they hold.
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            states = [r["status"] for r in self.read("schema/list_constraints")]
            if all(s == "OPERATIONAL" for s in states):
                return
            if any(s == "FAILED" for s in states):
                raise StoreError("a unique constraint failed: the graph already holds duplicates")
            time.sleep(0.05)
        raise StoreError("unique constraints did not become operational in time")

    def ping(self) -> bool:
        try:
            return bool(self.db.connection.ping())
        except (redis.ConnectionError, redis.TimeoutError, OSError):
            return False

    def compact(self) -> None:
        # AOF replay of many indexed MERGEs is ~90x slower than the original load;
        # a rewrite with the RDB preamble makes restarts take well under a second.
        # A rewrite already running misses the writes made after it forked, so
        # wait for it and start our own.
        self._wait_rewrite_idle()
        while True:
            try:
                self._command("BGREWRITEAOF")
                break
            except StoreError as e:
                if "already in progress" not in str(e):
                    raise
                self._wait_rewrite_idle()
        self._wait_rewrite_idle()

    def _wait_rewrite_idle(self, timeout: float = 600.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            info = self.db.connection.info("persistence")
            if not info.get("aof_rewrite_in_progress") and not info.get("aof_rewrite_scheduled"):
                return
            time.sleep(0.05)
        raise StoreError(f"the AOF rewrite did not finish within {timeout:.0f} s")

    def delete_graph(self) -> None:
        """Drop this named graph entirely (tests and benchmarks use throwaway graphs)."""
        try:
            self.graph.delete()
        except redis.ResponseError as e:
            if "empty key" not in str(e) and "Invalid graph operation" not in str(e):
                raise StoreError(f"could not delete graph {self.graph_name}: {e}") from e

    def _command(self, *args: str) -> Any:
        try:
            return self.db.connection.execute_command(*args)
        except redis.ConnectionError as e:
            raise StoreUnavailable(f"FalkorDB is not reachable: {e}") from e
        except redis.ResponseError as e:
            raise StoreError(f"FalkorDB rejected {args[0]}: {e}") from e

    def close(self) -> None:
        pool = self.db.connection.connection_pool
        while self._idle:
            pool.release(self._idle.pop())
        self.db.connection.close()
        if self.server is not None:
            self.server.stop()


def warm_graphs(db: FalkorDB, queries: QueryLibrary) -> dict[str, float]:
    """Expand every relationship type of every graph once, one query at a time; the seconds
    each graph took.

    SuiteSparse:GraphBLAS builds a hypersparse matrix's hyper hash (``A->Y``) lazily, in the
    first multiplication that needs it, and that build mutates the shared matrix. A server
    that had just loaded a 100k-user graph crashed (SIGSEGV) at its first concurrent reads,
    one reader in ``GB_hyper_hash_build``, the other in ``GB_AxB_saxpy3_flopcount``. So a
    server we start is warmed here, one query at a time, before it serves
    (``engine.store.start_embedded``). A precaution: smaller graphs never crashed."""
    took: dict[str, float] = {}
    for name in db.list_graphs():
        t0 = time.perf_counter()
        try:
            FalkorDBStore(db, name, queries).read("admin/warm_matrices", sources=WARM_SOURCES)
        except StoreUnavailable:
            raise
        except StoreError as e:  # a cold graph is the old risk, not a reason not to serve
            log.warning("could not warm graph %s: %s", name, e)
            continue
        took[name] = time.perf_counter() - t0
    if took:
        log.info("warmed %d graph(s) in %.0f ms", len(took), 1000 * sum(took.values()))
    return took
