"""Parameter conversion at the store boundary.

The FalkorDB client rejects datetimes, numpy values, sets and bytes with
misleading parser errors and silently clamps integers beyond int64, so every
value is normalised here, for both backends alike: times become epoch
milliseconds, numpy values become Python ones, NaN/inf and bytes are refused.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from engine.errors import ValidationError

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


def epoch_ms(value: dt.datetime) -> int:
    """Epoch milliseconds; naive datetimes are taken as UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return int(value.timestamp() * 1000)


def to_param(value: Any, path: str = "$") -> Any:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        as_int = int(value)
        if not INT64_MIN <= as_int <= INT64_MAX:
            raise ValidationError(f"{path}: integer {as_int} does not fit in 64 bits", field=path)
        return as_int
    if isinstance(value, float | np.floating):
        as_float = float(value)
        if not math.isfinite(as_float):
            raise ValidationError(f"{path}: {as_float} is not a finite number", field=path)
        return as_float
    if isinstance(value, dt.datetime):
        return epoch_ms(value)
    if isinstance(value, dt.date):
        return epoch_ms(dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC))
    if isinstance(value, enum.Enum):
        return to_param(value.value, path)
    if isinstance(value, np.ndarray):
        return [to_param(v, f"{path}[{i}]") for i, v in enumerate(value.tolist())]
    # Batches are lists of maps of plain values: those pass through without
    # formatting a path for each (the path is only needed for an error).
    if isinstance(value, Mapping):
        return {str(k): v if _plain(v) else to_param(v, f"{path}.{k}") for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [v if _plain(v) else to_param(v, f"{path}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, set | frozenset):
        return [to_param(v, f"{path}[]") for v in sorted(value, key=repr)]
    raise ValidationError(
        f"{path}: values of type {type(value).__name__} cannot be stored in the graph",
        field=path,
    )


def _plain(value: Any) -> bool:
    """A value that converts to itself (exact types: subclasses such as bool or enums do not)."""
    kind = type(value)
    if kind is str or value is None:
        return True
    if kind is int:
        return INT64_MIN <= value <= INT64_MAX
    if kind is float:
        return math.isfinite(value)
    return False


def to_params(params: Mapping[str, Any]) -> dict[str, Any]:
    return {str(k): to_param(v, f"${k}") for k, v in params.items()}
