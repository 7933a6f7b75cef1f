"""Every query in cypher/ is valid Neo4j 5 Cypher, by Neo4j's own parser and semantic analysis.

The linter is the npm package ``@neo4j-cypher/language-support`` driven by
``tests/cypher_lint/lint.mjs`` (its policy is written at the top of that file).
All files, the project's and the fixtures', go through ONE node process.
FalkorDB-only siblings (``*.falkordb.cypher``) are not Neo4j Cypher and are skipped.

Fixtures: ``tests/fixtures/cypher_bad`` holds queries the check must reject, each
naming the message it expects in a ``// expect: …`` first line;
``tests/fixtures/cypher_good`` holds typical graphfeed queries that must pass.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CYPHER_DIR = REPO / "cypher"
LINT_DIR = REPO / "tests" / "cypher_lint"
LINT_SCRIPT = LINT_DIR / "lint.mjs"
LINTER_PACKAGE = LINT_DIR / "node_modules" / "@neo4j-cypher" / "language-support"
BAD_DIR = REPO / "tests" / "fixtures" / "cypher_bad"
GOOD_DIR = REPO / "tests" / "fixtures" / "cypher_good"
EXPECT_PREFIX = "// expect:"


def neo4j_cypher_files(root: Path) -> list[Path]:
    """The .cypher files under ``root`` that Neo4j must run: all but ``*.falkordb.cypher``."""
    if not root.is_dir():
        return []
    return sorted(
        p for p in root.rglob("*.cypher") if p.is_file() and not p.name.endswith(".falkordb.cypher")
    )


def _rel(path: Path) -> str:
    return path.relative_to(REPO).as_posix()


def _expected_message(path: Path) -> str:
    first_line = path.read_text(encoding="utf-8").splitlines()[0]
    assert first_line.startswith(EXPECT_PREFIX), (
        f"{_rel(path)} must start with '{EXPECT_PREFIX} <part of the expected message>'"
    )
    return first_line[len(EXPECT_PREFIX) :].strip()


PROJECT_FILES = neo4j_cypher_files(CYPHER_DIR)
GOOD_FILES = neo4j_cypher_files(GOOD_DIR)
BAD_FILES = neo4j_cypher_files(BAD_DIR)


@pytest.fixture(scope="module")
def lint_report() -> dict:
    """Lints the project's queries and both fixture sets in one node invocation."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not on PATH: install Node.js >= 20 to lint the Cypher queries")
    if not LINTER_PACKAGE.is_dir():
        pytest.fail(
            "the Cypher linter is not installed: run `npm ci --prefix tests/cypher_lint`",
            pytrace=False,
        )
    files = PROJECT_FILES + GOOD_FILES + BAD_FILES
    proc = subprocess.run(
        [node, str(LINT_SCRIPT), *(_rel(p) for p in files)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if proc.returncode not in (0, 1):
        pytest.fail(f"lint.mjs crashed (exit {proc.returncode}):\n{proc.stderr}", pytrace=False)
    report = json.loads(proc.stdout)
    assert report["checked"] == len(files), proc.stderr
    assert report["cypherVersion"] == "CYPHER 5"
    return report


def _format(report: dict, paths: list[str]) -> str:
    lines = []
    for path in paths:
        for p in report["files"][path]:
            lines.append(f"{path}:{p['line']}:{p['column']}: {p['severity']}: {p['message']}")
    return "\n".join(lines)


def test_project_queries_are_valid_neo4j_5_cypher(lint_report: dict) -> None:
    # cypher/ may still be empty: the fixture tests below prove the check itself works.
    failing = [_rel(p) for p in PROJECT_FILES if lint_report["files"][_rel(p)]]
    if failing:
        pytest.fail(
            f"{len(failing)} of {len(PROJECT_FILES)} Cypher files are not valid Neo4j 5 Cypher "
            f"({lint_report['linter']}):\n" + _format(lint_report, failing),
            pytrace=False,
        )


@pytest.mark.parametrize("path", BAD_FILES, ids=lambda p: p.stem)
def test_known_bad_query_is_flagged(lint_report: dict, path: Path) -> None:
    expected = _expected_message(path)
    problems = lint_report["files"][_rel(path)]
    assert problems, f"{_rel(path)} passed the linter but must not"
    messages = [p["message"] for p in problems]
    assert any(expected in m for m in messages), (
        f"{_rel(path)}: no problem mentions {expected!r}; got {messages}"
    )


@pytest.mark.parametrize("path", GOOD_FILES, ids=lambda p: p.name.removesuffix(".cypher"))
def test_typical_query_is_clean(lint_report: dict, path: Path) -> None:
    rel = _rel(path)
    assert not lint_report["files"][rel], _format(lint_report, [rel])


def test_fixture_sets_are_there() -> None:
    assert len(BAD_FILES) >= 10
    assert len(GOOD_FILES) >= 5


def test_falkordb_siblings_are_not_linted() -> None:
    names = {p.name for p in GOOD_FILES}
    assert (GOOD_DIR / "similar_posts.falkordb.cypher").is_file()
    assert "similar_posts.falkordb.cypher" not in names
    assert "similar_posts.neo4j.cypher" in names
    assert neo4j_cypher_files(REPO / "does-not-exist") == []
