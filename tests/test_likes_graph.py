"""The like model trained from the graph: an imported Instagram-like sample, end to end."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from likes_sample import START
from likes_sample import write_sample as _sample

from engine.errors import ModelNotTrained, NotFound
from engine.importers.instagram import import_instagram
from engine.learn.likes_graph import frames_from_graph, load_latest, predict_for_post, train_likes
from engine.settings import Settings
from engine.store import GraphStore


def test_trains_from_the_graph_and_predicts_an_existing_post(
        tmp_path: Path, store: GraphStore, settings: Settings) -> None:
    _sample(tmp_path / "ig", accounts=25, posts_each=10)
    import_instagram(store, tmp_path / "ig", settings=settings, progress=False)
    # An event-API post: no like count, no media type; skipped for training.
    store.write("ingest/upsert_posts", rows=[{
        "actor": "100", "id": "demo1", "verb": "post", "object": "demo1", "caption": "hi",
        "image_url": None, "extra": None, "at": (START + 41 * 86400) * 1000, "tags": ["sea"]}])

    posts, authors = frames_from_graph(store, page_size=64)  # several pages
    assert len(posts) == 251 and posts["post_id"].is_unique and len(authors) == 25
    assert posts["likes"].isna().sum() == 1
    ig = posts[posts["post_id"] != "demo1"]
    assert (ig["captured_at"] == ig["taken_at"].max()).all()  # the snapshot's capture time

    model_dir = tmp_path / "models"
    result = train_likes(store, model_dir, progress=False, rounds=100)
    assert result["posts_with_likes"] == 250 and result["train_posts"] == 225
    assert (model_dir / result["version"] / "metadata.json").is_file()
    assert result["test"]["n"] == 25 and math.isfinite(result["test"]["log_mae"])

    model = load_latest(model_dir)
    assert model is not None and model.metrics["graph"]["train_posts"] == 225
    out = predict_for_post(store, model, "90105")
    assert out["actual"] is not None and math.isfinite(out["predicted"])
    assert 0 <= out["low"] <= out["predicted"] <= out["high"]
    assert out["age_days"] > 0 and out["contributions"]
    demo = predict_for_post(store, model, "demo1")
    assert demo["actual"] is None and math.isfinite(demo["predicted"])
    with pytest.raises(NotFound):
        predict_for_post(store, model, "nope")


def test_too_few_posts_with_likes_is_not_trained(tmp_path: Path, store: GraphStore,
                                                 settings: Settings) -> None:
    assert load_latest(tmp_path / "models") is None
    _sample(tmp_path / "ig", accounts=3, posts_each=5)
    import_instagram(store, tmp_path / "ig", settings=settings, progress=False)
    with pytest.raises(ModelNotTrained, match="graphfeed import-instagram"):
        train_likes(store, tmp_path / "models", progress=False)
    assert load_latest(tmp_path / "models") is None


def test_train_records_a_likes_model_run(tmp_path: Path, store: GraphStore,
                                         settings: Settings) -> None:
    from engine.learn.runs import active_run
    from engine.train import train_likes as train_recorded

    _sample(tmp_path / "ig", accounts=25, posts_each=10)
    import_instagram(store, tmp_path / "ig", settings=settings, progress=False)
    metrics = train_recorded(store, tmp_path / "models").metrics
    run = active_run(store, "likes")
    assert run is not None and run.status == "finished"
    assert metrics["posts"] == 250 and math.isfinite(metrics["log_mae"])
    assert (tmp_path / "models" / metrics["version"] / "metadata.json").is_file()


def test_a_failed_likes_run_is_recorded_and_not_active(tmp_path: Path, store: GraphStore,
                                                       settings: Settings) -> None:
    from engine.learn.runs import active_run, list_runs
    from engine.train import train_likes as train_recorded

    with pytest.raises(ModelNotTrained):
        train_recorded(store, tmp_path / "models")
    assert active_run(store, "likes") is None
    assert [r.status for r in list_runs(store, "likes", limit=5)] == ["failed"]
