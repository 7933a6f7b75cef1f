"""Epoch milliseconds (the graph) <-> timezone-aware datetimes (the schema's DateTime)."""

from __future__ import annotations

import datetime as dt


def from_ms(ms: int | float | None) -> dt.datetime | None:
    if ms is None:
        return None
    return dt.datetime.fromtimestamp(int(ms) / 1000, tz=dt.UTC)
