"""Like predictions as a service: new posts through the training feature code, stored
posts against their likes, typed errors, and the server's model holder."""

from __future__ import annotations

import math
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from likes_sample import START, grey_image, jpeg, write_sample

from engine.errors import ModelNotTrained, NotFound, ValidationError
from engine.importers.instagram import import_instagram
from engine.learn.likes import DEFAULT_AGE_DAYS, LikeModel
from engine.learn.likes_graph import load_latest, train_likes
from engine.learn.predict import LikeEstimate, LikeModels, check_post, predict_new_post
from engine.settings import Settings
from engine.store import GraphStore, open_store

POSTED = (START + 41 * 86400) * 1000  # a day after the sample's newest post


@dataclass
class Trained:
    store: GraphStore
    model: LikeModel
    model_dir: Path


@pytest.fixture(scope="module")
def trained(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Trained]:
    folder = tmp_path_factory.mktemp("likes")
    write_sample(folder / "ig", accounts=25, posts_each=10, previews=True)
    store = open_store(settings, graph=f"test_{uuid.uuid4().hex[:12]}")
    try:
        import_instagram(store, folder / "ig", settings=settings, progress=False)
        train_likes(store, folder / "models", progress=False, rounds=100)
        model = load_latest(folder / "models")
        assert model is not None
        yield Trained(store, model, folder / "models")
    finally:
        store.delete_graph()
        store.db.connection.close()


def predict(t: Trained, **kwargs: object) -> LikeEstimate:
    args: dict[str, object] = {"user_id": "100", "posted_at": POSTED, "media_type": "image"}
    args.update(kwargs)
    return predict_new_post(t.store, t.model, **args)  # type: ignore[arg-type]


def test_a_new_post_gets_likes_an_interval_and_its_reasons(trained: Trained) -> None:
    out = predict(trained, caption="Sunset #sea @ana", tags=["sun"])
    assert all(math.isfinite(v) for v in (out.likes, out.low, out.high))
    assert 0 <= out.low <= out.likes <= out.high
    assert out.age_days == DEFAULT_AGE_DAYS and out.level == 0.8
    assert out.model_version == trained.model.version is not None
    effects = [c.effect for c in out.contributions]
    assert effects == sorted(effects, key=lambda e: -abs(e))
    # Contributions are exact SHAP values: base + contributions = the point prediction.
    assert math.log1p(out.baseline_likes) + sum(effects) == pytest.approx(math.log1p(out.likes))
    values = {c.feature: c.value for c in out.contributions}
    assert values["n_hashtags"] == 2 and values["n_mentions"] == 1  # "sun" + "#sea"; "@ana"
    assert values["hist_count"] == 10  # every sample post is before POSTED
    assert values["img_brightness"] is None  # no image: unknown, not zero
    labels = {c.feature: c.label for c in out.contributions}
    assert labels["hist_mean"] == "author's average likes on earlier posts"


def test_history_is_strictly_before_posted_at(trained: Trained) -> None:
    early = predict(trained, posted_at=(START - 86400) * 1000)
    values = {c.feature: c.value for c in early.contributions}
    assert values["hist_count"] == 0


def test_the_image_is_measured_as_training_images_were(trained: Trained) -> None:
    bright = predict(trained, image=jpeg(grey_image(230, 400)))
    dark = predict(trained, image=jpeg(grey_image(25, 400)))
    b = {c.feature: c.value for c in bright.contributions}
    d = {c.feature: c.value for c in dark.contributions}
    assert b["img_brightness"] > 0.8 > 0.2 > d["img_brightness"]
    # Shrunk to the training previews' 42 px before measuring; the post keeps its size.
    assert b["img_width"] == trained.model.image_side == 42 and b["aspect"] == 1.0
    # The sample's likes grow with brightness, and the model learned it.
    assert bright.likes > dark.likes


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"media_type": "reel"}, "media_type"),
    ({"caption": "x" * 10_001}, "caption"),
    ({"tags": ["ok", ""]}, "tags"),
    ({"tags": [f"t{i}" for i in range(65)]}, "tags"),
    ({"posted_at": 1_550_000_000}, "posted_at"),  # seconds, not milliseconds
    ({"posted_at": "3000-01-01T00:00:00Z"}, "posted_at"),
    ({"posted_at": "yesterday"}, "posted_at"),
    ({"image": b"not an image"}, "image"),
    ({"image": b""}, "image"),
    ({"user_id": " "}, "user_id"),
])
def test_bad_input_is_a_validation_error_naming_the_field(
        trained: Trained, kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        predict(trained, **kwargs)
    assert caught.value.details["field"] == field


def test_unknown_user_is_not_found(trained: Trained) -> None:
    with pytest.raises(NotFound):
        predict(trained, user_id="ghost")


def test_a_stored_post_against_its_actual_likes(trained: Trained) -> None:
    out = check_post(trained.store, trained.model, "90105")
    assert out.actual is not None and out.actual > 0
    assert out.within_interval == (out.estimate.low <= out.actual <= out.estimate.high)
    assert out.estimate.age_days > 0 and out.estimate.contributions
    with pytest.raises(NotFound):
        check_post(trained.store, trained.model, "nope")


def test_the_holder_loads_once_and_picks_up_newer_versions(trained: Trained,
                                                           tmp_path: Path) -> None:
    holder = LikeModels(tmp_path / "likes", refresh_s=0)
    assert holder.get() is None
    with pytest.raises(ModelNotTrained, match="graphfeed train likes"):
        holder.require()
    trained.model.save(tmp_path / "likes" / "20260101T000000Z")
    first = holder.require()
    assert first.version == "20260101T000000Z" and holder.get() is first  # not reloaded
    # A half-written version (no metadata.json yet) is not a model.
    (tmp_path / "likes" / "20270101T000000Z").mkdir()
    assert holder.get() is first
    # A broken newer version is logged and skipped; the current model stays in service.
    broken = tmp_path / "likes" / "20280101T000000Z"
    broken.mkdir()
    (broken / "metadata.json").write_text("{")
    assert holder.get() is first
    shutil.rmtree(broken)
    trained.model.save(tmp_path / "likes" / "20290101T000000Z")
    assert holder.require().version == "20290101T000000Z"
    # With a refresh interval, the folder is not looked at again before it elapses.
    slow = LikeModels(tmp_path / "likes", refresh_s=3600)
    assert slow.require().version == "20290101T000000Z"
    trained.model.save(tmp_path / "likes" / "20300101T000000Z")
    assert slow.require().version == "20290101T000000Z"


def test_saved_models_remember_their_image_size(trained: Trained, tmp_path: Path) -> None:
    loaded = LikeModel.load(trained.model.save(tmp_path / "m"))
    assert loaded.image_side == trained.model.image_side == 42
    assert not list((tmp_path / "m").glob("*.partial"))
    x = np.zeros((1, len(loaded.feature_names)))
    assert np.allclose(loaded.contributions(x), trained.model.contributions(x))
