"""Like model: no leakage from the future, a known signal learned, exact persistence."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from engine.errors import ModelNotTrained, ValidationError
from engine.evaluate.datasets import INSTAGRAM_DIR, load_instagram
from engine.evaluate.likes import author_baselines, metrics, newest_post_split
from engine.learn.images import image_features
from engine.learn.likes import (
    DEFAULT_AGE_DAYS,
    HISTORY_FEATURES,
    LikeModel,
    build_features,
    parse_labels,
)

START = pd.Timestamp("2019-01-01", tz="UTC")
CAPTURED = START + pd.Timedelta(days=40)


def world(users: int = 80, posts_each: int = 12, seed: int = 7) -> tuple[pd.DataFrame,
                                                                        pd.DataFrame]:
    """Authors with their own level; videos -1, a location +0.6; young posts lag."""
    rng = np.random.default_rng(seed)
    authors, posts = [], []
    for u in range(users):
        level = rng.normal(8, 1.5)
        authors.append({"user_id": f"u{u}", "followers": int(math.exp(level + 3)),
                        "following": int(rng.integers(10, 1000)),
                        "posts_count": int(rng.integers(posts_each, 500))})
        days = np.sort(rng.uniform(0, 39.9, posts_each))
        for i, day in enumerate(days):
            video, located = rng.random() < 0.3, rng.random() < 0.4
            age = (CAPTURED - START).days - day
            log_likes = (level - 1.0 * video + 0.6 * located + rng.normal(0, 0.15)
                         + math.log(1 - math.exp(-age / 0.7)))  # likes still coming in
            posts.append({
                "post_id": f"u{u}p{i}", "user_id": f"u{u}",
                "taken_at": START + pd.Timedelta(days=float(day)),
                "likes": int(math.expm1(max(log_likes, 0.0))),
                "media_type": "video" if video else "image",
                "location": "Lisbon" if located else None,
                "caption": "hello #world", "hashtags": ["world"], "mentions": [],
                "accessibility_caption": None if video else "Image may contain: 1 person, outdoor",
            })  # fmt: skip
    return pd.DataFrame(posts), pd.DataFrame(authors)


def test_future_posts_do_not_change_earlier_features() -> None:
    posts, authors = world(users=3)
    target = "u0p5"
    before = build_features(posts, authors, captured_at=CAPTURED).loc[posts.post_id == target]

    changed = posts.copy()
    cut = posts.loc[posts.post_id == target, "taken_at"].iloc[0]
    future = (changed.user_id == "u0") & (changed.taken_at > cut)
    changed.loc[future, "likes"] = changed.loc[future, "likes"].sample(
        frac=1, random_state=1).to_numpy() * 1000 + 5  # shuffled and altered
    changed.loc[future, "media_type"] = "video"
    extra = posts[posts.post_id == target].assign(post_id="u0late", likes=10**9,
                                                  taken_at=cut + pd.Timedelta(hours=1))
    same_instant = posts[posts.post_id == target].assign(post_id="u0twin", likes=10**8)
    changed = pd.concat([changed, extra, same_instant]).sample(frac=1, random_state=2)
    after = build_features(changed, authors, captured_at=CAPTURED).loc[
        changed.post_id == target]
    pd.testing.assert_frame_equal(before.reset_index(drop=True), after.reset_index(drop=True))
    assert before["hist_count"].iloc[0] == 5  # exactly the five earlier posts


def test_history_is_the_strictly_earlier_posts() -> None:
    posts, authors = world(users=1, posts_each=4)
    features = build_features(posts, authors, captured_at=CAPTURED)
    logs = np.log1p(posts["likes"].to_numpy(dtype=float))
    assert features["hist_count"].tolist() == [0, 1, 2, 3]
    assert features["hist_mean"].isna().iloc[0]
    assert features["hist_mean"].iloc[3] == pytest.approx(logs[:3].mean())
    assert features["hist_max"].iloc[2] == pytest.approx(logs[:2].max())
    assert features["hist_last"].iloc[3] == pytest.approx(logs[2])
    assert set(HISTORY_FEATURES) <= set(features.columns)


def test_labels_are_parsed() -> None:
    assert parse_labels("Image may contain: 2 people, people standing and outdoor") == (
        2, ["people standing", "outdoor"])
    assert parse_labels("Image may contain: one or more people and closeup") == (
        1, ["one or more people", "closeup"])
    assert parse_labels("My own alt text") is None
    assert parse_labels(float("nan")) is None


@pytest.fixture(scope="module")
def trained() -> tuple[LikeModel, pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    posts, authors = world()
    posts["captured_at"] = CAPTURED
    train, test = newest_post_split(posts)
    model = LikeModel(rounds=250, seed=1).fit(train, authors)
    return model, train, test, authors, posts


def test_beats_the_author_mean_on_a_known_signal(trained) -> None:  # type: ignore[no-untyped-def]
    model, train, test, authors, _ = trained
    predicted = model.predict_frame(test, authors, train, age_days=None)
    y = np.log1p(test["likes"].to_numpy(dtype=float))
    ours = metrics(y, predicted["log_likes"].to_numpy())["log_mae"]
    baseline = metrics(y, author_baselines(train, test)["author_mean"])["log_mae"]
    assert ours < 0.6 * baseline
    assert (predicted["log_low"] <= predicted["log_likes"]).all()
    assert (predicted["log_likes"] <= predicted["log_high"]).all()


def test_prediction_says_its_age_and_why(trained) -> None:  # type: ignore[no-untyped-def]
    model, train, test, authors, _ = trained
    mature = model.predict(test.head(3), authors, train, top=4)
    assert all(p.age_days == DEFAULT_AGE_DAYS for p in mature)
    assert all(p.low <= p.likes <= p.high and len(p.contributions) == 4 for p in mature)
    young = model.predict(test.head(3), authors, train, age_days=0.05)
    assert all(y.likes < m.likes for y, m in zip(young, mature, strict=True))
    # Contributions are exact: base value + contributions = the prediction.
    _, x = model.matrix(test, authors, train, DEFAULT_AGE_DAYS, None)
    shap = model.contributions(x)
    assert np.allclose(shap.sum(axis=1), model.predict_frame(test, authors, train)["log_likes"])
    # Without any history the model still answers (from followers and the post).
    assert model.predict(test.head(1), authors)[0].likes > 0


def test_save_load_round_trip(trained, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    model, train, test, authors, _ = trained
    loaded = LikeModel.load(model.save(tmp_path / "likes"))
    a = model.predict_frame(test, authors, train)
    b = loaded.predict_frame(test, authors, train)
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    assert loaded.feature_names == model.feature_names
    assert loaded.metrics == model.metrics


def test_not_trained_and_missing_model(tmp_path: Path) -> None:
    posts, authors = world(users=1)
    with pytest.raises(ModelNotTrained):
        LikeModel().predict(posts, authors)
    with pytest.raises(ModelNotTrained):
        LikeModel.load(tmp_path)


@pytest.mark.parametrize("spoil", [
    lambda p, a: (p.drop(columns=["taken_at"]), a),
    lambda p, a: (p.drop(columns=["likes"]), a),
    lambda p, a: (p.assign(likes=-1), a),
    lambda p, a: (p.assign(likes=np.nan), a),
    lambda p, a: (p.assign(post_id="same"), a),
    lambda p, a: (p.assign(media_type="reel"), a),
    lambda p, a: (p.assign(taken_at="yesterday-ish"), a),
    lambda p, a: (p, a[a.user_id != "u0"]),
    lambda p, a: (p, a.drop(columns=["followers"])),
    lambda p, a: (p.head(10), a),
    lambda p, a: (p.iloc[:0], a),
    lambda p, a: ("not a frame", a),
])  # fmt: skip
def test_bad_training_input_is_a_validation_error(spoil) -> None:  # type: ignore[no-untyped-def]
    posts, authors = world(users=6)
    bad_posts, bad_authors = spoil(posts, authors)
    with pytest.raises(ValidationError):
        LikeModel(rounds=5).fit(bad_posts, bad_authors, captured_at=CAPTURED)


def test_bad_options_are_validation_errors(trained) -> None:  # type: ignore[no-untyped-def]
    model, train, test, authors, _ = trained
    with pytest.raises(ValidationError):
        LikeModel(exclude=("colour",))
    with pytest.raises(ValidationError):
        model.predict(test, authors, train, age_days=-1)
    with pytest.raises(ValidationError):  # the age is unknown
        model.predict(test.drop(columns=["captured_at"]), authors, train, age_days=None)
    with pytest.raises(ValidationError):  # captured before it was posted
        model.predict(test.assign(captured_at=START), authors, train, age_days=None)


def test_epoch_milliseconds_and_counts_from_the_graph(trained) -> None:  # type: ignore[no-untyped-def]
    model, train, test, authors, _ = trained
    as_graph = test.assign(
        taken_at=(test["taken_at"] - pd.Timestamp(0, tz="UTC")) // pd.Timedelta(milliseconds=1),
        hashtags=test["hashtags"].map(len), mentions=0).drop(columns=["captured_at"])
    a = model.predict_frame(test, authors, train)
    b = model.predict_frame(as_graph, authors, train)
    assert np.allclose(a["log_likes"], b["log_likes"])


def test_ablation_drops_its_group(trained) -> None:  # type: ignore[no-untyped-def]
    _, train, _, authors, _ = trained
    model = LikeModel(exclude=("history", "image"), rounds=20).fit(train, authors)
    assert not any(n.startswith(("hist_", "img_")) for n in model.feature_names)


DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / INSTAGRAM_DIR


@pytest.mark.data
@pytest.mark.skipif(not DATA.is_dir(), reason="../shared/data is absent")
def test_real_loader_counts() -> None:
    data = load_instagram(DATA)
    assert len(data.accounts) == 1897
    assert len(data.posts) == 22561
    assert data.posts["user_id"].nunique() == 1893  # four accounts have no posts
    assert data.posts["media_type"].value_counts().to_dict() == {
        "image": 14254, "sidecar": 4194, "video": 4113}
    assert data.captured_at == pd.Timestamp("2019-04-19 00:51:12", tz="UTC")
    assert (data.previews_total, data.previews_restored) == (18032, 18032)
    assert data.posts["post_id"].is_unique and data.posts["likes"].min() >= 0
    assert isinstance(data.posts["hashtags"].iloc[0], list)
    # Decodable previews: a sample with pixels.
    sample = data.posts["image"].dropna().sample(50, random_state=0)
    assert all(image_features(b)["img_width"] <= 42 for b in sample)


def test_the_callers_index_does_not_matter(trained) -> None:  # type: ignore[no-untyped-def]
    model, train, test, authors, _ = trained
    a = model.predict_frame(test, authors, train)
    b = model.predict_frame(test.set_axis([0] * len(test)), authors, train.iloc[::-1])
    assert list(b.index) == [0] * len(test)
    assert np.array_equal(a["log_likes"].to_numpy(), b["log_likes"].to_numpy())
