"""Graph export and communities, on the real embedded database."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from engine.errors import ModelNotTrained, NotFound
from engine.ingest import Ingestor
from engine.learn.communities import (
    NO_COMMUNITY,
    community_links,
    community_summary,
    detect,
    renumber,
    user_community,
)
from engine.learn.config import CommunitySettings, TrainSettings
from engine.learn.export import export_follows, export_graph, undirected
from engine.settings import Settings
from engine.store import GraphStore
from engine.train import train_communities

T0 = 1_700_000_000_000


def clique(names: list[str]) -> list[dict[str, str]]:
    return [{"source": a, "target": b} for a in names for b in names if a != b]


LEFT = [f"l{i}" for i in range(5)]
RIGHT = [f"r{i}" for i in range(5)]


def load_two_cliques(store: GraphStore, settings: Settings) -> Ingestor:
    ing = Ingestor(store, settings)
    ing.upsert_users([{"id": u, "name": u.upper()} for u in LEFT + RIGHT + ["loner"]])
    ing.follow_many(clique(LEFT) + clique(RIGHT) + [{"source": "l0", "target": "r0"}])
    return ing


def q(store: GraphStore, text: str) -> list[dict]:
    return store.execute(text, {}, write=False)


# -- export -------------------------------------------------------------------------------------
def test_export_round_trips_a_tiny_graph_exactly(store: GraphStore, settings: Settings) -> None:
    ing = Ingestor(store, settings)
    ing.upsert_users([{"id": "ann"}, {"id": "bob"}, {"id": "cy"}, {"id": "odd id \x1f 1"}])
    ing.follow_many([{"source": "ann", "target": "bob"}, {"source": "bob", "target": "ann"},
                     {"source": "cy", "target": "ann"}, {"source": "odd id \x1f 1",
                                                          "target": "cy"}])
    ing.add_activities([
        {"actor": "ann", "foreign_id": "p1", "tags": ["surf", "sea"], "time": T0},
        {"actor": "bob", "foreign_id": "p2", "tags": ["sea"], "time": T0},
        {"actor": "bob", "foreign_id": "p3", "time": T0},
    ])
    ing.track_engagements([
        {"user_id": "cy", "label": "like", "content_id": "p1", "score": 50, "time": T0},
        {"user_id": "cy", "label": "share", "content_id": "p1", "score": 30, "time": T0},
        {"user_id": "ann", "label": "view", "content_id": "p2", "score": 20, "time": T0},
        {"user_id": "bob", "label": "view", "content_id": "p3", "score": 0, "time": T0},
    ])
    e = export_graph(store, page_edges=1)  # one-edge pages: every window edge case
    users, posts, tags = e.users.index(), e.posts.index(), e.tags.index()
    assert set(users) == {"ann", "bob", "cy", "odd id \x1f 1"}
    assert set(posts) == {"p1", "p2", "p3"} and set(tags) == {"surf", "sea"}

    def edges(m: sp.csr_matrix, rows: np.ndarray, cols: np.ndarray) -> dict:
        c = m.tocoo()
        return {(rows[i], cols[j]): round(float(v), 6)
                for i, j, v in zip(c.row, c.col, c.data, strict=True)}

    assert edges(e.follows, e.users.ids, e.users.ids) == {
        ("ann", "bob"): 1.0, ("bob", "ann"): 1.0, ("cy", "ann"): 1.0, ("odd id \x1f 1", "cy"): 1.0}
    # Two engagements of one pair add up; a zero score carries no preference.
    assert edges(e.engaged, e.users.ids, e.posts.ids) == {("cy", "p1"): 0.8, ("ann", "p2"): 0.2}
    assert edges(e.posted, e.users.ids, e.posts.ids) == {
        ("ann", "p1"): 1.0, ("bob", "p2"): 1.0, ("bob", "p3"): 1.0}
    assert edges(e.tagged, e.posts.ids, e.tags.ids) == {
        ("p1", "surf"): 1.0, ("p1", "sea"): 1.0, ("p2", "sea"): 1.0}
    assert e.dropped == 0


def test_export_of_an_empty_graph(store: GraphStore) -> None:
    e = export_follows(store)
    assert len(e.users) == 0 and e.follows.shape == (0, 0)


def test_undirected_counts_mutual_follows_twice() -> None:
    a = sp.csr_matrix(np.array([[0, 1, 1], [1, 0, 0], [0, 0, 0]], dtype=float))
    assert undirected(a).toarray().tolist() == [[0, 2, 1], [2, 0, 0], [1, 0, 0]]


# -- detection (pure) -----------------------------------------------------------------------------
def two_cliques_matrix() -> sp.csr_matrix:
    n = 10
    pairs = [(i, j) for i in range(5) for j in range(5) if i != j]
    pairs += [(i + 5, j + 5) for i, j in pairs] + [(0, 5)]
    r, c = zip(*pairs, strict=True)
    return sp.csr_matrix((np.ones(len(r)), (r, c)), shape=(n, n))


@pytest.mark.parametrize("method", ["leiden", "louvain"])
def test_two_cliques_give_two_communities(method: str) -> None:
    p = detect(two_cliques_matrix(), CommunitySettings(method=method))
    assert p.count == 2 and p.sizes.tolist() == [5, 5]
    assert len(set(p.membership[:5])) == 1 and len(set(p.membership[5:])) == 1
    assert p.membership[0] != p.membership[5]
    assert p.modularity > 0.4


def test_detection_is_deterministic_for_a_seed() -> None:
    rng = np.random.default_rng(3)
    a = sp.random(400, 400, density=0.02, random_state=rng, format="csr")
    runs = [detect(a, CommunitySettings(), seed=7).membership for _ in range(2)]
    assert np.array_equal(runs[0], runs[1])


def test_renumber_orders_by_size_and_drops_small_groups() -> None:
    membership, sizes = renumber(np.array([5, 5, 9, 9, 9, 2]), min_size=2)
    assert membership.tolist() == [1, 1, 0, 0, 0, NO_COMMUNITY]
    assert sizes.tolist() == [3, 2]


def test_links_are_shares_of_cross_community_follows() -> None:
    follows = sp.csr_matrix(np.array([[0, 1, 1, 0], [0, 0, 0, 1], [0, 0, 0, 0], [0, 0, 0, 0]]))
    rows = community_links(follows, np.array([0, 0, 1, 2]), keep=5)
    assert {(r["source"], r["target"]): r["weight"] for r in rows} == {
        (0, 1): 0.5, (0, 2): 0.5, (1, 0): 1.0, (2, 0): 1.0}


# -- through the store --------------------------------------------------------------------------
def test_train_communities_writes_two_communities_back(store: GraphStore,
                                                        settings: Settings) -> None:
    load_two_cliques(store, settings)
    result = train_communities(store, TrainSettings())
    assert result.metrics["communities"] == 2
    rows = q(store, "MATCH (u:User) RETURN u.id AS id, u.community AS c")
    by_user = {r["id"]: r["c"] for r in rows}
    assert by_user["loner"] is None  # alone: no community
    assert len({by_user[u] for u in LEFT}) == 1 and len({by_user[u] for u in RIGHT}) == 1
    assert by_user["l1"] != by_user["r1"]
    mine = user_community(store, "l3")
    assert mine is not None and mine.community == by_user["l3"]
    assert [n.community for n in mine.neighbours] == [by_user["r1"]]
    assert user_community(store, "loner") is None


def test_community_summary(store: GraphStore, settings: Settings) -> None:
    ing = load_two_cliques(store, settings)
    ing.follow_many([{"source": "r1", "target": "l2"}, {"source": "r2", "target": "l2"}])
    ing.add_activities([{"actor": "l0", "foreign_id": "surf1", "tags": ["surfing", "sea"],
                         "time": T0}])
    ing.track_engagements([{"user_id": u, "label": "like", "content_id": "surf1", "score": 80,
                            "time": T0} for u in LEFT[1:]])
    with pytest.raises(ModelNotTrained):
        community_summary(store, 0)
    train_communities(store, TrainSettings())
    left = user_community(store, "l1").community
    s = community_summary(store, left)
    assert s.size == 5 and s.version == 1
    assert s.tags[:2] in (("surfing", "sea"), ("sea", "surfing"))
    assert s.top_accounts[0][:3] == ("l2", "L2", 6)  # 4 clique mates + r1 + r2
    assert [n.community for n in s.neighbours] == [user_community(store, "r1").community]
    with pytest.raises(NotFound):
        community_summary(store, 99)


def test_a_second_run_replaces_the_first(store: GraphStore, settings: Settings) -> None:
    load_two_cliques(store, settings)
    train_communities(store, TrainSettings())
    train_communities(store, TrainSettings(seed=1))
    versions = q(store, "MATCH (c:Community) RETURN DISTINCT c.version AS v")
    assert versions == [{"v": 2}]  # the older version was deleted after the flip
    runs = q(store, "MATCH (r:ModelRun {kind: 'communities'}) "
                    "RETURN r.version AS v, r.active AS active ORDER BY v")
    assert runs == [{"v": 1, "active": False}, {"v": 2, "active": True}]
    assert user_community(store, "l1").version == 2


class KeysetFake:
    """Answers the Neo4j export queries (keyset pages of lists) from Python, to check the
    paging and parsing on that side without a Neo4j server (the Cypher is linted)."""

    dialect = "neo4j"

    def __init__(self) -> None:
        self.users = [f"u{i:02d}" for i in range(25)]
        self.follows = {u: [v for v in self.users if v != u and (int(u[1:]) + int(v[1:])) % 4 == 0]
                        for u in self.users}
        self.calls = 0

    def read(self, name: str, after: str, limit: int) -> list[dict]:
        self.calls += 1
        page = sorted(u for u in self.users if u > after)[:limit]
        if name == "learn/list_users":
            return [{"ids": page, "n": len(page)}]
        assert name == "learn/list_follows"
        return [{"src": page, "dst": [self.follows[u] for u in page],
                 "last": page[-1] if page else None}]


def test_export_pages_the_neo4j_way(monkeypatch: pytest.MonkeyPatch) -> None:
    import engine.learn.export as export

    monkeypatch.setattr(export, "KEYSET_LIMIT", 7)
    fake = KeysetFake()
    e = export.export_follows(fake)  # type: ignore[arg-type]
    assert sorted(e.users.ids) == fake.users and fake.calls == 2 * 5  # 4 pages + 1 empty, twice
    got = {(e.users.ids[i], e.users.ids[j]) for i, j in zip(*e.follows.nonzero(), strict=True)}
    assert got == {(u, v) for u, vs in fake.follows.items() for v in vs}
