"""The store's own compact-reply converter gives exactly what the falkordb client gave.

Every query here runs twice on the same graph: through ``FalkorDBStore.execute``
(the converter in ``engine/store/falkordb_reply.py``) and through the client's
``Graph.query``/``ro_query`` followed by the plain-value rules the store applied
before. Values are compared with their types, so ``1`` never passes for ``1.0``
or ``True``.
"""

from __future__ import annotations

import math
from typing import Any

import pytest

from engine.errors import StoreError
from engine.store import GraphStore
from engine.store.falkordb_params import params_header
from engine.store.falkordb_reply import plain


def _client_rows(store: Any, text: str, params: dict[str, Any], *, write: bool) -> list[dict]:
    query = params_header(params) + text
    result = store.graph.query(query) if write else store.graph.ro_query(query)
    names = [column[1] for column in result.header]
    return [dict(zip(names, (plain(v) for v in row), strict=True)) for row in result.result_set]


def _typed(value: Any) -> Any:
    """The value with every scalar tagged by its type (and NaN made comparable)."""
    if isinstance(value, dict):
        return ("map", [(k, _typed(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ("list", [_typed(v) for v in value])
    if isinstance(value, float) and math.isnan(value):
        return ("float", "nan")
    return (type(value).__name__, value)


def same(store: GraphStore, text: str, params: dict[str, Any] | None = None, *,
         write: bool = False) -> list[dict]:
    ours = store.execute(text, params or {}, write=write)
    theirs = _client_rows(store, text, params or {}, write=write)  # writes here are idempotent
    assert [_typed(r) for r in ours] == [_typed(r) for r in theirs]
    return ours


AWKWARD_STRINGS = ['say "hi"', "back\\slash", "ends with \\", "new\nline", "tab\t", "", " ",
                   "émoji 🎉", "日本語", "\u2028", "true", "false", "null", "1",
                   "1.5", "[1, 2]", "{a: 1}", "CYPHER x=1", "100%s %d"]
NUMBERS = [0, 1, -1, 2**31, -(2**31), 2**53 + 1, 2**63 - 1, -(2**63), 0.0, -0.0, 1.5, -2.25,
           1e-300, 1e300, 5e-324, 0.1, 1 / 3, 123456789.125]


def test_scalars_of_every_kind(store: GraphStore) -> None:
    rows = same(store, "RETURN $s AS s, $n AS n, $b AS b, $f AS f, null AS z, $x AS x",
                {"s": "text", "n": 42, "b": True, "f": 2.5, "x": False})
    assert rows == [{"s": "text", "n": 42, "b": True, "f": 2.5, "z": None, "x": False}]


@pytest.mark.parametrize("value", AWKWARD_STRINGS)
def test_awkward_strings(store: GraphStore, value: str) -> None:
    assert same(store, "RETURN $v AS v, [$v] AS l, {k: $v} AS m", {"v": value}) == \
        [{"v": value, "l": [value], "m": {"k": value}}]


def test_numbers_at_their_limits(store: GraphStore) -> None:
    rows = same(store, "UNWIND $ns AS n RETURN n, [n] AS l, {n: n} AS m", {"ns": NUMBERS})
    # Integers come back exactly; FalkorDB prints doubles with 15 significant digits.
    assert [r["n"] for r in rows if type(r["n"]) is int] == \
        [n for n in NUMBERS if type(n) is int]


def test_computed_doubles_nan_and_infinity(store: GraphStore) -> None:
    same(store, "RETURN 0.0 / 0.0 AS nan, 1.0 / 0.0 AS inf, -1.0 / 0.0 AS ninf, "
                "sqrt(2.0) AS root, 7 / 2 AS int_div, 7 / 2.0 AS div, toFloat(3) AS three")


def test_nested_lists_and_maps(store: GraphStore) -> None:
    rows = same(store, "RETURN [] AS empty, {} AS nothing, [[1, [2, [3, []]]], null, 'x'] AS deep,"
                       " {a: {b: {c: [1, {d: null}]}}, e: [true, false]} AS tree,"
                       " [x IN range(1, 300) | {i: x, s: toString(x)}] AS many,"
                       " {`weird key`: 1, `ключ`: 2, `true`: 3} AS keys")
    assert rows[0]["tree"] == {"a": {"b": {"c": [1, {"d": None}]}}, "e": [True, False]}
    assert list(rows[0]["keys"]) == ["weird key", "ключ", "true"]


def test_maps_keep_their_key_order(store: GraphStore) -> None:
    rows = same(store, "RETURN {z: 1, a: 2, m: 3} AS m")
    assert list(rows[0]["m"]) == ["z", "a", "m"]


def test_nodes_edges_and_paths(store: GraphStore) -> None:
    store.execute("CREATE (:User {id: 'a', name: 'Ana', score: 1.5, tags: ['x', 'y'], ok: true})"
                  "-[:FOLLOWS {since: 7, w: 0.5}]->(:User {id: 'b'})", {}, write=True)
    rows = same(store, "MATCH p = (a:User {id: 'a'})-[f:FOLLOWS]->(b) "
                       "RETURN a, f, b, p, [a, b] AS both, {who: a} AS wrapped, "
                       "properties(a) AS props, labels(a) AS labels, type(f) AS t")
    assert rows[0]["a"] == {"id": "a", "name": "Ana", "score": 1.5, "tags": ["x", "y"],
                            "ok": True}
    assert rows[0]["f"] == {"since": 7, "w": 0.5}
    assert rows[0]["p"] == [rows[0]["a"], {"id": "b"}]


def test_points_vectors_and_temporal_values(store: GraphStore) -> None:
    same(store, "RETURN point({latitude: 32.5, longitude: -1.25}) AS pt, "
                "vecf32([0.5, -1.0, 3.25]) AS v, [vecf32([1.0])] AS vs")
    try:
        store.execute("RETURN localdatetime() AS t", {}, write=False)
    except StoreError:
        return  # this FalkorDB has no temporal values to convert
    same(store, "RETURN localdatetime({year: 2024, month: 2, day: 29, hour: 1}) AS dt, "
                "date({year: 2024, month: 2, day: 29}) AS d")


def test_many_rows_and_columns(store: GraphStore) -> None:
    rows = same(store, "UNWIND range(1, 2000) AS i RETURN i, toString(i) AS s, i / 7.0 AS f, "
                       "CASE WHEN i % 3 = 0 THEN null ELSE [i] END AS l, i % 2 = 0 AS even")
    assert len(rows) == 2000


def test_no_rows_and_writes_without_return(store: GraphStore) -> None:
    assert same(store, "MATCH (n:Nothing) RETURN n") == []
    assert store.execute("CREATE (:Tag {name: 'w'})", {}, write=True) == []
    assert same(store, "MATCH (t:Tag {name: 'w'}) SET t.n = 1 RETURN t.name AS name, t.n AS n",
                write=True) == [{"name": "w", "n": 1}]


def test_query_errors_are_store_errors(store: GraphStore) -> None:
    with pytest.raises(StoreError):
        store.execute("RETURN 1 +", {}, write=False)  # parse error
    with pytest.raises(StoreError):  # run-time error after the header is sent
        store.execute("UNWIND [1, 0] AS x RETURN 1 / x AS y, toInteger('a') + [] AS z",
                      {}, write=False)
    with pytest.raises(StoreError):
        store.execute("CREATE (:Tag {name: 'x'})", {}, write=False)  # a write on RO_QUERY
