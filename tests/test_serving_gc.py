"""The server's collector settings: applied by settle(), and restorable from what it returns."""

from __future__ import annotations

import gc

from engine import serving_gc


def test_settle_freezes_and_raises_thresholds_and_returns_the_previous_ones() -> None:
    before = gc.get_threshold()
    try:
        gc.set_threshold(700, 10, 10)
        previous = serving_gc.settle()
        assert previous == (700, 10, 10)
        assert gc.get_threshold() == serving_gc.SERVING_THRESHOLDS
        assert gc.get_freeze_count() > 0  # what existed is out of the collector's sight
        # Young collections are rarer than CPython's default, full ones no more frequent.
        young, middle, old = serving_gc.SERVING_THRESHOLDS
        assert young > 700 and middle >= 10 and old >= 10
    finally:
        gc.set_threshold(*before)
