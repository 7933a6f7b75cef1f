"""Trained post neighbours (`graphfeed train collaborative`) and the feed source reading them."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from engine.ingest import Ingestor
from engine.learn.collaborative import post_neighbours
from engine.learn.config import CollaborativeSettings, TrainSettings
from engine.learn.runs import active_run
from engine.recommend.candidates import Collaborative, UserContext
from engine.settings import Settings
from engine.store import GraphStore
from engine.train import train_collaborative
from engine.tuning import RecommendSettings

T0 = 1_700_000_000_000
AS_OF = T0 + 1_000_000
USERS = [f"u{i}" for i in range(12)]
POSTS = [f"p{i}" for i in range(16)]


def dense_walk(x: np.ndarray, alpha: float, beta: float) -> np.ndarray:
    """W[p, q] of the module doc, written out with dense arrays."""
    b = (x > 0).astype(float)
    dp, du = b.sum(axis=0), b.sum(axis=1)
    w = np.zeros((b.shape[1], b.shape[1]))
    for p in range(b.shape[1]):
        for q in range(b.shape[1]):
            if p != q and dp[p]:
                w[p, q] = sum(1 / (dp[p] ** alpha * du[v] ** alpha) for v in range(b.shape[0])
                              if b[v, p] and b[v, q]) / (1 + dp[q]) ** beta
    return w


def test_neighbours_are_each_posts_strongest_walk_scores() -> None:
    rng = np.random.default_rng(3)
    x = rng.random((30, 25)) * (rng.random((30, 25)) < 0.2)
    x[:, 24] = 0  # a post nobody engaged with: no list
    params = CollaborativeSettings(neighbours=4, alpha=0.8, beta=0.4, chunk_posts=7)
    found = post_neighbours(sp.csr_matrix(x), params)
    w = dense_walk(x, 0.8, 0.4)
    together = (x > 0).T.astype(int) @ (x > 0).astype(int)
    assert found.indptr[-1] == found.edges > 0
    for p in range(25):
        targets, scores, users = found.row(p)
        reachable = [q for q in range(25) if w[p, q] > 0]
        expected = sorted(reachable, key=lambda q: (-w[p, q], q))[:4]
        assert targets.tolist() == expected, p
        np.testing.assert_allclose(scores, w[p, expected], rtol=1e-12)
        assert users.tolist() == together[p, expected].tolist()
    assert found.row(24)[0].size == 0


def test_a_stored_zero_is_no_engagement() -> None:
    x = sp.csr_matrix(np.array([[1.0, 1.0, 0.0], [1.0, 0.0, 1.0]]))
    # The same engagements, with user 0 / post 2 stored as an explicit zero.
    with_zero = sp.csr_matrix((np.array([1.0, 1.0, 0.0, 1.0, 1.0]), np.array([0, 1, 2, 0, 2]),
                               np.array([0, 3, 5])), shape=(2, 3))
    assert with_zero.nnz == 5
    a, b = post_neighbours(x), post_neighbours(with_zero)
    for arr in ("indptr", "targets", "scores", "users"):
        np.testing.assert_array_equal(getattr(a, arr), getattr(b, arr))


def load(store: GraphStore, settings: Settings) -> Ingestor:
    """Twelve users engaging with overlapping posts, with positive scores that differ."""
    ing = Ingestor(store, settings)
    ing.upsert_users([{"id": u} for u in USERS])
    ing.add_activities([{"actor": USERS[i % 3], "foreign_id": p, "tags": ["t"], "time": T0 + i}
                        for i, p in enumerate(POSTS)])
    rng = np.random.default_rng(0)
    events = []
    for i, u in enumerate(USERS):
        for j in sorted(rng.choice(len(POSTS), size=5, replace=False).tolist()):
            events.append({"user_id": u, "label": "like", "content_id": POSTS[j],
                           "score": float(20 + (7 * i + 3 * j) % 80), "time": T0 + 100 + j})
    ing.track_engagements(events)
    return ing


def context(user: str) -> UserContext:
    return UserContext(user_id=user, as_of=AS_OF, following=0, engaged=5, tags={}, authors={})


def count(store: GraphStore, rel: str) -> int:
    rows = store.execute(f"MATCH (:Post)-[n:{rel}]->(:Post) RETURN count(n) AS n", {},
                         write=False)
    return int(rows[0]["n"])


def test_trained_scores_equal_the_live_walk_and_runs_flip_slots(store: GraphStore,
                                                               settings: Settings) -> None:
    load(store, settings)
    source = Collaborative()
    # Limits wide enough that the walk samples nothing: it then computes exactly W.
    wide = RecommendSettings(collaborative_seeds=50, collaborative_per_seed=500,
                             collaborative_neighbours=500, collaborative_per_neighbour=500,
                             collaborative_damp_top=500)
    walked = {u: source.fetch(store, context(u), wide, limit=50) for u in USERS[3:]}
    assert active_run(store, "collaborative") is None and any(walked.values())

    first = train_collaborative(store, TrainSettings(
        collaborative=CollaborativeSettings(neighbours=50, batch_size=7)))
    assert first.metrics["slot"] == "a" and first.metrics["relationships"] == count(
        store, "ALSO_ENGAGED_A") > 0
    for user, expected in walked.items():
        got = source.fetch(store, context(user), wide, limit=50)
        assert [c.post_id for c in got] == [c.post_id for c in expected], user
        np.testing.assert_allclose([c.strength for c in got],
                                   [c.strength for c in expected], rtol=1e-9)
        assert all(c.evidence["via"] >= 1 for c in got)
    # The walk is still there on demand, and answers the same.
    off = wide.model_copy(update={"collaborative_trained": False})
    assert source.fetch(store, context("u5"), off, 50) == walked["u5"]

    second = train_collaborative(store, TrainSettings(
        collaborative=CollaborativeSettings(neighbours=2, batch_size=1000)))
    assert second.metrics["slot"] == "b"
    assert count(store, "ALSO_ENGAGED_A") == 0  # the previous slot is cleared after the flip
    assert count(store, "ALSO_ENGAGED_B") == second.metrics["relationships"] <= 2 * len(POSTS)
    assert active_run(store, "collaborative").id == second.run_id  # type: ignore[union-attr]
    narrow = source.fetch(store, context("u5"), wide, limit=50)
    assert narrow and {c.post_id for c in narrow} <= {c.post_id for c in walked["u5"]}


def test_trained_source_skips_engaged_own_and_removed_posts(store: GraphStore,
                                                            settings: Settings) -> None:
    ing = load(store, settings)
    train_collaborative(store)
    user = "u1"  # the author of p1, p4, p7, ...
    before = Collaborative().fetch(store, context(user), RecommendSettings(), limit=50)
    assert before
    mine = {r["id"] for r in store.execute(
        "MATCH (:User {id: $u})-[:ENGAGED]->(p:Post) RETURN p.id AS id", {"u": user},
        write=False)}
    own = {p for i, p in enumerate(POSTS) if i % 3 == 1}
    assert (mine | own).isdisjoint(c.post_id for c in before)
    gone = before[0].post_id
    assert ing.remove_activities([gone]) == 1
    after = Collaborative().fetch(store, context(user), RecommendSettings(), limit=50)
    assert gone not in {c.post_id for c in after}
