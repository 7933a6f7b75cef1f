"""The server computes Explore's per-community lists ahead of requests (engine/api/snapshots.py).

Real HTTP through uvicorn on the real embedded database: once the server says it has
prepared the snapshot, Explore and the feed of members of every community read those
lists and compute none themselves.
"""

from __future__ import annotations

import threading
import time
import uuid
from typing import Any

import httpx
import pytest
from api_server import SECRET, api_settings, run_in_thread

from engine.api.app import create_app
from engine.api.snapshots import SnapshotPreparer
from engine.events import now_ms
from engine.ingest import Ingestor
from engine.learn.config import TrainSettings
from engine.recommend import cursor
from engine.recommend import explore as explore_module
from engine.recommend.explore import Prepared, explore
from engine.settings import Settings
from engine.store import GraphStore, open_store
from engine.train import train_communities

HOUR = 3_600_000
SNAPSHOT_MS = 300_000
THREAD = "explore-snapshots"
EXPLORE = """query($u: ID!) { explore(userId: $u, first: 10) {
  edges { score sources reasons node { id } } pageInfo { endCursor } } }"""
FEED = """query($u: ID!) { feed(userId: $u, first: 10) { edges { sources node { id } } } }"""
SURFERS = [f"s{i}" for i in range(1, 7)]
PLAYERS = [f"c{i}" for i in range(1, 7)]


class ThreadRecordingStore:
    """A real store that notes which thread asked for which named read."""

    def __init__(self, inner: GraphStore) -> None:
        self.inner = inner
        self.reads: list[tuple[str, str]] = []
        self._lock = threading.Lock()

    def read(self, name: str, **params: Any) -> list[dict[str, Any]]:
        with self._lock:
            self.reads.append((name, threading.current_thread().name))
        return self.inner.read(name, **params)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def two_communities(store: GraphStore, settings: Settings) -> None:
    """Surfers and chess players who follow and engage within their group, three hours ago;
    the first of each group follows one other member and engaged with nothing."""
    t = now_ms() - 3 * HOUR
    ing = Ingestor(store, settings)
    ing.upsert_users([{"id": u} for u in SURFERS + PLAYERS])
    ing.follow_many([{"source": a, "target": b} for g in (SURFERS[1:], PLAYERS[1:])
                     for a in g for b in g if a != b]
                    + [{"source": g[0], "target": g[1]} for g in (SURFERS, PLAYERS)]
                    + [{"source": g[1], "target": g[0]} for g in (SURFERS, PLAYERS)]
                    + [{"source": "s6", "target": "c6"}, {"source": "c6", "target": "s6"}])
    posts = [{"actor": a, "foreign_id": f"{a}-{k}", "tags": [tag], "time": t + k * 60_000}
             for group, tag in ((SURFERS, "surfing"), (PLAYERS, "chess"))
             for a in group for k in range(3)]
    ing.add_activities(posts)
    ing.track_engagements([
        {"user_id": u, "label": "like", "content_id": p["foreign_id"],
         "score": 30 + 10 * k, "time": t + HOUR}
        for group in (SURFERS, PLAYERS) for i, p in enumerate(posts) if p["actor"] in group
        for k, u in enumerate(group) if k and u != p["actor"] and (i + k) % 3])
    train_communities(store, TrainSettings())


def prepared_count(client: httpx.Client, base: str) -> float:
    for line in client.get(f"{base}/metrics").text.splitlines():
        if line.startswith("graphfeed_api_explore_snapshots_prepared_total"):
            return float(line.split()[-1])
    raise AssertionError("no graphfeed_api_explore_snapshots_prepared_total in /metrics")


def test_the_server_prepares_every_community_before_requests_ask(settings: Settings) -> None:
    real = open_store(settings, graph=f"test_api_{uuid.uuid4().hex[:10]}")
    try:
        two_communities(real, settings)
        store = ThreadRecordingStore(real)
        explore_module._CACHE.clear()
        running = run_in_thread(create_app(settings, api_settings(explore_prepare=True),
                                           store=store))  # type: ignore[arg-type]
        try:
            with httpx.Client(timeout=30) as client:
                deadline = time.monotonic() + 60  # a guard against hanging, not a timing test
                while prepared_count(client, running.base) < 1:
                    assert time.monotonic() < deadline, "the server prepared no snapshot"
                    time.sleep(0.05)
                pages = {}
                for user in ("s1", "c1"):
                    body = {"query": EXPLORE, "variables": {"u": user}}
                    response = client.post(f"{running.base}/graphql", json=body,
                                           headers={"x-graphfeed-secret": SECRET})
                    pages[user] = response.json()["data"]["explore"]
                    feed = {"query": FEED, "variables": {"u": user}}
                    assert "errors" not in client.post(
                        f"{running.base}/graphql", json=feed,
                        headers={"x-graphfeed-secret": SECRET}).json()
        finally:
            running.stop()
        assert not [t for t in threading.enumerate() if t.name == THREAD]  # stopped with it
        lists = [thread for name, thread in store.reads
                 if name == "explore/find_community_trending"]
        assert lists and set(lists) == {THREAD}  # requests computed no list themselves
        # What the server served is what a request computes on its own, cold.
        for user, page in pages.items():
            as_of = cursor.require_int(cursor.decode(page["pageInfo"]["endCursor"], "explore",
                                                     user, cursor.DEVELOPMENT_KEY)[0], "t")
            explore_module._CACHE.clear()
            cold = explore(real, user, 10, now=as_of)
            assert [(e["node"]["id"], e["score"], e["sources"], e["reasons"])
                    for e in page["edges"]] == \
                [(i.post.id, i.score, list(i.sources), list(i.reasons)) for i in cold.items]
            assert any(e["sources"] == ["community"] for e in page["edges"])
    finally:
        real.delete_graph()  # type: ignore[attr-defined]
        real.db.connection.close()  # type: ignore[attr-defined]


def test_the_preparer_does_the_current_snapshot_then_each_next_one_ahead() -> None:
    boundary = 1_767_225_600_000
    now = boundary - 100_000  # 100 s before a boundary; the lead is capped at 150 s
    targets: list[int] = []
    done = threading.Event()

    def prepare(as_of: int) -> Prepared:
        targets.append(as_of)
        if len(targets) == 2:
            done.set()
        return Prepared(as_of - as_of % SNAPSHOT_MS, 1, 1, 0.0)

    preparer = SnapshotPreparer(prepare, lambda: now, 300, lead_s=1000.0)
    assert preparer.next_run(now) == (boundary, boundary - 150_000)
    preparer.start()
    try:
        assert done.wait(30)
    finally:
        preparer.stop()
    # The current snapshot at once, the next one ahead of it; then it waits (for the one
    # after, 150 s before its start) until stopped.
    assert targets == [now, boundary]
    assert preparer.next_run(boundary) == (boundary + SNAPSHOT_MS, boundary + 150_000)


def test_a_failed_preparation_is_retried_not_fatal(caplog: pytest.LogCaptureFixture) -> None:
    calls: list[int] = []
    retried = threading.Event()

    def prepare(as_of: int) -> Prepared:
        calls.append(as_of)
        if len(calls) == 1:
            raise ConnectionError("database restarting")
        retried.set()
        return Prepared(as_of, 0, 0, 0.0)

    preparer = SnapshotPreparer(prepare, lambda: 1_000_000, 300, lead_s=20.0, retry_s=0.01)
    preparer.start()
    try:
        assert retried.wait(30)
    finally:
        preparer.stop()
    assert calls == [1_000_000, 1_000_000]
    assert "preparing Explore's lists for 1000000 failed" in caplog.text
