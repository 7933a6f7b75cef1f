"""The graph database boundary: one small interface over FalkorDB and Neo4j.

Callers name a query (``"ingest/upsert_posts"``) and pass parameters; they never
see Cypher text, a driver or the dialect. Every call is one transaction: it
commits as a whole or changes nothing.
"""

from __future__ import annotations

import abc
from collections.abc import Mapping
from typing import Any, Literal

from engine.store.queries import QueryLibrary

Row = dict[str, Any]
Dialect = Literal["falkordb", "neo4j"]


class GraphStore(abc.ABC):
    """A graph database reached by query name."""

    dialect: Dialect

    def __init__(self, queries: QueryLibrary) -> None:
        self.queries = queries

    # -- named queries ---------------------------------------------------------
    def read(self, name: str, **params: Any) -> list[Row]:
        """Run a read-only named query (routed to readers where the backend can)."""
        return self.execute(self.queries.text(name, self.dialect), params, write=False)

    def write(self, name: str, **params: Any) -> list[Row]:
        """Run a named query that writes, as one transaction."""
        return self.execute(self.queries.text(name, self.dialect), params, write=True)

    # -- raw text: admin scripts only (`graphfeed cypher FILE`) -----------------
    @abc.abstractmethod
    def execute(self, text: str, params: Mapping[str, Any], *, write: bool) -> list[Row]:
        """Run one Cypher statement with parameters; rows as plain dicts."""

    @abc.abstractmethod
    def apply_schema(self) -> list[str]:
        """Create the indexes and unique constraints that are missing; say what was made."""

    @abc.abstractmethod
    def ping(self) -> bool:
        """True when the database answers."""

    @abc.abstractmethod
    def compact(self) -> None:
        """Make restarts fast after bulk writes (a no-op where nothing is needed)."""

    @abc.abstractmethod
    def close(self) -> None:
        """Release connections (and stop a database this process started)."""

    def __enter__(self) -> GraphStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# Unique keys of the model: label -> property. An allow-list, never built from input.
UNIQUE_KEYS: tuple[tuple[str, str], ...] = (("User", "id"), ("Post", "id"), ("Tag", "name"))
