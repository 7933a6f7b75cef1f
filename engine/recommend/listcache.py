"""Lists that do not depend on the user, computed once per snapshot and kept in the process.

Explore's per-community trending lists and the feed's trending and interest scans read
the same rows for every user who asks within one snapshot (a few minutes of ``as_of``
rounded down). Computing them once per snapshot instead of once per request is most of
what makes those reads cheap; a snapshot's lists miss what arrives after its start,
which the callers accept and document.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from engine.store import GraphStore

Rows = list[dict[str, Any]]
T = TypeVar("T")


def snapshot_start(as_of: int, seconds: int) -> int:
    """The start of the snapshot holding ``as_of`` (ms); ``as_of`` itself if ``seconds`` is 0."""
    return as_of - as_of % (seconds * 1000) if seconds else as_of


def store_key(store: GraphStore) -> tuple[Any, ...]:
    """What identifies a store's data in a cache key: a process may serve several graphs."""
    return type(store).__name__, getattr(store, "graph_name", None), id(store)


class ListCache(Generic[T]):
    """A small LRU of ranked lists, keyed by what the caller computed them from.

    A list is kept with the length it was computed for. Callers with different lengths
    share it: the queries order by a total order and cut, so the first n of a longer list
    are exactly the list of n. ``widest`` is the longest length asked for so far, so a
    cold list is computed once, long enough for every caller."""

    def __init__(self, size: int = 512) -> None:
        self.size = size
        self.widest: dict[str, int] = {}
        self._data: OrderedDict[tuple[Any, ...], tuple[int, list[T]]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[Any, ...], n: int) -> list[T] | None:
        """The first ``n`` of the cached list, best first; None unless one that long is here."""
        with self._lock:
            value = self._data.get(key)
            if value is None or value[0] < n:
                return None
            self._data.move_to_end(key)
        return value[1][:n]

    def put(self, key: tuple[Any, ...], value: tuple[int, list[T]]) -> None:
        """Keep ``value``: (the length it was computed for, its rows best first)."""
        with self._lock:
            if key in self._data and self._data[key][0] >= value[0]:
                return  # as long a list arrived meanwhile (computed by another thread)
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.size:
                self._data.popitem(last=False)

    def fetch(self, key: tuple[Any, ...], what: str, n: int,
              compute: Callable[[int], list[T]]) -> list[T]:
        """The first ``n`` of ``key``'s list. When no list that long is here, it is computed
        by ``compute(length)``, ``length`` being the longest asked for ``what`` so far."""
        rows = self.get(key, n)
        if rows is None:
            length = self.length(what, n)
            self.put(key, (length, compute(length)))
            rows = self.get(key, n) or []
        return rows

    def length(self, what: str, n: int) -> int:
        """How long a list of ``what`` to compute when ``n`` are wanted now."""
        with self._lock:
            self.widest[what] = widest = max(n, self.widest.get(what, 0))
        return widest

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
            self.widest.clear()
