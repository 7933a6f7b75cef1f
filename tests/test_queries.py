"""Cypher by name, checked both ways: every name the code asks for has a file,
and every file is asked for by some code."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from engine.errors import QueryNotFound
from engine.store.queries import NAME_RE, QueryLibrary, default_cypher_dir

ENGINE = Path(__file__).resolve().parents[1] / "engine"
QUERY_CALLS = {"read", "write", "read_async", "write_async", "IndexSpec"}


def names_in_code() -> dict[str, list[str]]:
    """Query names passed as the first argument of store.read/write (or IndexSpec)."""
    found: dict[str, list[str]] = {}
    for path in ENGINE.rglob("*.py"):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            first = node.args[0]
            is_name = isinstance(first, ast.Constant) and isinstance(first.value, str)
            if called in QUERY_CALLS and is_name:
                found.setdefault(first.value, []).append(f"{path.name}:{node.lineno}")
    return found


def test_every_name_in_code_has_a_file() -> None:
    library = QueryLibrary()
    used = names_in_code()
    assert used, "the scan found no query names: the scan itself is broken"
    missing = {n: where for n, where in used.items() if n not in library.names()}
    assert not missing, f"query names with no cypher file: {missing}"


def test_every_file_is_used() -> None:
    unused = QueryLibrary().names() - set(names_in_code())
    assert not unused, f"cypher files no code asks for: {sorted(unused)}"


def test_every_file_is_one_well_named_statement() -> None:
    root = default_cypher_dir()
    for path in root.rglob("*.cypher"):
        rel = path.relative_to(root).as_posix()
        stem = rel.removesuffix(".cypher").removesuffix(".neo4j").removesuffix(".falkordb")
        assert NAME_RE.match(stem), f"{rel}: expected cypher/<area>/<verb>_<noun>.cypher"
        lines = [ln for ln in path.read_text().splitlines() if not ln.strip().startswith("//")]
        text = "\n".join(lines).strip().removesuffix(";")
        assert ";" not in text, f"{rel}: one statement per file"
        assert text, f"{rel} is empty"


def test_dialect_sibling_wins(tmp_path: Path) -> None:
    (tmp_path / "area").mkdir()
    (tmp_path / "area/get_thing.cypher").write_text("RETURN 1 AS x")
    (tmp_path / "area/get_thing.neo4j.cypher").write_text("RETURN 2 AS x;")
    lib = QueryLibrary(tmp_path)
    assert lib.text("area/get_thing", "neo4j") == "RETURN 2 AS x"
    assert lib.text("area/get_thing", "falkordb") == "RETURN 1 AS x"
    assert lib.names() == {"area/get_thing"}


@pytest.mark.parametrize("name", ["nope/missing_query", "../etc/passwd", "NoSlash", "a/b/c"])
def test_unknown_or_malformed_names_fail_clearly(name: str) -> None:
    with pytest.raises(QueryNotFound):
        QueryLibrary().text(name, "falkordb")
