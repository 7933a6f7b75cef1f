"""The feed's short-lived copies of what every user reads alike about a post.

Unit tests drive the cache with a hand-moved clock; the feed tests run on the real
embedded database and check what must stay live (removal, the user's own state) and
how an edit reaches the ranking (at once through the wired ingestor, else after the TTL).
"""

from __future__ import annotations

import gc
from typing import Any

import pytest

from engine.api.context import Services
from engine.api.settings import ApiSettings
from engine.events import now_ms
from engine.ingest import Ingestor
from engine.recommend import Recommender
from engine.recommend.postfacts import PostFactsCache, SharedFacts
from engine.settings import Settings
from engine.store import GraphStore

HOUR = 3_600_000


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Reader:
    """A read function that answers from a dict and records what it was asked."""

    def __init__(self, rows: dict[str, dict[str, Any]]) -> None:
        self.rows = rows
        self.asked: list[list[str]] = []

    def __call__(self, ids: list[str]) -> list[dict[str, Any]]:
        self.asked.append(list(ids))
        return [self.rows[i] for i in ids if i in self.rows]


def row(pid: str, author: str = "a", tags: tuple[str, ...] = ("y", "x"),
        engagers: int = 1) -> dict[str, Any]:
    return {"id": pid, "author_id": author, "created_at": 5, "tags": list(tags),
            "engagers": engagers}


def test_kept_facts_are_served_until_the_ttl_then_read_again() -> None:
    clock, read = Clock(), Reader({p: row(p) for p in ("p1", "p2", "p3")})
    cache = PostFactsCache(ttl_s=60, size=100, clock=clock)
    first = cache.facts(["p1", "p2"], read)
    assert first["p1"] == SharedFacts("a", 5, ("x", "y"), 1)  # tags sorted
    assert cache.facts(["p1", "p2", "p3"], read).keys() == {"p1", "p2", "p3"}
    assert read.asked == [["p1", "p2"], ["p3"]]
    read.rows["p1"] = row("p1", engagers=9)
    clock.now += 59
    assert cache.facts(["p1"], read)["p1"].engagers == 1  # still the kept copy
    clock.now += 2
    assert cache.facts(["p1"], read)["p1"].engagers == 9
    assert read.asked[-1] == ["p1"]
    assert (cache.hits, cache.misses) == (3, 4)


def test_unknown_posts_are_absent_and_not_kept() -> None:
    read = Reader({"p1": row("p1")})
    cache = PostFactsCache(ttl_s=60, size=100, clock=Clock())
    assert cache.facts(["p1", "ghost"], read).keys() == {"p1"}
    assert cache.facts(["ghost"], read) == {}
    assert read.asked == [["p1", "ghost"], ["ghost"]]


def test_the_oldest_go_first_when_full_and_expired_ones_are_dropped() -> None:
    clock, read = Clock(), Reader({f"p{i}": row(f"p{i}") for i in range(5)})
    cache = PostFactsCache(ttl_s=10, size=3, clock=clock)
    for i in range(4):
        cache.facts([f"p{i}"], read)
        clock.now += 1
    assert len(cache) == 3
    cache.facts(["p0"], read)  # crowded out: read again
    assert read.asked[-1] == ["p0"]
    clock.now += 20
    cache.facts(["p4"], read)  # every older entry has expired meanwhile
    assert len(cache) == 1


def test_forget_and_ttl_zero_read_again() -> None:
    read = Reader({"p1": row("p1")})
    cache = PostFactsCache(ttl_s=60, size=10, clock=Clock())
    cache.facts(["p1"], read)
    cache.forget(["p1", "never-kept"])
    cache.facts(["p1"], read)
    assert len(read.asked) == 2
    never = PostFactsCache(ttl_s=0, size=10, clock=Clock())
    never.facts(["p1"], read)
    never.facts(["p1"], read)
    assert len(read.asked) == 4 and len(never) == 0


# --- the feed, on the embedded database ---------------------------------------------------
def world(ingest: Ingestor) -> None:
    now = now_ms()
    ingest.upsert_users([{"id": u} for u in ("me", "ana", "bo", "cy")])
    ingest.add_activities([
        {"actor": "ana", "foreign_id": f"snow{i}", "tags": ["snow"], "time": now - (i + 1) * HOUR}
        for i in range(3)] + [
        {"actor": "bo", "foreign_id": "beach", "tags": ["beach"], "time": now - HOUR}])
    ingest.track_engagements([{"user_id": "me", "label": "like", "content_id": "snow2",
                               "score": 90, "time": now - HOUR // 2}])


def feed_ids(rec: Recommender) -> list[str]:
    return [i.post.id for i in rec.feed("me", first=20).items]


def test_removal_and_the_users_own_engagements_are_read_live(
        store: GraphStore, settings: Settings) -> None:
    ingest, rec = Ingestor(store, settings), Recommender(store, settings)
    world(ingest)
    assert {"snow0", "snow1"} <= set(feed_ids(rec))
    assert len(rec.ranker.post_facts) >= 2  # the facts are kept now
    ingest.remove_activities(["snow0"])
    ingest.track_engagements([{"user_id": "me", "label": "like", "content_id": "snow1",
                               "score": 80, "time": now_ms() - 1000}])
    shown = feed_ids(rec)
    assert "snow0" not in shown and "snow1" not in shown
    assert "beach" in shown


def test_an_edit_reaches_the_ranking_at_once_through_the_servers_ingestor(
        store: GraphStore, settings: Settings) -> None:
    services = Services(settings, ApiSettings())
    services.bind(store)
    ingest, rec = services.ingestor, services.recommender
    world(ingest)
    before = {i.post.id: i.score for i in rec.feed("me", first=20).items}
    assert rec.ranker.shared_facts(["beach"])["beach"].tags == ("beach",)
    # beach becomes a snow post, the user's interest: this process forgets what it kept.
    ingest.add_activities([{"actor": "bo", "foreign_id": "beach", "tags": ["snow"],
                            "time": now_ms() - HOUR}])
    assert rec.ranker.shared_facts(["beach"])["beach"].tags == ("snow",)
    after = {i.post.id: i.score for i in rec.feed("me", first=20).items}
    assert after["beach"] > before["beach"]


@pytest.mark.parametrize("ttl", [0.0, 60.0])
def test_an_edit_from_elsewhere_waits_for_the_ttl(store: GraphStore, settings: Settings,
                                                  ttl: float) -> None:
    rec = Recommender(store, settings.model_copy(update={
        "recommend": settings.recommend.model_copy(update={"post_facts_ttl_s": ttl})}))
    other = Ingestor(store, settings)  # another process's writes: nobody tells rec
    world(other)
    before = {i.post.id: i.post.tags for i in rec.feed("me", first=20).items}
    assert before["beach"] == ("beach",)
    other.add_activities([{"actor": "bo", "foreign_id": "beach", "tags": ["snow"],
                           "time": now_ms() - HOUR // 4}])
    kept = rec.ranker.shared_facts(["beach"])["beach"].tags
    assert kept == (("beach",) if ttl else ("snow",))
    assert rec.ranker.shared_facts(["beach"], live=True)["beach"].tags == ("snow",)


def test_kept_entries_leave_the_garbage_collectors_sight() -> None:
    """Plain tuples of atomic values: once collected past, the collector no longer walks
    them, however many are kept (a full collection's pause does not grow with them)."""
    cache = PostFactsCache(ttl_s=60, size=1000)
    cache.facts([f"p{i}" for i in range(500)], lambda ids: [
        {"id": i, "author_id": "a", "created_at": 1, "tags": ["y", "x"], "engagers": 2}
        for i in ids])
    # A tuple is untracked when the collector finds all it holds untracked: the tags first,
    # then (on a later pass at most) the entry holding them.
    gc.collect()
    gc.collect()
    assert not any(gc.is_tracked(entry) for entry in cache._data.values())
    held = cache.facts(["p1"], lambda ids: [])["p1"]
    assert held == SharedFacts("a", 1, ("x", "y"), 2) and held.tags == ("x", "y")

