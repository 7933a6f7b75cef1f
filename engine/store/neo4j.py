"""Neo4j adapter through the official driver: production and docker compose."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import neo4j
from neo4j.exceptions import Neo4jError, ServiceUnavailable, SessionExpired

from engine.errors import StoreError, StoreUnavailable
from engine.store.base import GraphStore, Row
from engine.store.params import to_params
from engine.store.queries import QueryLibrary
from engine.store.schema import SCHEMA


class Neo4jStore(GraphStore):
    dialect = "neo4j"

    def __init__(
        self,
        uri: str,
        auth: tuple[str, str],
        queries: QueryLibrary,
        *,
        database: str | None = None,
        timeout_ms: int = 0,
    ) -> None:
        super().__init__(queries)
        self.driver = neo4j.GraphDatabase.driver(uri, auth=auth)
        self.database = database
        self.timeout_s = timeout_ms / 1000 if timeout_ms else None

    def execute(self, text: str, params: Mapping[str, Any], *, write: bool) -> list[Row]:
        # execute_query runs a managed transaction: retried on transient errors,
        # and reads are routed to readers in a cluster.
        routing = neo4j.RoutingControl.WRITE if write else neo4j.RoutingControl.READ
        query = neo4j.Query(text, timeout=self.timeout_s)
        try:
            records, _, _ = self.driver.execute_query(
                query, to_params(params), routing_=routing, database_=self.database
            )
        except (ServiceUnavailable, SessionExpired) as e:
            raise StoreUnavailable(f"Neo4j is not reachable: {e}") from e
        except Neo4jError as e:
            raise StoreError(f"Neo4j rejected the query: {e.message}") from e
        return [record.data() for record in records]

    def apply_schema(self) -> list[str]:
        before = {(r["label"], tuple(r["properties"])) for r in self.read("schema/list_indexes")}
        made = []
        for spec in SCHEMA:
            if (spec.label, (spec.prop,)) not in before:
                self.write(spec.query)  # IF NOT EXISTS: safe against a concurrent start
                made.append(spec.query)
        return made

    def ping(self) -> bool:
        try:
            self.driver.verify_connectivity()
        except (ServiceUnavailable, SessionExpired, OSError):
            return False
        return True

    def compact(self) -> None:
        """Neo4j's transaction log needs no help after bulk writes."""

    def close(self) -> None:
        self.driver.close()
