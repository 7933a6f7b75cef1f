"""docker-compose.yml is a valid Compose file that runs Neo4j 5 and the API safely.

No Docker engine runs in CI, so the file is checked the way ``docker compose
config`` would check it: variables are interpolated, then the result is validated
against the official Compose Specification JSON schema (the copy that the
``check-jsonschema`` package vendors and keeps up to date). On top of the schema,
a few rules that matter here are asserted: every port on 127.0.0.1, a Neo4j
healthcheck, and the API waiting for a healthy Neo4j. The broken files in
``tests/fixtures/compose_bad`` prove both checks can fail; each names what
rejects it in a ``# rejected by: schema`` or ``# rejected by: policy`` first line.
"""

from __future__ import annotations

import importlib.resources
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import yaml

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator

REPO = Path(__file__).resolve().parents[1]
COMPOSE_FILE = REPO / "docker-compose.yml"
BAD_DIR = REPO / "tests" / "fixtures" / "compose_bad"
BAD_FILES = sorted(BAD_DIR.glob("*.yml"))
LOOPBACK = "127.0.0.1"
# Enough to interpolate docker-compose.yml: the only variable without a default.
ENV = {"GRAPHFEED_API_SECRET": "0123456789abcdef" * 4}

_VARIABLE = re.compile(
    r"\$(?:(?P<escaped>\$)"
    r"|\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}"
    r"|(?P<named>[A-Za-z_][A-Za-z0-9_]*))"
)


class InterpolationError(ValueError):
    """A required variable (``${VAR:?message}``) is not set."""


def interpolate(value: Any, env: Mapping[str, str]) -> Any:
    """Resolves ``$VAR``, ``${VAR}``, ``${VAR:-default}``, ``${VAR:?err}`` and ``$$`` as Compose."""
    if isinstance(value, dict):
        return {k: interpolate(v, env) for k, v in value.items()}
    if isinstance(value, list):
        return [interpolate(v, env) for v in value]
    if not isinstance(value, str):
        return value

    def replace(m: re.Match[str]) -> str:
        if m["escaped"]:
            return "$"
        name = m["braced"] or m["named"]
        op, arg = m["op"], m["arg"] or ""
        is_set = name in env and (env[name] != "" or op is None or not op.startswith(":"))
        if is_set:
            return env[name]
        if op in (":-", "-"):
            return arg
        if op in (":?", "?"):
            raise InterpolationError(f"{name}: {arg}")
        return ""

    return _VARIABLE.sub(replace, value)


def load(path: Path, env: Mapping[str, str] = ENV) -> dict[str, Any]:
    with path.open(encoding="utf-8") as f:
        return interpolate(yaml.safe_load(f), env)


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    missing = None
    try:
        from jsonschema import Draft202012Validator

        vendor = importlib.resources.files("check_jsonschema.builtin_schemas.vendor")
    except ModuleNotFoundError as e:
        missing = e.name
    if missing:
        pytest.fail(
            f"{missing} is missing: the dev dependency check-jsonschema (which brings jsonschema) "
            "ships the Compose Specification schema; run `pip install -e '.[dev]'`",
            pytrace=False,
        )
    schema = json.loads(vendor.joinpath("compose-spec.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def schema_errors(validator: Draft202012Validator, doc: Any) -> list[str]:
    return sorted(
        f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}"
        for e in validator.iter_errors(doc)
    )


def published_ports(service: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """(host ip, host port, container port) for each published port; '' for what is not given."""
    result = []
    for port in service.get("ports", []):
        if isinstance(port, dict):
            result.append(
                (
                    str(port.get("host_ip", "")),
                    str(port.get("published", "")),
                    str(port.get("target", "")),
                )
            )
            continue
        parts = str(port).split("/")[0].rsplit(":", 2)
        parts = [""] * (3 - len(parts)) + parts
        result.append((parts[0].strip("[]"), parts[1], parts[2]))
    return result


def environment(service: Mapping[str, Any]) -> dict[str, str]:
    env = service.get("environment", {})
    if isinstance(env, list):
        return dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {k: "" if v is None else str(v) for k, v in env.items()}


def healthcheck_command(service: Mapping[str, Any]) -> str:
    check = service.get("healthcheck") or {}
    if check.get("disable"):
        return ""
    test = check.get("test", "")
    return " ".join(test) if isinstance(test, list) else str(test)


def policy_problems(doc: Mapping[str, Any]) -> list[str]:
    """The rules beyond the schema: loopback-only ports, a Neo4j healthcheck, a healthy start."""
    problems = []
    services = doc.get("services", {})
    for name, service in services.items():
        for ip, host, container in published_ports(service):
            if ip != LOOPBACK:
                problems.append(
                    f"{name}: port {container} is published on {ip or 'every interface'}, "
                    f"not {LOOPBACK} only"
                )
            if not host:
                problems.append(f"{name}: port {container} is published on a random host port")
    neo4j = services.get("neo4j")
    if neo4j is None:
        problems.append("no neo4j service")
    else:
        command = healthcheck_command(neo4j)
        if "cypher-shell" not in command or "RETURN 1" not in command:
            problems.append("neo4j: no healthcheck running `cypher-shell … 'RETURN 1'`")
    graphfeed = services.get("graphfeed")
    if graphfeed is None:
        problems.append("no graphfeed service")
    else:
        depends = graphfeed.get("depends_on", {})
        condition = depends.get("neo4j", {}).get("condition") if isinstance(depends, dict) else None
        if condition != "service_healthy":
            problems.append("graphfeed: does not depend on neo4j with condition service_healthy")
    return problems


# --- docker-compose.yml -------------------------------------------------------------------


def test_compose_file_matches_the_compose_specification(
    validator: Draft202012Validator,
) -> None:
    doc = load(COMPOSE_FILE)
    assert schema_errors(validator, doc) == []
    assert "version" not in doc, "the top-level `version` key is obsolete in Compose v2"


def test_compose_file_follows_the_policy() -> None:
    assert policy_problems(load(COMPOSE_FILE)) == []


def test_api_secret_must_be_given() -> None:
    with pytest.raises(InterpolationError, match="GRAPHFEED_API_SECRET"):
        load(COMPOSE_FILE, env={})


def test_neo4j_service() -> None:
    doc = load(COMPOSE_FILE)
    neo4j = doc["services"]["neo4j"]
    assert re.fullmatch(r"neo4j:5(\.\d+)*(-community)?", neo4j["image"]), neo4j["image"]
    assert sorted(published_ports(neo4j)) == [
        (LOOPBACK, "7474", "7474"),
        (LOOPBACK, "7687", "7687"),
    ]
    env = environment(neo4j)
    assert env["NEO4J_AUTH"] == "neo4j/graphfeed-local"  # the default for local use
    assert len(env["NEO4J_AUTH"].removeprefix("neo4j/")) >= 8  # Neo4j's minimum
    for key in (
        "NEO4J_server_memory_heap_initial__size",
        "NEO4J_server_memory_heap_max__size",
        "NEO4J_server_memory_pagecache_size",
    ):
        assert re.fullmatch(r"\d+[kKmMgG]", env[key]), (key, env[key])
    assert "neo4j-data:/data" in neo4j["volumes"]
    assert "neo4j-data" in doc["volumes"]
    assert "${NEO4J_AUTH#neo4j/}" in healthcheck_command(neo4j)  # after `$$` interpolation


def test_neo4j_settings_follow_the_password_variable() -> None:
    doc = load(COMPOSE_FILE, env={**ENV, "NEO4J_PASSWORD": "s3cret-pass", "NEO4J_HEAP": "4G"})
    neo4j, graphfeed = doc["services"]["neo4j"], doc["services"]["graphfeed"]
    assert environment(neo4j)["NEO4J_AUTH"] == "neo4j/s3cret-pass"
    assert environment(neo4j)["NEO4J_server_memory_heap_max__size"] == "4G"
    assert environment(graphfeed)["GRAPHFEED_NEO4J_PASSWORD"] == "s3cret-pass"


def test_graphfeed_service() -> None:
    doc = load(COMPOSE_FILE)
    graphfeed = doc["services"]["graphfeed"]
    assert "build" not in graphfeed, "no Dockerfile: the layout has no room for one"
    assert graphfeed["image"].startswith("python:3.11")
    assert published_ports(graphfeed) == [(LOOPBACK, "8000", "8000")]
    assert any(str(v).split(":")[:2] == [".", "/app"] for v in graphfeed["volumes"])
    command = " ".join(graphfeed["command"])
    assert "pip install" in command and "/app" in command
    assert "graphfeed serve --host 0.0.0.0 --port 8000" in command
    env = environment(graphfeed)
    assert env["GRAPHFEED_GRAPH_URI"] == "neo4j://neo4j:7687"
    assert env["GRAPHFEED_NEO4J_USER"] == "neo4j"
    assert env["GRAPHFEED_NEO4J_PASSWORD"] == "graphfeed-local"
    assert env["GRAPHFEED_API_SECRET"] == ENV["GRAPHFEED_API_SECRET"]


# --- broken files must be rejected -------------------------------------------------------


def test_broken_fixtures_exist() -> None:
    reasons = {path.read_text(encoding="utf-8").split("\n", 1)[0] for path in BAD_FILES}
    assert any(r.startswith("# rejected by: schema") for r in reasons)
    assert any(r.startswith("# rejected by: policy") for r in reasons)


@pytest.mark.parametrize("path", BAD_FILES, ids=lambda p: p.stem)
def test_broken_compose_file_is_rejected(validator: Draft202012Validator, path: Path) -> None:
    first_line = path.read_text(encoding="utf-8").split("\n", 1)[0]
    doc = load(path)
    errors = schema_errors(validator, doc)
    if first_line.startswith("# rejected by: schema"):
        assert errors, f"{path.name} passed the Compose schema but must not"
    elif first_line.startswith("# rejected by: policy"):
        assert errors == [], f"{path.name} should be valid Compose: {errors}"
        assert policy_problems(doc), f"{path.name} passed the policy but must not"
    else:
        pytest.fail(f"{path.name} must start with '# rejected by: schema' or '… policy'")
