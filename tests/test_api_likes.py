"""Like prediction over real HTTP: predictLikes and analyzeFeatures' like check, on a
server with a small trained model (``likes_api``) and one without (``live_api``)."""

from __future__ import annotations

import base64
import math
from typing import Any

import numpy as np
from api_server import LIKES_MAX_IMAGE_BYTES, LiveApi
from likes_sample import grey_image, jpeg

pytest_plugins = ["api_server"]

PREDICT = """query($input: PredictLikesInput!, $first: Int! = 5) { predictLikes(input: $input) {
  expectedLikes low high level ageDays baselineLikes modelVersion
  contributions(first: $first) { feature label value effect } } }"""
ANALYZE = """query($p: ID!) { analyzeFeatures(postId: $p) { post { id }
  likes { actualLikes withinInterval
          prediction { expectedLikes low high ageDays contributions { feature effect } } } } }"""
POSTED = "2019-03-26T18:00:00Z"  # after every post of the sample


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def inputs(**fields: Any) -> dict[str, Any]:
    return {"input": {"userId": "100", "postedAt": POSTED, "mediaType": "IMAGE", **fields}}


def error(response: Any) -> dict[str, Any]:
    body = response.json()
    assert body.get("data") is None, body
    return body["errors"][0]  # type: ignore[no-any-return]


def test_predicts_likes_an_interval_and_the_reasons(likes_api: LiveApi) -> None:
    out = likes_api.gql(PREDICT, {**inputs(caption="Low tide #sea", tags=["sun"],
                                           image=b64(jpeg(grey_image(150, 300)))),
                                  "first": 100})["predictLikes"]
    numbers = [out[k] for k in ("expectedLikes", "low", "high", "baselineLikes", "ageDays")]
    assert all(isinstance(v, float) and math.isfinite(v) for v in numbers)
    assert 0 <= out["low"] <= out["expectedLikes"] <= out["high"]
    assert out["level"] == 0.8 and out["ageDays"] == 7.0 and out["modelVersion"]
    effects = [c["effect"] for c in out["contributions"]]
    assert len(effects) > 20 and effects == sorted(effects, key=lambda e: -abs(e))
    # Exact contributions: they and the baseline add up to the prediction (log scale).
    assert math.isclose(math.log1p(out["baselineLikes"]) + sum(effects),
                        math.log1p(out["expectedLikes"]), rel_tol=1e-9, abs_tol=1e-9)
    values = {c["feature"]: c["value"] for c in out["contributions"]}
    assert values["n_hashtags"] == 2 and values["hist_count"] == 10
    assert all(c["label"] for c in out["contributions"])
    top = likes_api.gql(PREDICT, inputs())["predictLikes"]["contributions"]
    assert len(top) == 5


def test_a_brighter_image_changes_the_image_features_and_the_likes(likes_api: LiveApi) -> None:
    def predict(level: int | None) -> dict[str, Any]:
        image = None if level is None else b64(jpeg(grey_image(level, 200)))
        return likes_api.gql(PREDICT, {**inputs(image=image), "first": 100})["predictLikes"]

    def value(out: dict[str, Any], feature: str) -> float | None:
        return next(c["value"] for c in out["contributions"] if c["feature"] == feature)

    bright, dark, none = predict(230), predict(25), predict(None)
    assert value(bright, "img_brightness") > 0.8 > 0.2 > value(dark, "img_brightness")
    assert value(none, "img_brightness") is None
    assert bright["expectedLikes"] > dark["expectedLikes"]  # the sample's likes follow light
    # A data: URL is accepted as well.
    data_url = "data:image/jpeg;base64," + b64(jpeg(grey_image(230, 200)))
    same = likes_api.gql(PREDICT, {**inputs(image=data_url), "first": 100})["predictLikes"]
    assert same["expectedLikes"] == bright["expectedLikes"]


def test_no_trained_model_is_a_typed_error(live_api: LiveApi) -> None:
    response = live_api.post(PREDICT, {"input": {"userId": "alice"}})
    assert response.status_code == 200
    err = error(response)
    assert err["extensions"]["code"] == "MODEL_NOT_TRAINED"
    assert "graphfeed train likes" in err["message"]
    analysis = live_api.gql(ANALYZE, {"p": "b1"})["analyzeFeatures"]
    assert analysis["post"] == {"id": "b1"} and analysis["likes"] is None


def test_unknown_user_is_not_found(likes_api: LiveApi) -> None:
    err = error(likes_api.post(PREDICT, inputs(userId="ghost")))
    assert err["extensions"] == {"code": "NOT_FOUND", "ids": ["ghost"]}


def test_bad_input_is_invalid_input_naming_the_field(likes_api: LiveApi) -> None:
    cases = [
        ({"image": "not base64!"}, "input.image"),
        ({"image": b64(b"GIF89a but not really")}, "input.image"),
        ({"image": "data:image/png,rawbytes"}, "input.image"),
        ({"caption": "x" * 10_001}, "input.caption"),
        ({"tags": ["", "sea"]}, "input.tags"),
        ({"postedAt": "1990-01-01T00:00:00Z"}, "input.postedAt"),
    ]
    for fields, field in cases:
        err = error(likes_api.post(PREDICT, inputs(**fields)))
        assert err["extensions"]["code"] == "INVALID_INPUT", (fields, err)
        assert err["extensions"]["field"] == field, (fields, err)
    err = error(likes_api.post(PREDICT, {**inputs(), "first": 0}))
    assert err["extensions"] == {"code": "INVALID_INPUT", "field": "first", "limit": 100}


def test_a_media_type_outside_the_enum_is_rejected_before_running(likes_api: LiveApi) -> None:
    # mediaType is an enum: GraphQL itself rejects other values, as a request error.
    response = likes_api.post(PREDICT, inputs(mediaType="REEL"))
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_a_user_token_predicts_only_for_its_own_user(likes_api: LiveApi) -> None:
    own = likes_api.token("100")
    assert likes_api.gql(PREDICT, inputs(), auth=own)["predictLikes"]["expectedLikes"] > 0
    response = likes_api.post(PREDICT, inputs(userId="101"), auth=own)
    assert response.status_code == 200
    assert error(response)["extensions"]["code"] == "FORBIDDEN"


def test_image_size_limits(likes_api: LiveApi) -> None:
    noise = np.random.default_rng(0).integers(0, 256, 180_000, dtype=np.uint8).tobytes()
    # Over the image limit but inside the body limit: INVALID_INPUT with the limit.
    err = error(likes_api.post(PREDICT, inputs(image=b64(noise[:LIKES_MAX_IMAGE_BYTES + 1]))))
    assert err["extensions"] == {"code": "INVALID_INPUT", "field": "input.image",
                                 "limit": LIKES_MAX_IMAGE_BYTES}
    # Over the body limit: refused before it is read, saying why.
    response = likes_api.post(PREDICT, inputs(image=b64(noise)))
    assert response.status_code == 413
    err = response.json()["errors"][0]
    assert err["extensions"]["code"] == "PAYLOAD_TOO_LARGE"
    assert "image sent as base64" in err["message"]


def test_analyze_features_compares_predicted_and_actual_likes(likes_api: LiveApi) -> None:
    likes = likes_api.gql(ANALYZE, {"p": "90105"})["analyzeFeatures"]["likes"]
    prediction = likes["prediction"]
    assert likes["actualLikes"] > 0 and prediction["ageDays"] > 0
    assert 0 <= prediction["low"] <= prediction["expectedLikes"] <= prediction["high"]
    inside = prediction["low"] <= likes["actualLikes"] <= prediction["high"]
    assert likes["withinInterval"] is inside
    rows = likes_api.store.read("learn/list_author_like_posts", post_id="90105")
    assert likes["actualLikes"] == next(r["likes"] for r in rows if r["post_id"] == "90105")
