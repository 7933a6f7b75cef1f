"""Explore's per-community trending lists, computed by the server ahead of each snapshot.

Explore (and the feed's ``community_trending`` source) rank from per-community lists that
are computed once per snapshot (``GRAPHFEED_EXPLORE__SNAPSHOT_SECONDS``, 300 s) and
shared by every member (``engine.recommend.explore``). Left to requests, the first
member of each community to ask in a snapshot pays ~250 ms and heavy database CPU for
its list: on the 100k-user world that is 63 slow requests every five minutes. This
thread computes the lists of the current snapshot when the server starts and those of
each next snapshot ``lead`` seconds before it begins (``prepare_snapshot``), so requests
find them ready. What is stamped in those last seconds before a boundary is left to the
snapshot after, just as a list computed by a request leaves out what arrives later.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from engine.recommend.explore import Prepared

log = logging.getLogger("engine.api")

RETRY_S = 10.0  # after a failed preparation (database unreachable, a new run being written)


class SnapshotPreparer:
    """A daemon thread: ``prepare(as_of)`` for the current snapshot at start, then for each
    next one ``lead_s`` seconds (or twice the last preparation's time, if longer) before
    it starts. ``clock``: the server's now in epoch ms (the recommender's)."""

    def __init__(self, prepare: Callable[[int], Prepared], clock: Callable[[], int],
                 snapshot_seconds: int, lead_s: float,
                 on_prepared: Callable[[Prepared], None] | None = None,
                 retry_s: float = RETRY_S) -> None:
        self.prepare = prepare
        self.retry_s = retry_s
        self.clock = clock
        self.snapshot_ms = snapshot_seconds * 1000
        self.lead_ms = int(lead_s * 1000)
        self.on_prepared = on_prepared
        self.last: Prepared | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="explore-snapshots", daemon=True)

    def start(self) -> None:
        if self.snapshot_ms > 0:  # no snapshots (exact now): nothing can be prepared
            self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def next_run(self, now: int) -> tuple[int, int]:
        """(the next snapshot's start, when to start preparing it), both epoch ms."""
        start = now - now % self.snapshot_ms + self.snapshot_ms
        took = 0 if self.last is None else int(self.last.seconds * 1000)
        lead = min(max(self.lead_ms, 2 * took), self.snapshot_ms // 2)
        return start, start - lead

    def _run(self) -> None:
        target = self.clock()  # the current snapshot first: the server just started
        while not self._stop.is_set():
            try:
                self.last = self.prepare(target)
            except Exception:  # noqa: BLE001  (a thread that dies would leave every list cold)
                log.warning("preparing Explore's lists for %d failed; retrying in %.0f s",
                            target, self.retry_s, exc_info=True)
                if self._stop.wait(self.retry_s):
                    return
                target = max(target, self.clock())
                continue
            if self.on_prepared is not None:
                self.on_prepared(self.last)
            # From a snapshot prepared ahead (target is its start), plan the one after it.
            now = self.clock()
            start, at = self.next_run(max(now, target))
            if self._stop.wait(max(0.0, (at - now) / 1000)):
                return
            target = start
