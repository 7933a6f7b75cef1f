"""`graphfeed train`: ModelRun bookkeeping, the atomic flip, vectors and their neighbours."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from engine.errors import GraphfeedError
from engine.ingest import Ingestor
from engine.learn import embeddings as emb
from engine.learn.config import EmbeddingSettings, TrainSettings
from engine.learn.export import NodeSet
from engine.learn.neighbors import (
    similar_posts,
    similar_users,
    user_cosines,
    user_vectors,
)
from engine.learn.runs import TrainingInProgress, active_run, list_runs, start_run
from engine.settings import Settings
from engine.store import GraphStore
from engine.train import embed_new_nodes, train_embeddings

T0 = 1_700_000_000_000
SMALL = TrainSettings(embeddings=EmbeddingSettings(dimensions=16))
LEFT = [f"l{i}" for i in range(6)]
RIGHT = [f"r{i}" for i in range(6)]


def load_world(store: GraphStore, settings: Settings) -> Ingestor:
    """Two groups of friends who follow each other and engage with their group's posts."""
    ing = Ingestor(store, settings)
    ing.upsert_users([{"id": u} for u in LEFT + RIGHT])
    ing.follow_many([{"source": a, "target": b} for g in (LEFT, RIGHT) for a in g for b in g
                     if a != b] + [{"source": "l0", "target": "r0"}])
    posts = []
    for group, tag in ((LEFT, "surfing"), (RIGHT, "chess")):
        for i, author in enumerate(group):
            posts.append({"actor": author, "foreign_id": f"{author}-p", "tags": [tag],
                          "time": T0 + i})
    ing.add_activities(posts)
    ing.track_engagements([
        {"user_id": u, "label": "like", "content_id": f"{a}-p", "score": 60, "time": T0 + 10}
        for g in (LEFT, RIGHT) for u in g for a in g if u != a])
    return ing


def q(store: GraphStore, text: str) -> list[dict]:
    return store.execute(text, {}, write=False)


def test_train_records_runs_and_flips_the_active_version(store: GraphStore,
                                                         settings: Settings) -> None:
    load_world(store, settings)
    first = train_embeddings(store, SMALL)
    assert first.version == 1 and first.metrics["slot"] == "a"
    assert first.metrics["nodes"] == {"User": 12, "Post": 12, "Tag": 2}
    assert first.metrics["follow_auc"] > 0.6  # random pairs here are often linked too
    run = active_run(store, "embeddings")
    assert run is not None and run.id == "embeddings-1" and run.status == "finished"
    assert json.loads(q(store, "MATCH (r:ModelRun) RETURN r.params AS p")[0]["p"])["dimensions"] \
        == 16
    assert set(user_vectors(store, ["l1"])) == {"l1"}

    # The second run writes slot b; mid-write, readers still get version 1 from slot a.
    seen: list[tuple[int, str]] = []
    original = emb.write_vectors

    def spying(store_: GraphStore, label: str, slot: str, nodes: NodeSet, vectors: np.ndarray,
               batch_size: int, progress: bool = False) -> int:
        half = len(nodes) // 2
        written = original(store_, label, slot, NodeSet(nodes.label, nodes.ids[:half]),
                           vectors[:half], batch_size)
        rows = store_.read("neighbors/get_user_vectors", ids=LEFT)
        seen.extend((r["version"], active_run(store_, "embeddings").slot) for r in rows)
        assert similar_users(store_, "l1", 3)  # the index of the active slot still answers
        return written + original(store_, label, slot, NodeSet(nodes.label, nodes.ids[half:]),
                                  vectors[half:], batch_size)

    emb_write = pytest.MonkeyPatch()
    emb_write.setattr(emb, "write_vectors", spying)
    try:
        second = train_embeddings(store, SMALL.model_copy(update={"seed": 1}))
    finally:
        emb_write.undo()
    assert seen and set(seen) == {(1, "a")}
    assert second.version == 2 and second.metrics["slot"] == "b"
    runs = {r.id: (r.status, r.active) for r in list_runs(store, "embeddings")}
    assert runs == {"embeddings-1": ("finished", False), "embeddings-2": ("finished", True)}
    assert {r["version"] for r in store.read("neighbors/get_user_vectors", ids=LEFT)} == {2}
    # A third run goes back to slot a.
    assert train_embeddings(store, SMALL).metrics["slot"] == "a"


def test_a_failed_run_is_never_activated(store: GraphStore, settings: Settings,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    load_world(store, settings)
    train_embeddings(store, SMALL)

    def boom(*args: object, **kwargs: object) -> int:
        raise RuntimeError("disk full")

    monkeypatch.setattr(emb, "write_vectors", boom)
    with pytest.raises(RuntimeError):
        train_embeddings(store, SMALL)
    runs = {r.id: (r.status, r.active) for r in list_runs(store, "embeddings")}
    assert runs == {"embeddings-1": ("finished", True), "embeddings-2": ("failed", False)}
    assert "disk full" in list_runs(store, "embeddings")[0].error


def test_two_runs_of_a_kind_do_not_overlap(store: GraphStore) -> None:
    start_run(store, "embeddings", {})
    with pytest.raises(TrainingInProgress):
        start_run(store, "embeddings", {})
    start_run(store, "communities", {})  # another kind is fine
    forced = start_run(store, "embeddings", {}, force=True)
    assert forced.version == 2  # the refused start recorded nothing
    statuses = {r.id: r.status for r in list_runs(store, "embeddings")}
    assert statuses == {"embeddings-1": "abandoned", "embeddings-2": "running"}


def test_vector_neighbours_are_cosine_similarities(store: GraphStore, settings: Settings) -> None:
    """Known vectors: FalkorDB's distances come back as cosine similarities, best first."""
    ing = Ingestor(store, settings)
    ing.add_activities([{"actor": "ann", "foreign_id": p, "time": T0}
                        for p in ("east", "east-ish", "north", "west", "gone")])
    ing.remove_activities(["gone"])
    run = start_run(store, "embeddings", {})
    es = EmbeddingSettings(dimensions=2)
    emb.ensure_vector_indexes(store, run.slot, es)
    ids = np.array(["east", "east-ish", "north", "west", "gone"], dtype=object)
    vectors = emb.unit_rows(np.array([[1, 0], [0.9, 0.1], [0, 1], [-1, 0], [1, 0.01]],
                                     dtype=np.float32))
    emb.write_vectors(store, "Post", run.slot, NodeSet("Post", ids), vectors, batch_size=2)
    assert similar_posts(store, "east", 3) == []  # not active yet: nothing to read
    from engine.learn.runs import activate

    activate(store, run, {})
    got = similar_posts(store, "east", 3)
    assert [p for p, _ in got] == ["east-ish", "north", "west"]  # removed "gone" is skipped
    cos = float(vectors[0] @ vectors[1])
    assert np.allclose([s for _, s in got], [cos, 0.0, -1.0], atol=1e-3)


def test_nearest_users_on_a_tiny_graph(store: GraphStore, settings: Settings) -> None:
    load_world(store, settings)
    train_embeddings(store, SMALL)
    near = similar_users(store, "l1", 4)
    assert len(near) == 4 and all(u in LEFT for u, _ in near)
    assert near == sorted(near, key=lambda x: -x[1])
    posts = similar_posts(store, "l1-p", 3)
    assert posts and all(p.startswith("l") for p, _ in posts)
    cos = user_cosines(store, "l1", ["l2", "r2", "nobody"])
    assert set(cos) == {"l2", "r2"} and cos["l2"] > cos["r2"]


def test_new_nodes_are_embedded_from_their_neighbours(store: GraphStore,
                                                      settings: Settings) -> None:
    ing = load_world(store, settings)
    assert embed_new_nodes(store, SMALL).users == 0  # nothing trained: nothing to do
    train_embeddings(store, SMALL)
    ing.upsert_users([{"id": "newbie"}, {"id": "hermit"}])
    ing.follow_many([{"source": "newbie", "target": u} for u in LEFT[:3]])
    ing.add_activities([{"actor": "r1", "foreign_id": "fresh", "tags": ["chess"]}])
    report = embed_new_nodes(store, SMALL)
    assert (report.users, report.posts, report.skipped) == (1, 1, 1)  # hermit: no neighbours
    assert all(u in LEFT for u, _ in similar_users(store, "newbie", 3))
    assert all(p.startswith("r") for p, _ in similar_posts(store, "fresh", 3))


def test_a_dimension_change_rebuilds_only_the_slot_being_written(store: GraphStore) -> None:
    emb.ensure_vector_indexes(store, "a", EmbeddingSettings(dimensions=8))
    done = emb.ensure_vector_indexes(store, "b", EmbeddingSettings(dimensions=4))
    assert done == ["dropped User.embedding_b (8 dims)", "created User.embedding_b (4 dims)",
                    "dropped Post.embedding_b (8 dims)", "created Post.embedding_b (4 dims)"]
    dims = emb.vector_indexes(store)
    assert dims[("User", "embedding_a")] == 8 and dims[("Post", "embedding_b")] == 4


def test_cli_train_and_status(store: GraphStore, settings: Settings,
                              monkeypatch: pytest.MonkeyPatch) -> None:
    load_world(store, settings)
    import engine.cli.common as common
    import engine.cli.train  # noqa: F401  (registers the command)
    from engine.cli import main

    class Borrowed:
        def __enter__(self) -> GraphStore:
            return store

        def __exit__(self, *exc: object) -> None:
            return None

    monkeypatch.setattr(common, "opened_store", lambda **kw: Borrowed())
    monkeypatch.setattr("engine.cli.train.opened_store", lambda **kw: Borrowed())
    runner = CliRunner()
    result = runner.invoke(main, ["train", "all", "--dimensions", "8", "--no-progress"])
    assert result.exit_code == 0, result.output
    for run in ("communities-1", "embeddings-1", "collaborative-1"):
        assert f"{run} is active" in result.output
    status = runner.invoke(main, ["train", "status"])
    assert status.exit_code == 0 and "embeddings-1" in status.output
    assert "collabor" in status.output  # the table is 80 columns wide here: the id is cut
    assert {r.kind for r in list_runs(store)} == {"communities", "embeddings", "collaborative"}


def test_activating_a_run_that_is_not_running_fails(store: GraphStore) -> None:
    from engine.learn.runs import activate, fail

    run = start_run(store, "embeddings", {})
    fail(store, run, "stopped")
    with pytest.raises(GraphfeedError):
        activate(store, run, {})


def test_embedding_candidate_sources(store: GraphStore, settings: Settings) -> None:
    from engine.recommend.candidates import UserContext
    from engine.recommend.graph_sources import (
        EmbeddingNeighbourAuthors,
        EmbeddingNeighbourPosts,
        embedding_accounts,
        reason,
    )
    from engine.tuning import RecommendSettings

    ing = load_world(store, settings)
    ctx = UserContext(user_id="newbie", as_of=T0 + 3_600_000, following=0, engaged=1, tags={},
                      authors={"l1": 1.0}, author_names={"l1": "Lou"})
    ing.upsert_users([{"id": "newbie"}])
    ing.track_engagements([{"user_id": "newbie", "label": "like", "content_id": "l1-p",
                            "score": 90, "time": T0 + 20}])
    cfg = RecommendSettings()
    assert EmbeddingNeighbourPosts().fetch(store, ctx, cfg, 10) == []  # before training
    assert embedding_accounts(store, "l1") == []
    train_embeddings(store, SMALL)
    posts = EmbeddingNeighbourPosts().fetch(store, ctx, cfg, 5)
    assert posts and all(c.post_id.startswith("l") and c.post_id != "l1-p" for c in posts)
    assert reason(posts[0]) == "similar to posts you engaged with"
    by_author = EmbeddingNeighbourAuthors().fetch(store, ctx, cfg, 5)
    assert by_author and all(c.evidence["author_id"] in set(LEFT) - {"l1"} for c in by_author)
    assert "like Lou" in reason(by_author[0])
    ing.unfollow("l1", "l2")
    accounts = embedding_accounts(store, "l1", 5)
    assert accounts and accounts[0][0] in LEFT and "l1" not in {a for a, _, _ in accounts}
    assert {a for a, _, _ in accounts} <= {"l2", "newbie", *RIGHT}  # not followed by l1


def test_the_default_feed_proposes_embedding_neighbours_once_trained(
        store: GraphStore, settings: Settings) -> None:
    from engine.recommend import Recommender
    from engine.recommend.graph_sources import EmbeddingNeighbourPosts

    ing = load_world(store, settings)
    ing.upsert_users([{"id": "newbie"}])
    # Two engagements at the same time: the stronger one seeds the embedding source.
    ing.track_engagements([
        {"user_id": "newbie", "label": "like", "content_id": "l1-p", "score": 90,
         "time": T0 + 20},
        {"user_id": "newbie", "label": "like", "content_id": "r1-p", "score": 10,
         "time": T0 + 20}])
    now = T0 + 3_600_000
    rec = Recommender(store, settings, clock=lambda: now)
    assert {"embedding_posts", "embedding_authors", "community_trending"} <= set(
        s.name for s in rec.sources)
    ctx = rec.ranker.context("newbie", now)

    def proposed_by(source: str, per_source: int = 10) -> set[str]:
        found = rec.ranker.candidates(ctx, per_source)
        return {pid for pid, cands in found.items() if any(c.source == source for c in cands)}

    assert proposed_by("embedding_posts") == set()  # before training: nothing, no error
    assert rec.feed("newbie").items  # and the feed still ranks with the other sources
    train_embeddings(store, SMALL)
    rec.sources.register(EmbeddingNeighbourPosts(seeds=1), replace=True)
    near = proposed_by("embedding_posts", 3)
    assert near and all(p.startswith("l") for p in near)  # l1-p's group, not r1-p's
    items = rec.feed("newbie", first=20).items
    assert any("embedding_posts" in i.sources for i in items)


def write_tiny_hetrec(folder: Path) -> None:
    """Two taste groups of 8 users, each listening to 8 of its group's 12 artists."""
    rng = np.random.default_rng(0)
    listens, friends, tagged = [], [], []
    for group in (0, 1):
        users = [group * 100 + i for i in range(1, 9)]
        artists = [group * 100 + a for a in range(1, 13)]
        for u in users:
            for a in rng.choice(artists, size=8, replace=False).tolist():
                listens.append(f"{u}\t{a}\t{int(rng.integers(1, 500))}")
                tagged.append(f"{u}\t{a}\t{group + 1}\t1\t1\t2010")
            friends += [f"{u}\t{v}" for v in users if v != u]
    (folder / "user_artists.dat").write_text("userID\tartistID\tweight\n" + "\n".join(listens))
    (folder / "user_friends.dat").write_text("userID\tfriendID\n" + "\n".join(friends))
    (folder / "user_taggedartists.dat").write_text(
        "userID\tartistID\ttagID\tday\tmonth\tyear\n" + "\n".join(tagged))
    (folder / "tags.dat").write_text("tagID\ttagValue\n1\tjazz\n2\tmetal\n")


def test_evaluate_feed_trains_and_reports_the_feed_with_and_without_graph_sources(
        tmp_path: Path, settings: Settings) -> None:
    from engine.evaluate.feed import evaluate_feed, tuning_grid, write_report

    write_tiny_hetrec(tmp_path)
    s = settings.model_copy(update={"train": SMALL})
    grid = tuning_grid(s.recommend.weights)
    result = evaluate_feed(tmp_path, settings=s, target="valid", variants=grid, progress=False)
    assert result["target"] == "valid" and result["graph_sources"] is True
    assert result["trained"]["embeddings"]["nodes"]["Post"] == 24
    assert result["trained"]["communities"]["communities"] == 2
    assert {"feed", "feed_without_graph", "popularity"} <= set(result)
    assert set(result["variants"]) == set(grid)
    proposed = set(result["top10_sources"])
    assert {"embedding_posts", "community_trending"} <= proposed
    # The taste groups are disjoint: any ranker that uses them beats popularity.
    assert result["feed"]["recall@10"] >= result["popularity"]["recall@10"]
    json_path, png_path = write_report(result, tmp_path / "out")
    assert json_path.name.endswith("-valid.json") and png_path.stat().st_size > 0
    plain = evaluate_feed(tmp_path, settings=s, graph=False, progress=False)
    assert "feed_without_graph" not in plain and plain["trained"] == {}
    assert not {"embedding_posts", "community_trending"} & set(plain["top10_sources"])


def test_evaluate_feed_can_keep_the_serving_candidate_budget(tmp_path: Path,
                                                             settings: Settings) -> None:
    from engine.evaluate.feed import evaluate_feed, write_report

    write_tiny_hetrec(tmp_path)
    s = settings.model_copy(update={"train": SMALL})
    tight = s.recommend.model_copy(update={"per_source": 1})
    widened = evaluate_feed(tmp_path, settings=s, recommend=tight, graph=False, progress=False)
    serving = evaluate_feed(tmp_path, settings=s, recommend=tight, graph=False,
                            limits="serving", progress=False)
    assert (widened["limits"], widened["settings"]["per_source"]) == ("widened", 200)
    assert (serving["limits"], serving["settings"]["per_source"]) == ("serving", 1)
    # One candidate per source leaves most of the ranking to the popularity tail.
    assert serving["feed"]["recall@10"] <= widened["feed"]["recall@10"]
    json_path, _ = write_report(serving, tmp_path / "out")
    assert json_path.name.endswith("-serving.json")
    with pytest.raises(GraphfeedError):
        evaluate_feed(tmp_path, settings=s, limits="tiny", progress=False)
