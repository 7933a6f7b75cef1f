"""Cypher by name: every query is a file ``cypher/<area>/<verb>_<noun>.cypher``.

Where Neo4j and FalkorDB truly differ, a sibling ``<name>.neo4j.cypher`` or
``<name>.falkordb.cypher`` replaces the shared file for that dialect. Files
are read once and kept.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from engine.errors import QueryNotFound

NAME_RE = re.compile(r"^[a-z][a-z0-9_]*/[a-z][a-z0-9_]*$")
DIALECTS = ("neo4j", "falkordb")


def default_cypher_dir() -> Path:
    """The installed copy (wheel) or the repository's ``cypher/`` (editable install)."""
    here = Path(__file__).resolve().parents[1]
    installed = here / "_cypher"
    return installed if installed.is_dir() else here.parent / "cypher"


class QueryLibrary:
    """Loads named Cypher files once and picks the dialect sibling."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = root or default_cypher_dir()
        self._cache: dict[tuple[str, str], str] = {}

    def text(self, name: str, dialect: str) -> str:
        key = (name, dialect)
        if key not in self._cache:
            self._cache[key] = self._load(name, dialect)
        return self._cache[key]

    def _load(self, name: str, dialect: str) -> str:
        if not NAME_RE.match(name):
            raise QueryNotFound(f"bad query name {name!r}: expected 'area/verb_noun'")
        for candidate in (self.root / f"{name}.{dialect}.cypher", self.root / f"{name}.cypher"):
            if candidate.is_file():
                text = candidate.read_text(encoding="utf-8").strip()
                return text.removesuffix(";").strip()
        raise QueryNotFound(f"no Cypher file for query {name!r} under {self.root}")

    def names(self) -> set[str]:
        """Every query name that has a file (for the both-ways test)."""
        out = set()
        for path in self.root.rglob("*.cypher"):
            rel = path.relative_to(self.root).as_posix().removesuffix(".cypher")
            for dialect in DIALECTS:
                rel = rel.removesuffix(f".{dialect}")
            out.add(rel)
        return out


@cache
def default_library() -> QueryLibrary:
    return QueryLibrary()
