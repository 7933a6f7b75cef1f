"""The engine core never imports the web layer: only engine.api and engine.cli may."""

from __future__ import annotations

import ast
from pathlib import Path

ENGINE = Path(__file__).resolve().parents[1] / "engine"
WEB = ("strawberry", "starlette", "uvicorn", "jwt", "prometheus_client", "click", "engine.api",
       "engine.cli")
OUTER = ("api", "cli")


def imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


def test_core_does_not_import_the_web_layer() -> None:
    offenders = {}
    for path in ENGINE.rglob("*.py"):
        if path.relative_to(ENGINE).parts[0] in OUTER:
            continue
        bad = {n for n in imported(path) if any(n == w or n.startswith(w + ".") for w in WEB)}
        if bad:
            offenders[str(path.relative_to(ENGINE))] = sorted(bad)
    assert not offenders, f"core modules importing the web layer: {offenders}"


def test_the_api_does_not_import_the_cli() -> None:
    for path in (ENGINE / "api").rglob("*.py"):
        assert not {n for n in imported(path) if n.startswith("engine.cli")}, path
