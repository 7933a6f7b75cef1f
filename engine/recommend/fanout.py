"""Run one request's independent reads at the same time.

A feed or a suggestion list asks a handful of queries that do not depend on each
other (the candidate sources, the user's profile parts). Sent one after the
other, their round trips and server times add up; sent together, the database
runs them on its reader threads (FalkorDB: one per core) while this process
parses the answers that are already in.

The pool is shared by the process and bounded, so a burst of requests queues
here instead of opening unbounded connections. A call made from inside a pool
thread (a source that fans out itself) runs its parts inline: a bounded pool
whose workers wait for work queued behind them would deadlock. So does a request
that finds more than ``BUSY`` gathers running: the database is busy then, and
parallel reads would only add thread hand-offs. An ``urgent`` gather fans out even
then (follow suggestions: short requests first keep them from queueing behind feeds).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

WORKERS = 16  # 1 runs every call in sequence (benchmarks compare the two)
# Fan out only while at most this many gathers run at once (this one included). Under load the
# database's reader threads are busy anyway and parallel reads only add thread hand-offs:
# at 8 concurrent API clients, reads in sequence gave 84.5 instead of 80.4 requests/s and
# 6.8 instead of 8.3 ms of server CPU per request (benchmarks/api.py); alone, a request
# still sends its reads together.
BUSY = max(2, os.cpu_count() or 1)

_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()
_local = threading.local()
_running = 0  # gathers running right now, in any thread


def _executor() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="graphfeed-read",
                                       initializer=_mark_worker)
        return _pool


def _mark_worker() -> None:
    _local.worker = True


def busy() -> bool:
    """Whether a gather started now would run its calls in sequence: for callers that split
    one read into parts only so the parts can run at once (a split is one more query)."""
    return _running >= BUSY


def gather(calls: Sequence[Callable[[], Any]], *, urgent: bool = False) -> list[Any]:
    """The results of ``calls`` in order, run concurrently; the first error is raised
    after every call has finished (none is left running against the store). ``urgent``:
    fan out even when the process is busy (it still counts towards busy for others)."""
    global _running
    if len(calls) <= 1 or WORKERS <= 1 or getattr(_local, "worker", False):
        return [call() for call in calls]
    with _pool_lock:
        _running += 1
        busy = _running > BUSY and not urgent
    try:
        # Every gather running counts, fanned out or not: fanning out only the requests
        # that happen to find a free slot made the others' latency the p99 (feed p99 221
        # instead of 176 ms at 8 clients).
        return [call() for call in calls] if busy else _fan_out(calls)
    finally:
        with _pool_lock:
            _running -= 1


def _fan_out(calls: Sequence[Callable[[], Any]]) -> list[Any]:
    pool = _executor()
    # The caller runs the first call itself instead of idling while it waits.
    futures: list[Future[Any]] = [pool.submit(call) for call in calls[1:]]
    results: list[Any] = []
    error: BaseException | None = None
    try:
        results.append(calls[0]())
    except BaseException as e:  # noqa: BLE001 - re-raised below, after the others finish
        error = e
        results.append(None)
    for future in futures:
        try:
            results.append(future.result())
        except BaseException as e:  # noqa: BLE001 - same
            error = error or e
            results.append(None)
    if error is not None:
        raise error
    return results
