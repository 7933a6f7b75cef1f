"""What the feed needs of a post whoever asks, kept in the process for a short while.

A feed scores ~280 candidate posts, and reading their author, time, tags and engager
count was its costliest read: ~3.3 ms of database time and ~2 ms of parsing. Three in
four of those posts were candidates of another feed within the last minute (trending,
interest and collaborative candidates are shared widely), so the facts are kept for
``RecommendSettings.post_facts_ttl_s`` and only the others are read
(``recommend/get_post_facts``). What depends on the user, and removal, is read live on
every request (``recommend/get_candidate_state``).

The price is a lag: an engagement reaches a post's popularity, and an edit its tags or
time, up to a TTL later (removal is never late). Posts this process writes itself are
forgotten at once (``forget``, called by the ingestor).

The entries are plain tuples of strings and numbers, which CPython's garbage collector
stops tracking once it has looked at them (by its middle generation): kept as
``SharedFacts`` (a tuple subclass, tracked for life), 119,000 entries made a full
collection walk 284,000 objects in 81 ms, a pause for every request; kept as tuples,
45,000 objects in 11 ms (in-process, after 1,500 feeds of the 100k-user world).
"""

from __future__ import annotations

import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, NamedTuple


class SharedFacts(NamedTuple):
    author_id: str
    created_at: int
    tags: tuple[str, ...]  # sorted
    engagers: int

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> SharedFacts:
        # Interned: the same few thousand tags and authors recur across many entries.
        return cls(sys.intern(row["author_id"] or ""), int(row["created_at"] or 0),
                   tuple(sorted(sys.intern(t) for t in row["tags"] or ())),
                   int(row["engagers"] or 0))


class PostFactsCache:
    """Post id -> SharedFacts, each kept ``ttl_s`` seconds, at most ``size`` of them.

    Entries are kept in the order they were read, which with one TTL is also the order
    they expire in: the oldest go first, whether expired or crowded out."""

    def __init__(self, ttl_s: float, size: int,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl_s = ttl_s
        self.size = size
        self.clock = clock
        self.hits = 0
        self.misses = 0
        # post id -> (expires, author_id, created_at, tags, engagers): see the module doc
        self._data: OrderedDict[str, tuple[float, str, int, tuple[str, ...], int]] = \
            OrderedDict()
        self._lock = threading.Lock()

    def facts(self, ids: Sequence[str], read: Callable[[list[str]], list[dict[str, Any]]]
              ) -> dict[str, SharedFacts]:
        """The facts of ``ids``; those not held (or expired) come from ``read(missing)``.
        Ids the read does not return (no such post) are absent from the answer."""
        now = self.clock()
        found: dict[str, SharedFacts] = {}
        missing: list[str] = []
        new = tuple.__new__
        with self._lock:
            get = self._data.get
            for post_id in ids:
                entry = get(post_id)
                if entry is not None and entry[0] > now:
                    found[post_id] = new(SharedFacts, entry[1:])
                else:
                    missing.append(post_id)
            self.hits += len(found)
            self.misses += len(missing)
        if not missing:
            return found
        fresh = {r["id"]: SharedFacts.from_row(r) for r in read(missing)}
        found.update(fresh)
        if self.ttl_s > 0:
            self._keep(fresh, now + self.ttl_s)
        return found

    def _keep(self, fresh: Mapping[str, SharedFacts], expires: float) -> None:
        with self._lock:
            data = self._data
            for post_id, value in fresh.items():
                data[post_id] = (expires, *value)
                data.move_to_end(post_id)
            now = self.clock()
            while data and (len(data) > self.size or next(iter(data.values()))[0] <= now):
                data.popitem(last=False)

    def forget(self, ids: Iterable[str]) -> None:
        """Drop these posts (written since they were read)."""
        with self._lock:
            for post_id in ids:
                self._data.pop(post_id, None)

    def __len__(self) -> int:
        return len(self._data)
