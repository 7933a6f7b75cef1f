"""Ingestion semantics and every bad-input case, on the real embedded database."""

from __future__ import annotations

import math
from typing import Any

import pytest

from engine.errors import NotFound, ValidationError
from engine.ingest import Ingestor, decay_rate
from engine.settings import Settings
from engine.store import GraphStore

DAY = 86_400_000
T0 = 1_700_000_000_000


def q(store: GraphStore, text: str, **params: Any) -> list[dict[str, Any]]:
    return store.execute(text, params, write=False)


def snapshot(store: GraphStore) -> list[dict[str, Any]]:
    return q(store, "MATCH (n) OPTIONAL MATCH (n)-[r]->() RETURN count(DISTINCT n) AS n, "
                    "count(r) AS r, collect(DISTINCT r.weight) AS w")


@pytest.fixture
def ingest(store: GraphStore, settings: Settings) -> Ingestor:
    ing = Ingestor(store, settings.model_copy(update={"max_batch": 50}))
    ing.add_activities([
        {"actor": "conner3400", "verb": "pin", "object": "picture:1", "foreign_id": "picture:1",
         "tags": ["tree", "snow", "winter", "landscape"], "time": T0},
        {"actor": "conner3400", "verb": "pin", "object": "picture:2", "foreign_id": "picture:2",
         "tags": ["beach", "van", "surfing", "travel"], "time": T0 + 1},
        {"actor": "thierry", "verb": "pin", "object": "picture:3", "foreign_id": "picture:3",
         "tags": ["dog", "puppy", "running", "labrador"], "time": "2023-11-14T22:13:20Z"},
    ])
    ing.upsert_users([{"id": "john", "name": "John"}])
    return ing


def test_activity_upsert_by_foreign_id_replaces_fields_and_tags(ingest: Ingestor,
                                                                 store: GraphStore) -> None:
    ingest.add_activity({"actor": "conner3400", "foreign_id": "picture:1", "caption": "new",
                         "tags": ["#Snow", "ice"], "time": T0})
    rows = q(store, "MATCH (p:Post {id: 'picture:1'})-[:TAGGED]->(t:Tag) "
                    "RETURN p.caption AS c, t.name AS tag ORDER BY tag")
    assert rows == [{"c": "new", "tag": "ice"}, {"c": "new", "tag": "snow"}]
    assert q(store, "MATCH (p:Post) RETURN count(p) AS n") == [{"n": 3}]
    assert q(store, "MATCH (:User)-[r:POSTED]->(:Post {id: 'picture:1'}) RETURN count(r) AS n") \
        == [{"n": 1}]


def test_times_are_stored_as_epoch_ms(ingest: Ingestor, store: GraphStore) -> None:
    rows = q(store, "MATCH (p:Post {id: 'picture:3'}) RETURN p.created_at AS t")
    assert rows == [{"t": T0}]


def test_an_activity_can_change_author(ingest: Ingestor, store: GraphStore) -> None:
    ingest.add_activity({"actor": "thierry", "foreign_id": "picture:1", "tags": []})
    rows = q(store, "MATCH (u:User)-[:POSTED]->(:Post {id: 'picture:1'}) RETURN u.id AS u")
    assert rows == [{"u": "thierry"}]


def test_remove_marks_the_post_and_keeps_its_engagements(ingest: Ingestor,
                                                         store: GraphStore) -> None:
    ingest.track_engagement({"user_id": "john", "label": "like", "content_id": "picture:3",
                             "score": 50, "time": T0})
    assert ingest.remove_activities(["picture:3"]) == 1
    assert ingest.remove_activities(["picture:3"]) == 0  # already removed
    rows = q(store, "MATCH (:User)-[e:ENGAGED]->(p:Post {id: 'picture:3'}) "
                    "RETURN p.removed_at IS NOT NULL AS removed, count(e) AS n")
    assert rows == [{"removed": True, "n": 1}]
    ingest.add_activity({"actor": "thierry", "foreign_id": "picture:3", "tags": ["dog"]})
    assert q(store, "MATCH (p:Post {id: 'picture:3'}) RETURN p.removed_at AS r") == [{"r": None}]


def test_follow_and_unfollow(ingest: Ingestor, store: GraphStore) -> None:
    assert ingest.follow("john", "conner3400", time=T0) == 1
    ingest.follow("john", "conner3400", time=T0 + DAY)  # idempotent: since stays
    rows = q(store, "MATCH (:User {id: 'john'})-[f:FOLLOWS]->(u:User) RETURN u.id AS u, "
                    "f.since AS since")
    assert rows == [{"u": "conner3400", "since": T0}]
    assert ingest.unfollow("john", "conner3400") == 1
    assert ingest.unfollow("john", "conner3400") == 0
    assert q(store, "MATCH (:User)-[f:FOLLOWS]->() RETURN count(f) AS n") == [{"n": 0}]


def test_engagement_ids_are_counted_once(ingest: Ingestor, store: GraphStore) -> None:
    click = {"id": "e1", "user_id": "john", "label": "click",
             "content": {"foreign_id": "picture:2"}, "score": 15, "position": 2, "time": T0}
    first = ingest.track_engagements([click, click])
    again = ingest.track_engagement(click)
    assert (first.accepted, first.duplicates) == (1, 1)
    assert (again.accepted, again.duplicates) == (0, 1)
    rows = q(store, "MATCH (:User {id: 'john'})-[e:ENGAGED]->(p:Post) RETURN e.label AS label, "
                    "e.score AS score, e.position AS pos, p.id AS post")
    assert rows == [{"label": "click", "score": 15.0, "pos": 2, "post": "picture:2"}]


def test_engagements_update_interests_score_weighted_and_decayed(ingest: Ingestor,
                                                                 store: GraphStore,
                                                                 settings: Settings) -> None:
    h = settings.interest_half_life_days
    ingest.track_engagements([
        {"user_id": "john", "label": "like", "content_id": "picture:1", "score": 80, "time": T0},
        {"user_id": "john", "label": "click", "content_id": "picture:1", "score": 20,
         "time": T0 + int(h * DAY)},
    ])
    # A late event, older than what the profile has seen, arrives already decayed.
    ingest.track_engagement({"user_id": "john", "label": "click", "content_id": "picture:1",
                             "score": 40, "time": T0})
    rows = q(store, "MATCH (:User {id: 'john'})-[i:INTERESTED_IN]->(t:Tag {name: 'snow'}) "
                    "RETURN i.weight AS w, i.updated_at AS at")
    assert rows[0]["at"] == T0 + int(h * DAY)
    assert rows[0]["w"] == pytest.approx(0.8 / 2 + 0.2 + 0.4 / 2, rel=1e-6)
    assert decay_rate(h) == pytest.approx(math.log(2) / (h * DAY))
    # No engagement on #beach posts: no interest there.
    assert q(store, "MATCH (:User {id: 'john'})-[i:INTERESTED_IN]->(:Tag {name: 'beach'}) "
                    "RETURN count(i) AS n") == [{"n": 0}]


def expected_interests(events: list[dict[str, Any]], tags: dict[str, list[str]],
                       half_life_days: float) -> dict[tuple[str, str], tuple[float, int]]:
    """The documented formula, straight: (user, tag) -> (weight at updated_at, updated_at)."""
    by_pair: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for e in events:
        for tag in tags[e["content_id"]]:
            by_pair.setdefault((e["user_id"], tag), []).append(e)
    out = {}
    for pair, evs in by_pair.items():
        latest = max(e["time"] for e in evs)
        out[pair] = (sum(e["score"] / 100 * 2 ** (-(latest - e["time"]) / (half_life_days * DAY))
                         for e in evs), latest)
    return out


def stored_interests(store: GraphStore) -> dict[tuple[str, str], tuple[float, int]]:
    rows = q(store, "MATCH (u:User)-[i:INTERESTED_IN]->(t:Tag) "
                    "RETURN u.id AS u, t.name AS t, i.weight AS w, i.updated_at AS at")
    return {(r["u"], r["t"]): (r["w"], r["at"]) for r in rows}


@pytest.mark.parametrize("split", [1, 2, 100], ids=["one-by-one", "pairs", "one-batch"])
def test_interest_weights_follow_the_formula_however_events_are_batched(
        ingest: Ingestor, store: GraphStore, settings: Settings, split: int) -> None:
    # Overlapping tags, users with one and with several engagements per batch,
    # the same post twice, and events out of time order.
    tags = {"a": ["x", "y"], "b": ["y", "z"], "c": ["z"]}
    ingest.add_activities([{"actor": "conner3400", "foreign_id": f, "tags": t}
                           for f, t in tags.items()])
    h = settings.interest_half_life_days
    events = [
        {"user_id": "ana", "content_id": "a", "score": 80, "time": T0 + 3 * DAY},
        {"user_id": "ana", "content_id": "b", "score": 40, "time": T0},
        {"user_id": "bo", "content_id": "c", "score": 10, "time": T0 + 40 * DAY},
        {"user_id": "ana", "content_id": "b", "score": 100, "time": T0 + 90 * DAY},
        {"user_id": "cy", "content_id": "a", "score": 50, "time": T0 + DAY},
        {"user_id": "bo", "content_id": "b", "score": 30, "time": T0 + 5 * DAY},
        {"user_id": "cy", "content_id": "a", "score": 70, "time": T0 + 2 * DAY},
        {"user_id": "ana", "content_id": "c", "score": 20, "time": T0 + 10 * DAY},
    ]
    for start in range(0, len(events), split):
        ingest.track_engagements([{**e, "label": "like"} for e in events[start:start + split]])
    got = stored_interests(store)
    want = expected_interests(events, tags, h)
    assert got.keys() == want.keys()
    for pair, (weight, at) in want.items():
        assert got[pair][1] == at, pair
        assert got[pair][0] == pytest.approx(weight, rel=1e-9), pair
    rows = q(store, "MATCH ()-[e:ENGAGED]->() RETURN count(e) AS n")
    assert rows == [{"n": len(events)}]


def stored_counts(store: GraphStore) -> dict[str, tuple[int, int, int]]:
    rows = q(store, "MATCH (p:Post)-[:HAS_COUNTS]->(n:PostCounts) RETURN p.id AS id, "
                    "n.engagers AS engagers, n.engagements AS engagements, n.likes AS likes")
    return {r["id"]: (r["engagers"], r["engagements"], r["likes"]) for r in rows}


def expected_counts(events: list[dict[str, Any]]) -> dict[str, tuple[int, int, int]]:
    """Per post: distinct users, engagements, likes (what the counters must hold)."""
    out = {}
    for post in {e["content_id"] for e in events}:
        mine = [e for e in events if e["content_id"] == post]
        out[post] = (len({e["user_id"] for e in mine}), len(mine),
                     sum(e["label"] == "like" for e in mine))
    return out


COUNTED = [  # the same user and post in one batch, across batches, singles and several
    {"user_id": "ana", "label": "like", "content_id": "picture:1", "score": 80, "time": T0},
    {"user_id": "ana", "label": "click", "content_id": "picture:1", "score": 20, "time": T0 + 1},
    {"user_id": "bo", "label": "like", "content_id": "picture:1", "score": 50, "time": T0 + 2},
    {"user_id": "cy", "label": "view", "content_id": "picture:2", "score": 5, "time": T0 + 3},
    {"user_id": "ana", "label": "view", "content_id": "picture:2", "score": 5, "time": T0 + 4},
    {"user_id": "bo", "label": "like", "content_id": "picture:1", "score": 90, "time": T0 + 5},
    {"user_id": "cy", "label": "like", "content_id": "picture:2", "score": 70, "time": T0 + 6},
    {"user_id": "dee", "label": "like", "content_id": "picture:3", "score": 60, "time": T0 + 7},
    # two users alike in one batch (one like each on one post), one of them new to it
    {"user_id": "dee", "label": "like", "content_id": "picture:2", "score": 60, "time": T0 + 8},
    {"user_id": "cy", "label": "like", "content_id": "picture:2", "score": 60, "time": T0 + 9},
]


@pytest.mark.parametrize("split", [1, 3, 100], ids=["one-by-one", "threes", "one-batch"])
def test_post_counters_match_the_engagements_however_batched(
        ingest: Ingestor, store: GraphStore, split: int) -> None:
    events = [{**e, "id": f"e{i}"} for i, e in enumerate(COUNTED)]
    for start in range(0, len(events), split):
        ingest.track_engagements(events[start:start + split])
    ingest.track_engagements(events[:4])  # known ids: nothing counted twice
    assert stored_counts(store) == expected_counts(events)
    assert expected_counts(events)["picture:1"] == (2, 4, 3)


def test_a_post_without_counters_gets_them_counted_live(ingest: Ingestor,
                                                        store: GraphStore) -> None:
    ingest.track_engagements(COUNTED[:4])
    store.execute("MATCH (n:PostCounts) DETACH DELETE n", {}, write=True)  # an older graph
    ingest.track_engagements(COUNTED[4:6])
    counts = stored_counts(store)
    assert counts == {k: v for k, v in expected_counts(COUNTED[:6]).items()
                      if k in {"picture:1", "picture:2"}}
    ingest.track_engagements(COUNTED[6:])
    assert stored_counts(store) == expected_counts(COUNTED)


def test_impressions_count_views(ingest: Ingestor, store: GraphStore) -> None:
    n = ingest.track_impressions([
        {"user_id": "john", "content_list": ["picture:1", "picture:2", "picture:1"],
         "feed_id": "timeline:john", "position": 0, "time": T0},
    ])
    assert n == 3
    rows = q(store, "MATCH (:User {id: 'john'})-[s:SAW]->(p:Post) RETURN p.id AS p, "
                    "s.count AS n ORDER BY p")
    assert rows == [{"p": "picture:1", "n": 2}, {"p": "picture:2", "n": 1}]


BAD_CASES: list[tuple[str, Any, type[Exception]]] = [
    ("engagement score above 100", ("track_engagements", [
        {"user_id": "john", "label": "like", "content_id": "picture:1", "score": 101}]),
     ValidationError),
    ("negative score", ("track_engagements", [
        {"user_id": "john", "label": "like", "content_id": "picture:1", "score": -1}]),
     ValidationError),
    ("score as text", ("track_engagements", [
        {"user_id": "john", "label": "like", "content_id": "picture:1", "score": "50"}]),
     ValidationError),
    ("score as bool", ("track_engagements", [
        {"user_id": "john", "label": "like", "content_id": "picture:1", "score": True}]),
     ValidationError),
    ("unknown content", ("track_engagements", [
        {"user_id": "john", "label": "like", "content_id": "picture:1", "score": 5},
        {"user_id": "john", "label": "like", "content_id": "nope", "score": 5}]), NotFound),
    ("empty user id", ("track_engagements", [
        {"user_id": " ", "label": "like", "content_id": "picture:1", "score": 5}]),
     ValidationError),
    ("missing label", ("track_engagements", [
        {"user_id": "john", "content_id": "picture:1", "score": 5}]), ValidationError),
    ("unknown field", ("track_engagements", [
        {"user_id": "john", "label": "l", "content_id": "picture:1", "score": 5, "x": 1}]),
     ValidationError),
    ("time in seconds", ("track_engagements", [
        {"user_id": "john", "label": "l", "content_id": "picture:1", "score": 5,
         "time": 1e15}]), ValidationError),
    ("follow unknown user", ("follow_many", [{"source": "john", "target": "ghost"}]), NotFound),
    ("self follow", ("follow_many", [{"source": "john", "target": "john"}]), ValidationError),
    ("empty foreign_id", ("add_activities", [{"actor": "a", "foreign_id": ""}]),
     ValidationError),
    ("tags not a list", ("add_activities", [{"actor": "a", "foreign_id": "x", "tags": "a,b"}]),
     ValidationError),
    ("tags of numbers", ("add_activities", [{"actor": "a", "foreign_id": "x", "tags": [1]}]),
     ValidationError),
    ("bad time", ("add_activities", [{"actor": "a", "foreign_id": "x", "time": "yesterday"}]),
     ValidationError),
    ("extra not JSON", ("add_activities", [{"actor": "a", "foreign_id": "x",
                                            "extra": {"f": float("nan")}}]), ValidationError),
    ("not a list", ("add_activities", {"actor": "a", "foreign_id": "x"}), ValidationError),
    ("empty batch", ("add_activities", []), ValidationError),
    ("oversized batch", ("add_activities", [{"actor": "a", "foreign_id": f"x{i}"}
                                            for i in range(51)]), ValidationError),
    ("oversized impressions", ("track_impressions", [
        {"user_id": "john", "content_list": ["picture:1"] * 51}]), ValidationError),
    ("impression of unknown post", ("track_impressions", [
        {"user_id": "john", "content_list": ["picture:1", "nope"]}]), NotFound),
    ("empty content list", ("track_impressions", [{"user_id": "john", "content_list": []}]),
     ValidationError),
    ("remove unknown", ("remove_activities", ["picture:1", "nope"]), NotFound),
    ("remove with a bare string", ("remove_activities", "picture:1"), ValidationError),
]


@pytest.mark.parametrize(("case", "call", "error"), BAD_CASES, ids=[c[0] for c in BAD_CASES])
def test_bad_input_is_rejected_and_writes_nothing(ingest: Ingestor, store: GraphStore,
                                                  case: str, call: tuple[str, Any],
                                                  error: type[Exception]) -> None:
    before = snapshot(store)
    method, rows = call
    with pytest.raises(error) as info:
        getattr(ingest, method)(rows)
    assert str(info.value), "errors must say what is wrong"
    assert snapshot(store) == before


def test_validation_errors_name_the_row_and_field(ingest: Ingestor) -> None:
    rows = [{"user_id": "john", "label": "like", "content_id": "picture:1", "score": 5},
            {"user_id": "john", "label": "like", "content_id": "picture:1", "score": 500}]
    with pytest.raises(ValidationError) as info:
        ingest.track_engagements(rows)
    assert info.value.details == {"row": 1, "field": "score"}
    assert "engagements[1].score" in str(info.value)
