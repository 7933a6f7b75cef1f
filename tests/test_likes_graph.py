"""The like model trained from the graph: an imported Instagram-like sample, end to end."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from engine.errors import ModelNotTrained, NotFound
from engine.importers.instagram import import_instagram
from engine.learn.likes_graph import frames_from_graph, load_latest, predict_for_post, train_likes
from engine.settings import Settings
from engine.store import GraphStore

START = 1_550_000_000  # seconds, as the set's taken_at_timestamp


def _sample(folder: Path, accounts: int, posts_each: int, seed: int = 3) -> None:
    """Accounts and posts in the set's CSV layout; likes follow followers and videos."""
    rng = np.random.default_rng(seed)
    folder.mkdir()
    followers = np.exp(rng.uniform(6, 13, accounts)).astype(int)
    pd.DataFrame({
        "username": [f"acct{a}" for a in range(accounts)],
        "id": [str(100 + a) for a in range(accounts)], "full_name": None,
        "edge_followed_by": followers, "edge_follow": rng.integers(10, 900, accounts),
        "edge_owner_to_timeline_media": rng.integers(posts_each, 900, accounts),
        "edge_felix_video_timeline": 0, "highlight_reel_count": 0,
        "is_verified": rng.random(accounts) < 0.3, "is_business_account": False,
        "business_category_name": None, "is_private": False, "external_url": None,
        "biography": None, "n_posts_in_file": posts_each,
    }).to_csv(folder / "accounts.csv", index=False)
    rows = []
    for a in range(accounts):
        times = np.sort(rng.integers(START, START + 40 * 86400, posts_each))
        for i, t in enumerate(times):
            video = rng.random() < 0.3
            likes = int(followers[a] * 0.05 * (0.4 if video else 1.0) * rng.lognormal(0, 0.2))
            rows.append({
                "shortcode": f"S{a}x{i}", "id": str(90_000 + a * 100 + i),
                "owner_username": f"acct{a}", "taken_at_timestamp": int(t), "taken_at_utc": "",
                "__typename": "GraphVideo" if video else "GraphImage", "is_video": video,
                "edge_liked_by": likes, "edge_media_to_comment": likes // 50,
                "video_view_count": likes * 5 if video else None, "comments_disabled": False,
                "location": "Lisbon" if i % 3 == 0 else None, "width": 1080, "height": 1080,
                "hashtags": "sea sun" if i % 2 else None, "mentions": None,
                "caption": "#sea #sun" if i % 2 else None,
                "accessibility_caption": None if video else "Image may contain: 1 person, ocean",
                "display_url": None,
                # A broken preview must only cost that post its image features.
                "media_preview_b64": "ACoqAAAA" if i == 0 else None,
            })  # fmt: skip
    pd.DataFrame(rows).to_csv(folder / "posts.csv", index=False)


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
