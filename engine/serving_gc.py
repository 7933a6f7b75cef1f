"""The garbage collector's settings for a long-running server process.

Two measured costs, on the 100k-user world:
- Everything made at start (modules, schema, models, caches) lives as long as the
  process. ``gc.freeze()`` moves it out of the collector's sight; before that, each full
  collection paused ~110 ms to rescan it: the whole p99 tail.
- A feed holds a few thousand young objects at once (rows, candidates), so at CPython's
  default thresholds (700, 10, 10) the young generation was collected ~7 times per feed
  and a full collection ran every ~17 feeds, pausing every thread for up to 13 ms:
  0.7 ms of CPU per feed (400 sequential feeds, in-process). Requests free what they make
  by reference counting, so collecting less often only lets the rare cycles wait longer.
"""

from __future__ import annotations

import gc

SERVING_THRESHOLDS = (20_000, 20, 20)


def settle() -> tuple[int, int, int]:
    """Freeze what exists now and collect at the serving thresholds; returns the previous
    thresholds (``gc.set_threshold(*previous)`` restores them)."""
    previous = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(*SERVING_THRESHOLDS)
    return previous
