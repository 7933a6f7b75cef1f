"""FalkorDB's compact replies as plain rows, without the client's result parser.

A reply to ``GRAPH.QUERY … --compact`` is ``[header, records, stats]``; every
cell is a ``[type, value]`` pair. The falkordb client turns each cell into a
Python value through a function table, then the store walked the result again
to turn maps, nodes and paths into plain dicts and lists: two or three calls per
cell, ~6 us of CPU per 4-column row on top of the ~3 us hiredis takes to read
it. Here the common cells (strings, integers, floats, booleans, null, lists, maps) are
converted in one pass (~2.5 us per such row); the rare ones (nodes, edges,
paths, points, vectors, temporal values) go through the client's own parser and
the same plain-value rules as before, so every reply converts to exactly what it
did through the client (``tests/test_falkordb_reply.py`` compares the two).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from falkordb import Edge, Node, Path
from falkordb.graph import Graph
from falkordb.query_result import parse_scalar
from redis import ResponseError

# FalkorDB's value types in compact replies (falkordb.query_result.ResultSetScalarTypes).
_NULL, _STRING, _INTEGER, _BOOLEAN, _DOUBLE, _ARRAY = 1, 2, 3, 4, 5, 6
_MAP = 10


def rows(reply: list[Any], graph: Graph) -> list[dict[str, Any]]:
    """The records of a compact reply as dicts by column name; a query error is raised
    (as the client raises it: a ``redis.ResponseError``)."""
    if reply and isinstance(reply[0], ResponseError):
        raise reply[0]
    if reply and isinstance(reply[-1], ResponseError):  # a run-time error after the header
        raise reply[-1]
    if len(reply) < 3:  # statistics only: a write without RETURN
        return []
    names = [column[1] for column in reply[0]]
    out = []
    for record in reply[1]:
        row: dict[str, Any] = {}
        for name, (kind, value) in zip(names, record, strict=True):
            # The common types inline (booleans and lists of strings too: a feed's
            # candidate rows are full of them): a call per cell is most of the cost.
            if kind == _STRING:
                row[name] = value if type(value) is str else _string(value)
            elif kind == _INTEGER:
                row[name] = value if type(value) is int else int(value)
            elif kind == _BOOLEAN and type(value) is str:
                row[name] = value == "true"
            elif kind == _ARRAY:
                row[name] = [v if k == _STRING and type(v) is str else _value(k, v, graph)
                             for k, v in value]
            elif kind == _DOUBLE:
                row[name] = float(value)
            elif kind == _NULL:
                row[name] = None
            else:
                row[name] = _value(kind, value, graph)
        out.append(row)
    return out


def _value(kind: int, value: Any, graph: Graph) -> Any:
    if kind == _STRING:
        return value if type(value) is str else _string(value)
    if kind == _INTEGER:
        return value if type(value) is int else int(value)
    if kind == _DOUBLE:
        return float(value)
    if kind == _NULL:
        return None
    if kind == _ARRAY:
        return [_value(k, v, graph) for k, v in value]
    if kind == _MAP:
        it = iter(value)
        return {_string(key): _value(cell[0], cell[1], graph)
                for key, cell in zip(it, it, strict=True)}
    if kind == _BOOLEAN:
        return (value.decode() if isinstance(value, bytes) else value) == "true"
    return plain(parse_scalar([kind, value], graph))


def _string(value: Any) -> str:
    if isinstance(value, bytes):
        return value.decode()
    return value if isinstance(value, str) else str(value)


_SCALARS = frozenset({str, int, float, bool})


def plain(value: Any) -> Any:
    """A value parsed by the falkordb client as plain Python: maps, lists and scalars
    (a node or an edge becomes the map of its properties, a path the list of its nodes)."""
    if value is None or type(value) in _SCALARS:  # most values: skip the isinstance chain
        return value
    if isinstance(value, Node | Edge):
        return {k: plain(v) for k, v in value.properties.items()}
    if isinstance(value, Path):
        return [plain(n) for n in value.nodes()]
    if isinstance(value, Mapping):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value
