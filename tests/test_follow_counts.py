"""The follower counters beside users (:UserCounts) stay exact, on the real embedded store:
repeated follows, unfollows, accepted suggestions, graphs written before the counters."""

from __future__ import annotations

from typing import Any

import pytest

from engine.ingest import Ingestor
from engine.recommend import Recommender
from engine.recommend.counts import backfill_user_counts
from engine.settings import Settings
from engine.store import GraphStore

T0 = 1_700_000_000_000
PEOPLE = ("me", "ana", "bo", "cy", "star", "lone")


def q(store: GraphStore, text: str, **params: Any) -> list[dict[str, Any]]:
    return store.execute(text, params, write=False)


def counters(store: GraphStore) -> dict[str, int]:
    rows = q(store, "MATCH (u:User)-[:HAS_COUNTS]->(n:UserCounts) "
                    "RETURN u.id AS id, n.followers AS followers")
    assert all(type(r["followers"]) is int for r in rows)
    return {r["id"]: r["followers"] for r in rows}


def followers(store: GraphStore) -> dict[str, int]:
    """Followers counted live: what every counter must say."""
    rows = q(store, "MATCH (u:User) OPTIONAL MATCH (u)<-[:FOLLOWS]-(x) "
                    "RETURN u.id AS id, count(x) AS followers")
    return {r["id"]: r["followers"] for r in rows}


def assert_exact(store: GraphStore) -> None:
    live = followers(store)
    stored = counters(store)
    assert stored == {u: live[u] for u in stored}
    assert all(type(n) is int for n in stored.values())  # 3.0 would show as "3.0 followers"
    # Every followed user has a counter (the backfill has nothing to do).
    assert {u for u, n in live.items() if n} <= set(stored)


def drop_counters(store: GraphStore) -> None:
    """A graph written before the counters."""
    store.execute("MATCH (:User)-[:HAS_COUNTS]->(n:UserCounts) DETACH DELETE n", {},
                  write=True)


def stats_followers(store: GraphStore, user: str = "me") -> dict[str, int]:
    rows = store.read("suggest/get_candidate_stats", user_id=user, ids=list(PEOPLE))
    assert all(type(r["followers"]) is int for r in rows)
    return {r["id"]: r["followers"] for r in rows}


@pytest.fixture
def ingest(store: GraphStore, settings: Settings) -> Ingestor:
    ing = Ingestor(store, settings)
    ing.upsert_users([{"id": u, "name": u.capitalize()} for u in PEOPLE])
    return ing


def test_follows_count_once_and_unfollows_uncount(ingest: Ingestor, store: GraphStore) -> None:
    ingest.follow_many([{"source": "ana", "target": "star", "time": T0},
                        {"source": "bo", "target": "star", "time": T0}])
    assert counters(store) == {"star": 2}
    ingest.follow("ana", "star", time=T0 + 1)  # again: still one follow
    ingest.follow_many([{"source": "ana", "target": "star"}, {"source": "cy", "target": "star"},
                        {"source": "cy", "target": "star"}])  # a pair twice in one batch
    assert counters(store) == {"star": 3}
    assert_exact(store)
    assert ingest.unfollow("ana", "star") == 1
    assert ingest.unfollow("ana", "star") == 0  # no such follow any more
    assert ingest.unfollow("lone", "me") == 0  # never was one
    assert counters(store) == {"star": 2}
    assert ingest.unfollow_many([{"source": "bo", "target": "star"},
                                 {"source": "bo", "target": "star"}]) == 1
    assert counters(store) == {"star": 1}
    ingest.follow("star", "me")
    assert_exact(store)
    assert counters(store) == {"star": 1, "me": 1}


def test_the_query_itself_counts_a_pair_named_twice_once(ingest: Ingestor,
                                                         store: GraphStore) -> None:
    rows = [{"source": "ana", "target": "star", "at": T0 + 5},
            {"source": "ana", "target": "star", "at": T0}]
    store.write("ingest/create_follows", rows=rows)
    assert counters(store) == {"star": 1}
    since = q(store, "MATCH (:User {id: 'ana'})-[f:FOLLOWS]->(:User {id: 'star'}) "
                     "RETURN f.since AS since")
    assert since == [{"since": T0}]  # one follow, from the earliest time
    assert store.write("ingest/delete_follows", rows=rows)[0]["unfollowed"] == 1
    assert counters(store) == {"star": 0}


def test_accepted_suggestions_count_their_follow_once(ingest: Ingestor, store: GraphStore,
                                                      rec: Recommender) -> None:
    ingest.follow("ana", "star")
    rec.suggestion_feedback("me", "star", accepted=True)
    rec.suggestion_feedback("me", "star", accepted=True)  # again: the follow exists
    rec.suggestion_feedback("ana", "star", accepted=True)  # already following
    rec.suggestion_feedback("bo", "star", accepted=False)
    assert counters(store) == {"star": 2}
    rec.suggestion_feedback("cy", "lone", accepted=True)  # the first follow of lone
    assert counters(store) == {"star": 2, "lone": 1}
    assert_exact(store)
    drop_counters(store)
    rec.suggestion_feedback("cy", "star", accepted=True)  # no counter yet: counted live
    assert counters(store) == {"star": 3}
    assert stats_followers(store) == followers(store)  # lone, still without, counted live


def test_a_user_without_counters_is_counted_live_and_gets_them(ingest: Ingestor,
                                                               store: GraphStore) -> None:
    ingest.follow_many([{"source": s, "target": "star"} for s in ("ana", "bo", "cy")]
                       + [{"source": "star", "target": "me"}])
    expected = followers(store)
    drop_counters(store)
    assert stats_followers(store) == expected  # no counters at all: counted live
    ingest.unfollow("cy", "star")  # a counterless user stays counterless, still right
    assert counters(store) == {}
    assert stats_followers(store)["star"] == 2
    ingest.follow("me", "star")  # the first follow since counts all of them, itself too
    assert counters(store) == {"star": 3}
    assert stats_followers(store) == followers(store)


def test_backfill_counts_followed_users_once(ingest: Ingestor, store: GraphStore) -> None:
    ingest.follow_many([{"source": s, "target": t} for s, t in (
        ("ana", "star"), ("bo", "star"), ("cy", "star"), ("me", "ana"), ("star", "me"))])
    drop_counters(store)
    assert backfill_user_counts(store, batch=2) == 3  # star, ana, me: lone and bo have none
    assert backfill_user_counts(store, batch=2) == 0
    assert counters(store) == {"star": 3, "ana": 1, "me": 1}
    assert_exact(store)
    assert stats_followers(store) == followers(store)
    with pytest.raises(ValueError):
        backfill_user_counts(store, batch=0)


def test_suggestions_are_the_same_with_and_without_counters(ingest: Ingestor,
                                                            store: GraphStore,
                                                            rec: Recommender) -> None:
    ingest.follow_many([{"source": s, "target": t} for s, t in (
        ("me", "ana"), ("me", "bo"), ("ana", "star"), ("bo", "star"), ("cy", "star"),
        ("ana", "cy"), ("star", "me"), ("lone", "cy"))])
    with_counters = rec.follow_suggestions("me")
    assert {s.user.id: s.user.followers for s in with_counters}["star"] == 3
    drop_counters(store)
    assert rec.follow_suggestions("me") == with_counters


@pytest.fixture
def rec(store: GraphStore, settings: Settings) -> Recommender:
    return Recommender(store, settings, clock=lambda: T0)
