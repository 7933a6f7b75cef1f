"""Development mode in-process: open access, introspection, GraphiQL served locally, CORS."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from api_server import api_settings, run_in_thread

from engine.api.app import create_app
from engine.api.graphiql import ASSETS_ROUTE, cdn_files
from engine.settings import Settings
from engine.store import open_store

ORIGIN = "https://app.example"


@pytest.fixture(scope="module")
def dev(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    assets = tmp_path_factory.mktemp("graphiql")
    for name, version, path in cdn_files():  # stand-ins: the real ones come from npm
        target = assets / f"{name}@{version}" / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(f"/* {name} */")
    store = open_store(settings, graph=f"test_dev_{uuid.uuid4().hex[:10]}")
    api = api_settings(mode="development", secret=None, cors_origins=[ORIGIN],
                       graphiql_assets=assets)
    running = run_in_thread(create_app(settings, api, store=store))
    try:
        yield running.base
    finally:
        running.stop()
        store.delete_graph()  # type: ignore[attr-defined]
        store.db.connection.close()  # type: ignore[attr-defined]


def test_open_access_and_introspection(dev: str) -> None:
    response = httpx.post(f"{dev}/graphql", json={"query": "{ __schema { queryType { name } } }"})
    assert response.json() == {"data": {"__schema": {"queryType": {"name": "Query"}}}}


def test_an_empty_graph_stays_empty_when_demo_users_is_zero(dev: str) -> None:
    response = httpx.post(f"{dev}/graphql", json={"query": '{ user(id: "u0") { id } }'})
    assert response.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"


def test_graphiql_is_served_from_local_assets(dev: str) -> None:
    page = httpx.get(f"{dev}/graphql", headers={"accept": "text/html"})
    assert page.status_code == 200
    assert "https://" not in page.text.split("<body>")[0].replace("http://www.w3.org", "")
    name, version, path = cdn_files()[0]
    local = f"{ASSETS_ROUTE}{name}@{version}/{path}"
    assert local in page.text
    script = httpx.get(f"{dev}{local}")
    assert script.status_code == 200 and script.text == f"/* {name} */"


def test_cors_preflight_and_exposed_request_id(dev: str) -> None:
    preflight = httpx.options(f"{dev}/graphql", headers={
        "origin": ORIGIN, "access-control-request-method": "POST",
        "access-control-request-headers": "authorization, content-type"})
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == ORIGIN
    response = httpx.post(f"{dev}/graphql", json={"query": "{ __typename }"},
                          headers={"origin": ORIGIN})
    assert response.headers["access-control-allow-origin"] == ORIGIN
    assert "x-request-id" in response.headers["access-control-expose-headers"]
    other = httpx.options(f"{dev}/graphql", headers={
        "origin": "https://evil.example", "access-control-request-method": "POST"})
    assert other.status_code == 400


def test_local_assets_are_pinned_to_the_page(tmp_path: Path) -> None:
    from engine.api.graphiql import assets_complete, graphiql_html

    assert not assets_complete(tmp_path)
    assert "graphfeed graphiql-assets" in graphiql_html(tmp_path)
