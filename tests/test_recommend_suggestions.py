"""Follow suggestions and suggestion feedback on tiny graphs with known answers."""

from __future__ import annotations

from typing import Any

import pytest

from engine.errors import NotFound, ValidationError
from engine.events import now_ms
from engine.ingest import Ingestor
from engine.recommend import Recommender
from engine.settings import Settings
from engine.store import GraphStore

HOUR = 3_600_000


@pytest.fixture
def ingest(store: GraphStore, settings: Settings) -> Ingestor:
    return Ingestor(store, settings)


@pytest.fixture
def rec(store: GraphStore, settings: Settings) -> Recommender:
    return Recommender(store, settings)


def users(ingest: Ingestor, *names: str) -> None:
    ingest.upsert_users([{"id": n, "name": n.capitalize()} for n in names])


def follows(ingest: Ingestor, *pairs: tuple[str, str]) -> None:
    ingest.follow_many([{"source": a, "target": b} for a, b in pairs])


def ids(suggestions: list[Any]) -> list[str]:
    return [s.user.id for s in suggestions]


def test_a_triangle_closes_first(ingest: Ingestor, rec: Recommender) -> None:
    users(ingest, "me", "ana", "bo", "two", "one")
    follows(ingest, ("me", "ana"), ("me", "bo"),
            ("ana", "two"), ("bo", "two"),  # followed by two people I follow
            ("ana", "one"))  # followed by one
    got = rec.follow_suggestions("me")
    assert ids(got)[:2] == ["two", "one"]
    two = got[0]
    assert two.sources[0] == "friends_of_friends"
    # Names go most specific first: Bo follows fewer people than Ana.
    assert two.reasons[0] == "followed by Bo and Ana you follow"
    assert two.score > got[1].score
    assert two.user.followers == 2


def test_counts_shown_follow_follows_and_unfollows(ingest: Ingestor, rec: Recommender) -> None:
    users(ingest, "me", "ana", "bo", "star", "x")
    follows(ingest, ("me", "ana"), ("ana", "star"), ("bo", "star"), ("x", "star"),
            ("star", "bo"), ("star", "x"))
    ingest.unfollow("x", "star")
    ingest.unfollow("star", "x")
    follows(ingest, ("bo", "star"))  # again: still one follow
    star = {s.user.id: s for s in rec.follow_suggestions("me")}["star"]
    assert (star.user.followers, star.user.following) == (2, 1)


def test_followed_by_many_names_two_and_counts_the_rest(ingest: Ingestor,
                                                       rec: Recommender) -> None:
    friends = [f"f{i}" for i in range(5)]
    users(ingest, "me", "star", *friends)
    follows(ingest, *[("me", f) for f in friends], *[(f, "star") for f in friends])
    top = rec.follow_suggestions("me")[0]
    assert top.user.id == "star"
    assert top.reasons[0].startswith("followed by F")
    assert top.reasons[0].endswith(" and 3 others you follow")


def test_never_yourself_never_someone_you_follow(ingest: Ingestor, rec: Recommender) -> None:
    users(ingest, "me", "ana", "bo")
    follows(ingest, ("me", "ana"), ("ana", "me"), ("ana", "bo"), ("bo", "me"))
    got = ids(rec.follow_suggestions("me"))
    assert "me" not in got and "ana" not in got
    assert got[0] == "bo"  # followed by ana and follows me


def test_people_who_follow_you_back(ingest: Ingestor, rec: Recommender) -> None:
    users(ingest, "me", "fan", "other")
    follows(ingest, ("fan", "me"))
    top = rec.follow_suggestions("me")[0]
    assert top.user.id == "fan"
    assert "follows_you" in top.sources
    assert "follows you" in top.reasons


def test_rejected_suggestions_never_reappear_accepted_ones_follow(
        ingest: Ingestor, rec: Recommender, store: GraphStore) -> None:
    users(ingest, "me", "ana", "x", "y", "z")
    follows(ingest, ("me", "ana"), ("ana", "x"), ("ana", "y"), ("ana", "z"), ("x", "me"))
    assert set(ids(rec.follow_suggestions("me"))) == {"x", "y", "z"}
    rec.suggestion_feedback("me", "x", accepted=False)
    rec.suggestion_feedback("me", "y", accepted=True)
    assert ids(rec.follow_suggestions("me")) == ["z"]
    # Accepting followed; rejecting did not; both are remembered.
    rows = store.execute(
        "MATCH (:User {id: 'me'})-[f:SUGGESTION_FEEDBACK]->(t:User) "
        "OPTIONAL MATCH (:User {id: 'me'})-[g:FOLLOWS]->(t) "
        "RETURN t.id AS id, f.accepted AS accepted, g IS NOT NULL AS follows ORDER BY id",
        {}, write=False)
    assert rows == [{"id": "x", "accepted": False, "follows": False},
                    {"id": "y", "accepted": True, "follows": True}]
    # Unfollowing an accepted suggestion does not bring it back; neither does time.
    ingest.unfollow("me", "y")
    follows(ingest, ("ana", "x"))
    assert ids(rec.follow_suggestions("me")) == ["z"]


def test_every_source_drops_an_answered_account_once_feedback_exists(
        ingest: Ingestor, rec: Recommender, store: GraphStore) -> None:
    """The sources read the user's answers as a list. Their plans are made (and cached)
    while the graph has no SUGGESTION_FEEDBACK edge at all; a rejection made afterwards
    must still drop the account from each source itself, not only from the final list."""
    users(ingest, "me", "ana", "x")
    follows(ingest, ("me", "ana"), ("ana", "x"), ("x", "me"))
    t = now_ms() - HOUR
    ingest.add_activities([{"actor": "ana", "foreign_id": "p1", "tags": ["snow"], "time": t}])
    ingest.track_engagements([{"user_id": u, "label": "like", "content_id": "p1", "score": 80,
                               "time": t} for u in ("me", "x")])
    now = now_ms()
    sources = {
        "suggest/find_friends_of_friends": {"followees": 10, "scan": 10, "limit": 10},
        "suggest/find_followers_back": {"limit": 10},
        "suggest/find_co_engagers": {"seeds": 10, "per_seed": 10, "limit": 10},
        "suggest/find_tag_fans": {"now": now, "decay": 1e-9, "tags": 5, "scan": 10},
    }

    def found() -> dict[str, set[str]]:
        return {name: {r["id"] for r in store.read(name, user_id="me", **params)}
                for name, params in sources.items()}

    assert all("x" in ids_ for ids_ in found().values())
    assert "x" in ids(rec.follow_suggestions("me"))
    rec.suggestion_feedback("me", "x", accepted=False)
    assert found() == {name: set() for name in sources}
    assert "x" not in ids(rec.follow_suggestions("me"))


def test_tag_fans_fill_a_short_list_and_are_not_asked_for_a_full_one(
        ingest: Ingestor, store: GraphStore, settings: Settings,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A fan of my tags has no evidence of its own: it can only take a shortlist place
    (``suggest_scored``) no candidate with evidence wants, so the fans are asked only then."""
    users(ingest, "me", "ana", "bo", "fan")
    follows(ingest, ("me", "ana"), ("ana", "bo"), ("bo", "me"))
    t = now_ms() - HOUR
    ingest.add_activities([{"actor": "ana", "foreign_id": "p1", "tags": ["snow"], "time": t},
                           {"actor": "fan", "foreign_id": "p2", "tags": ["snow"], "time": t}])
    ingest.track_engagements([
        {"user_id": "me", "label": "like", "content_id": "p1", "score": 80, "time": t},
        {"user_id": "fan", "label": "like", "content_id": "p2", "score": 80, "time": t}])
    asked: list[str] = []
    read = store.read

    def recording(name: str, **params: Any) -> list[dict[str, Any]]:
        asked.append(name)
        return read(name, **params)

    monkeypatch.setattr(store, "read", recording)

    def suggested(scored: int, first: int) -> list[str]:
        tuned = settings.recommend.model_copy(update={"suggest_scored": scored,
                                                      "suggest_popular": 1})
        asked.clear()
        return ids(Recommender(store, settings.model_copy(update={"recommend": tuned}))
                   .follow_suggestions("me", first))

    # bo (followed by ana, follows me) and ana (whose post I liked) have evidence.
    assert suggested(scored=2, first=1) == ["bo"]
    assert "suggest/find_tag_fans" not in asked
    assert set(suggested(scored=5, first=5)) == {"bo", "fan"}  # ana: already followed
    assert "suggest/find_tag_fans" in asked


def test_feedback_changes_its_mind_and_checks_its_input(ingest: Ingestor,
                                                        rec: Recommender) -> None:
    users(ingest, "me", "x")
    rec.suggestion_feedback("me", "x", accepted=False)
    rec.suggestion_feedback("me", "x", accepted=False)  # idempotent
    with pytest.raises(ValidationError):
        rec.suggestion_feedback("me", "me", accepted=True)
    with pytest.raises(ValidationError):
        rec.suggestion_feedback("me", "x", accepted="yes")  # type: ignore[arg-type]
    with pytest.raises(NotFound):
        rec.suggestion_feedback("me", "ghost", accepted=True)
    with pytest.raises(NotFound):
        rec.follow_suggestions("ghost")
    for first in (0, 101, False):
        with pytest.raises(ValidationError):
            rec.follow_suggestions("me", first=first)


def test_similar_interests_and_authors_you_engage_with(ingest: Ingestor,
                                                      rec: Recommender) -> None:
    users(ingest, "me", "snowy", "sunny", "creator")
    t = now_ms() - HOUR
    ingest.add_activities([
        {"actor": "creator", "foreign_id": "s1", "tags": ["snow", "ski"], "time": t},
        {"actor": "creator", "foreign_id": "s2", "tags": ["snow"], "time": t},
        {"actor": "sunny", "foreign_id": "b1", "tags": ["beach"], "time": t},
    ])
    ingest.track_engagements([
        {"user_id": "me", "label": "like", "content_id": "s1", "score": 80, "time": t},
        {"user_id": "snowy", "label": "like", "content_id": "s2", "score": 80, "time": t},
        {"user_id": "sunny", "label": "like", "content_id": "b1", "score": 80, "time": t},
    ])
    got = rec.follow_suggestions("me")
    by_id = {s.user.id: s for s in got}
    assert ids(got)[0] == "creator"
    assert "engaged_authors" in by_id["creator"].sources
    assert "you often engage with their posts" in by_id["creator"].reasons
    assert "similar_interests" in by_id["snowy"].sources
    assert "you both engage with #snow" in by_id["snowy"].reasons
    assert "sunny" not in by_id or ids(got).index("snowy") < ids(got).index("sunny")


def test_cold_start_suggests_popular_accounts(ingest: Ingestor, rec: Recommender) -> None:
    users(ingest, "newbie", "celeb", "nobody", "fan1", "fan2")
    follows(ingest, ("fan1", "celeb"), ("fan2", "celeb"))
    t = now_ms() - HOUR
    ingest.add_activities([{"actor": "celeb", "foreign_id": "c1", "time": t},
                           {"actor": "nobody", "foreign_id": "n1", "time": t}])
    ingest.track_engagements([{"user_id": f, "label": "like", "content_id": "c1", "score": 50,
                               "time": t} for f in ("fan1", "fan2")])
    got = rec.follow_suggestions("newbie")
    assert ids(got)[:2] == ["celeb", "nobody"]
    assert got[0].sources == ("popular",)
    assert got[0].reasons == ("popular: 2 followers",)



def test_trained_sources_suggest_neighbours_and_community_accounts(
        store: GraphStore, settings: Settings, ingest: Ingestor) -> None:
    """Two groups of friends, each engaging with its own group's #tag posts; `me` follows
    one of the left group. After training, the left group's accounts come with the
    embedding and community reasons; never `me`, never whom `me` follows, never a rejection."""
    from engine.learn.config import EmbeddingSettings, TrainSettings
    from engine.train import train_communities, train_embeddings

    t0 = now_ms() - 2 * HOUR
    left, right = [f"l{i}" for i in range(6)], [f"r{i}" for i in range(6)]
    users(ingest, "me", *left, *right)
    follows(ingest, *[(a, b) for g in (left, right) for a in g for b in g if a != b],
            ("l0", "r0"), ("me", "l1"))
    ingest.add_activities([{"actor": a, "foreign_id": f"{a}-p", "tags": [tag], "time": t0 + i}
                           for g, tag in ((left, "surfing"), (right, "chess"))
                           for i, a in enumerate(g)])
    ingest.track_engagements([
        {"user_id": u, "label": "like", "content_id": f"{a}-p", "score": 60, "time": t0 + 10}
        for g in (left, right) for u in g for a in g if u != a])
    rec = Recommender(store, settings)
    trained = {"embedding_neighbours", "same_community"}
    before = rec.follow_suggestions("me", 10)
    assert before and not any(trained & set(s.sources) for s in before)

    small = TrainSettings(embeddings=EmbeddingSettings(dimensions=16))
    train_communities(store, small)
    train_embeddings(store, small)
    rec.suggestion_feedback("me", "l3", accepted=False)
    after = rec.follow_suggestions("me", 10)
    assert not {"me", "l1", "l3"} & set(ids(after))
    community = [s for s in after if "same_community" in s.sources]
    assert {s.user.id for s in community} == {"l0", "l2", "l4", "l5"}
    neighbours = [s for s in after if "embedding_neighbours" in s.sources]
    assert neighbours and neighbours[0].user.id in left
    # Left-group accounts: followed by l1, like me by the vectors, popular in my community.
    assert community[0].reasons == ("followed by L1 you follow",
                                    "follows and engages much like you",
                                    "popular with people into #surfing like you")
    assert ids(after)[:4] == [s.user.id for s in community]


def test_the_blend_reads_the_stored_vectors_only_where_both_exist(
        store: GraphStore, ingest: Ingestor, rec: Recommender) -> None:
    """a, b, c and d are alike to the graph (each followed by f, whom me and new follow).
    Stored vectors: me's cosine to a is -0.9, to b -0.1, to d 0 (none positive: the
    embedding-neighbour source skips them, so only the blend can tell them apart); c and
    new have none."""
    import numpy as np

    from engine.learn import embeddings as emb
    from engine.learn.config import EmbeddingSettings
    from engine.learn.export import NodeSet
    from engine.learn.runs import activate, start_run

    users(ingest, "me", "new", "f", "a", "b", "c", "d")
    follows(ingest, ("me", "f"), ("new", "f"), ("f", "a"), ("f", "b"), ("f", "c"), ("f", "d"))

    def scores(user: str) -> dict[str, float]:
        return {s.user.id: s.score for s in rec.follow_suggestions(user, 10)}

    before, before_new = scores("me"), scores("new")
    assert before["a"] == before["b"] == before["c"] == before["d"] > 0
    run = start_run(store, "embeddings", {})
    emb.ensure_vector_indexes(store, run.slot, EmbeddingSettings(dimensions=2))
    ids = np.array(["me", "a", "b", "c", "d", "new", "f"], dtype=object)
    vectors = np.array([[1, 0], [-0.9, np.sqrt(0.19)], [-0.1, np.sqrt(0.99)], [0, 0], [0, 1],
                        [0, 0], [0, 0]], dtype=np.float32)  # zero rows are stored as no vector
    emb.write_vectors(store, "User", run.slot, NodeSet("User", ids), vectors, batch_size=10)
    activate(store, run, {})
    after = scores("me")
    assert after["b"] > after["a"]  # the ids alone would rank a first
    assert after["c"] == pytest.approx(before["c"], abs=1e-6)  # no vector: graph-only blend
    assert abs(after["c"] - after["d"]) > 1e-3  # no vector is not a cosine of 0
    assert scores("new") == pytest.approx(before_new, abs=1e-6)  # no vector: as before


def test_paths3_counts_paths_not_the_followees_that_reach(store: GraphStore,
                                                          ingest: Ingestor) -> None:
    """me -> x1 -> {b1, b2} -> c and me -> x2 -> b1 -> c: three paths through two followees
    (FalkorDB's anonymous middle hop would have counted 2)."""
    users(ingest, "me", "x1", "x2", "b1", "b2", "c")
    follows(ingest, ("me", "x1"), ("me", "x2"), ("x1", "b1"), ("x1", "b2"), ("x2", "b1"),
            ("b1", "c"), ("b2", "c"))
    rows = store.read("suggest/count_paths3", user_id="me", ids=["c", "b1"], followees=300)
    assert {r["id"]: r["paths3"] for r in rows} == {"c": 3}
