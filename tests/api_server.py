"""A real graphfeed API for the API tests: uvicorn on a free loopback port, in a thread.

Imported by ``tests/test_api_*.py`` (``from api_server import …``). The server
runs the real app on the session's embedded FalkorDB, on a fresh named graph
seeded with a small, hand-made world, behind a store wrapper that counts
queries (to prove DataLoader batching) and fails on purpose for one id (to
prove that unexpected errors are masked).

Test modules import helpers from here and load its fixtures with
``pytest_plugins = ["api_server"]``; PYTEST_DONT_REWRITE (it holds no test
asserts) keeps pytest from warning that it was imported before registration.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import uvicorn

from engine.api.app import create_app
from engine.api.auth import issue_token
from engine.api.settings import ApiSettings
from engine.ingest import Ingestor
from engine.settings import Settings
from engine.store import GraphStore, open_store

SECRET = "test-secret-0123456789abcdef-0123456789"
GRAPHQL_RESPONSE = "application/graphql-response+json"
T0 = 1_700_000_000_000  # 2023-11-14T22:13:20Z
HOUR = 3_600_000
EXPLODING_ID = "explode"  # reading this user raises an unexpected error


class CountingStore:
    """Delegates to a real store; counts named reads; one id blows up on purpose."""

    def __init__(self, inner: GraphStore) -> None:
        self.inner = inner
        self.reads: Counter[str] = Counter()

    def read(self, name: str, **params: Any) -> list[dict[str, Any]]:
        self.reads[name] += 1
        if EXPLODING_ID in (params.get("ids") or ()):
            raise RuntimeError("disk on fire at /var/secret/path")
        return self.inner.read(name, **params)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def seed(store: GraphStore, settings: Settings) -> None:
    """alice follows bob and carol; bob and carol post; dave is a stranger with his own post."""
    ing = Ingestor(store, settings)
    ing.upsert_users([{"id": u, "name": u.title(), "created_at": T0} for u in
                      ("alice", "bob", "carol", "dave", "erin")])
    posts = [("bob", "b1", ["surfing", "beach"]), ("bob", "b2", ["surfing"]),
             ("carol", "c1", ["food"]), ("carol", "c2", ["food", "beach"]),
             ("dave", "d1", ["surfing"]), ("erin", "e1", ["beach"])]
    ing.add_activities([{"actor": a, "foreign_id": pid, "tags": tags, "caption": f"post {pid}",
                         "time": T0 + i * HOUR, "extra": {"n": i}}
                        for i, (a, pid, tags) in enumerate(posts)])
    ing.follow_many([{"source": "alice", "target": t, "time": T0} for t in ("bob", "carol")]
                    + [{"source": "bob", "target": "dave", "time": T0},
                       {"source": "carol", "target": "dave", "time": T0},
                       {"source": "bob", "target": "erin", "time": T0},
                       {"source": "erin", "target": "alice", "time": T0}])
    ing.track_engagements([
        {"id": "e-1", "user_id": "alice", "label": "like", "content_id": "b1", "score": 80,
         "time": T0 + 10 * HOUR},
        {"id": "e-2", "user_id": "bob", "label": "like", "content_id": "d1", "score": 90,
         "time": T0 + 11 * HOUR},
        {"id": "e-3", "user_id": "carol", "label": "click", "content_id": "d1", "score": 40,
         "time": T0 + 12 * HOUR},
        {"id": "e-4", "user_id": "dave", "label": "like", "content_id": "c2", "score": 70,
         "time": T0 + 13 * HOUR},
    ])


@dataclass
class LiveApi:
    url: str
    store: CountingStore
    api: ApiSettings
    client: httpx.Client

    def token(self, user_id: str, ttl: int | None = None) -> str:
        return issue_token(self.api, user_id, ttl)

    def post(self, query: str, variables: Mapping[str, Any] | None = None, *,
             headers: Mapping[str, str] | None = None, auth: str | None = "secret",
             accept: str = GRAPHQL_RESPONSE) -> httpx.Response:
        body: dict[str, Any] = {"query": query}
        if variables is not None:
            body["variables"] = dict(variables)
        return self.client.post(self.url, json=body, headers=self._headers(headers, auth, accept))

    def get(self, query: str, variables: Mapping[str, Any] | None = None, *,
            auth: str | None = "secret", accept: str = GRAPHQL_RESPONSE) -> httpx.Response:
        import json

        params = {"query": query}
        if variables is not None:
            params["variables"] = json.dumps(variables)
        return self.client.get(self.url, params=params, headers=self._headers(None, auth, accept))

    def gql(self, query: str, variables: Mapping[str, Any] | None = None,
            **kwargs: Any) -> dict[str, Any]:
        """Data of a request that must succeed without errors."""
        response = self.post(query, variables, **kwargs)
        body = response.json()
        if response.status_code != 200 or "errors" in body:
            raise AssertionError(f"HTTP {response.status_code}: {body}")
        return body["data"]  # type: ignore[no-any-return]

    def _headers(self, extra: Mapping[str, str] | None, auth: str | None,
                 accept: str) -> dict[str, str]:
        headers = {"accept": accept}
        if auth == "secret":
            headers["x-graphfeed-secret"] = SECRET
        elif auth is not None:
            headers["authorization"] = f"Bearer {auth}"
        headers.update(extra or {})
        return headers


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Running:
    server: uvicorn.Server
    thread: threading.Thread
    base: str

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(30)


def run_in_thread(app: Any) -> Running:
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="on",
                            log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name=f"uvicorn:{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the API server did not start")
        time.sleep(0.01)
    return Running(server, thread, f"http://127.0.0.1:{port}")


def api_settings(**overrides: Any) -> ApiSettings:
    # No Explore preparation thread unless a test asks: its reads would land in the counts
    # that tests take of the store's reads.
    values: dict[str, Any] = {"mode": "production", "secret": SECRET, "demo_users": 0,
                              "max_body_bytes": 200_000, "max_depth": 8, "max_tokens": 800,
                              "explore_prepare": False}
    values.update(overrides)
    return ApiSettings(**values)


@contextlib.contextmanager
def serving(real: GraphStore, settings: Settings, api: ApiSettings) -> Iterator[LiveApi]:
    """The app on ``real`` (through a CountingStore); the graph is deleted afterwards."""
    store = CountingStore(real)
    running = run_in_thread(create_app(settings, api, store=store))  # type: ignore[arg-type]
    try:
        with httpx.Client(timeout=30) as client:
            yield LiveApi(running.base + "/graphql", store, api, client)
    finally:
        running.stop()
        real.delete_graph()  # type: ignore[attr-defined]
        real.db.connection.close()  # type: ignore[attr-defined]


@pytest.fixture(scope="session")
def live_api(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApi]:
    """A production-mode server (secret required) on a fresh graph, seeded by ``seed``; no
    like model (its model folder is empty)."""
    real = open_store(settings, graph=f"test_api_{uuid.uuid4().hex[:10]}")
    seed(real, settings)
    served = settings.model_copy(update={"model_dir": tmp_path_factory.mktemp("no_models")})
    with serving(real, served, api_settings()) as live:
        yield live


LIKES_MAX_IMAGE_BYTES = 50_000


@pytest.fixture(scope="session")
def likes_api(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApi]:
    """A server with a like model, trained (small) on the Instagram-like sample of
    ``likes_sample`` (accounts "100".."124", brighter previews get more likes)."""
    from likes_sample import write_sample

    from engine.importers.instagram import import_instagram
    from engine.learn.likes_graph import train_likes

    folder = tmp_path_factory.mktemp("likes_api")
    write_sample(folder / "ig", accounts=25, posts_each=10, previews=True)
    real = open_store(settings, graph=f"test_api_{uuid.uuid4().hex[:10]}")
    import_instagram(real, folder / "ig", settings=settings, progress=False)
    train_likes(real, folder / "models" / "likes", progress=False, rounds=100)
    served = settings.model_copy(update={"model_dir": folder / "models"})
    with serving(real, served, api_settings(max_image_bytes=LIKES_MAX_IMAGE_BYTES)) as live:
        yield live
