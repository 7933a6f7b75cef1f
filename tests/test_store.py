"""The store contract: every backend that is reachable must pass the same suite."""

from __future__ import annotations

import datetime as dt
import math
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from engine.errors import StoreError, ValidationError
from engine.store import GraphStore


def count(store: GraphStore, label: str) -> int:
    # Admin-style raw text: the label comes from this test's own allow-list.
    assert label in {"User", "Post", "Tag"}
    return store.execute(f"MATCH (n:{label}) RETURN count(n) AS n", {}, write=False)[0]["n"]


def test_write_then_read_round_trip(any_store: GraphStore) -> None:
    any_store.write("ingest/upsert_users", rows=[{"id": "ana", "name": "Ana", "created_at": 5}],
                    now=1)
    rows = any_store.execute("MATCH (u:User {id: $id}) RETURN u.name AS name, u.created_at AS c",
                             {"id": "ana"}, write=False)
    assert rows == [{"name": "Ana", "c": 5}]


def test_upsert_is_idempotent(any_store: GraphStore) -> None:
    for _ in range(3):
        any_store.write("ingest/upsert_users", rows=[{"id": "u1", "name": None}], now=1)
    assert count(any_store, "User") == 1


def test_schema_is_idempotent(any_store: GraphStore) -> None:
    assert any_store.apply_schema() == []  # open_store applied it already


def test_unique_constraint_holds_under_concurrent_writers(any_store: GraphStore) -> None:
    ids = [f"user:{i}" for i in range(50)]

    def writer(seed: int) -> None:
        order = np.random.default_rng(seed).permutation(ids).tolist()
        for chunk in range(0, len(order), 10):
            rows = [{"id": i, "name": None} for i in order[chunk:chunk + 10]]
            any_store.write("ingest/upsert_users", rows=rows, now=1)

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(writer, range(8)))
    assert count(any_store, "User") == len(ids)


def test_unique_constraint_rejects_a_duplicate_create(any_store: GraphStore) -> None:
    any_store.execute("CREATE (:User {id: 'dup'})", {}, write=True)
    with pytest.raises(StoreError):
        any_store.execute("CREATE (:User {id: 'dup'})", {}, write=True)
    assert count(any_store, "User") == 1


def test_a_failing_statement_changes_nothing(any_store: GraphStore) -> None:
    with pytest.raises(StoreError):
        any_store.execute(
            "UNWIND [1, 2, 0] AS x CREATE (:Tag {name: 'n' + toString(x), v: 10 / x})",
            {}, write=True)
    assert count(any_store, "Tag") == 0


def test_parameters_are_normalised_at_the_boundary(any_store: GraphStore) -> None:
    when = dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    rows = any_store.execute(
        "RETURN $t AS t, $i AS i, $f AS f, $a AS a, $s AS s, $b AS b, $m AS m",
        {"t": when, "i": np.int64(7), "f": np.float32(0.5), "a": np.array([1, 2]),
         "s": {"x"}, "b": True, "m": {"k": [1, "two"]}}, write=False)
    assert rows == [{"t": int(when.timestamp() * 1000), "i": 7, "f": 0.5, "a": [1, 2],
                     "s": ["x"], "b": True, "m": {"k": [1, "two"]}}]


AWKWARD = ['say "hi"', "back\\slash", "ends with \\", 'a \\" pair', "new\nline", "tab\t",
           "it's", "", "émoji 🎉", "{`x`: 1}", "$x", "CYPHER y=1", "100%s %d"]


def test_awkward_strings_round_trip(any_store: GraphStore) -> None:
    # Batch rows share their keys: the FalkorDB encoder formats them column-wise.
    rows = [{"s": s, "n": i, "f": i / 4, "b": i % 2 == 0, "none": None, "odd%key": [i]}
            for i, s in enumerate(AWKWARD)]
    got = any_store.execute("RETURN $strings AS strings, $rows AS rows, $nested AS nested",
                            {"strings": AWKWARD, "rows": rows,
                             "nested": {"deep": [{"s": AWKWARD[0]}, [AWKWARD[1]]]}},
                            write=False)
    assert got == [{"strings": AWKWARD, "rows": rows,
                    "nested": {"deep": [{"s": AWKWARD[0]}, [AWKWARD[1]]]}}]


@pytest.mark.parametrize("bad", [math.nan, math.inf, b"bytes", 2**70, object()])
def test_unstorable_parameters_are_refused(any_store: GraphStore, bad: object) -> None:
    with pytest.raises(ValidationError):
        any_store.execute("RETURN $x AS x", {"x": bad}, write=False)


def test_reading_an_empty_graph_gives_no_rows(any_store: GraphStore) -> None:
    assert any_store.read("ingest/find_missing_users", ids=[]) == []


def test_falkordb_refuses_map_keys_it_cannot_parse(store: GraphStore) -> None:
    # FalkorDB reads parameters from the query text; a backtick in a key has no escape.
    with pytest.raises(ValidationError):
        store.execute("RETURN $m AS m", {"m": {"a`b": 1}}, write=False)


# -- FalkorDB: the store keeps the connections it borrows between queries ------------------
def test_falkordb_threads_never_share_a_connection(store: GraphStore) -> None:
    def asker(seed: int) -> list[tuple[int, int]]:
        answers = []
        for i in range(seed * 1000, seed * 1000 + 100):
            rows = store.execute("RETURN $i AS i, $s AS s", {"i": i, "s": str(i)}, write=False)
            answers.append((i, rows[0]["i"]) if rows[0]["s"] == str(i) else (i, -1))
        return answers

    with ThreadPoolExecutor(max_workers=8) as pool:
        for answers in pool.map(asker, range(8)):
            assert all(asked == got for asked, got in answers)
    # No more connections kept than threads asked at once (8 workers, then this one).
    assert 1 <= len(store._idle) <= 9  # type: ignore[attr-defined]


def test_falkordb_connection_is_ready_after_an_error_reply(store: GraphStore) -> None:
    for _ in range(3):
        with pytest.raises(StoreError):
            store.execute("RETURN 1 +", {}, write=False)
        assert store.execute("RETURN 2 AS two", {}, write=False) == [{"two": 2}]
    assert len(store._idle) == 1  # type: ignore[attr-defined]  # one thread: one connection


def test_falkordb_reconnects_when_the_server_drops_a_kept_connection(store: GraphStore) -> None:
    store.execute("RETURN 1 AS one", {}, write=False)
    kept = store._idle[0]  # type: ignore[attr-defined]
    kept.send_command("CLIENT", "ID")
    client_id = kept.read_response()
    store.db.connection.execute_command("CLIENT", "KILL", "ID", client_id)  # type: ignore[attr-defined]
    assert store.execute("RETURN 3 AS three", {}, write=False) == [{"three": 3}]
    assert store.execute("RETURN 4 AS four", {}, write=False) == [{"four": 4}]
