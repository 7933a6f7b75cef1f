"""The example operations in graphql/*.graphql, run in the tutorial's order on a live server.

Each file is one operation a frontend or back-end can copy; running them here
keeps them valid against the schema and meaningful against real data. A new
example file without a step below fails `test_every_example_runs`.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

from api_server import LiveApi
from likes_sample import grey_image, jpeg

from engine.api.schema import build_schema
from graphql import OperationDefinitionNode, parse, validate

pytest_plugins = ["api_server"]

EXAMPLES = Path(__file__).resolve().parents[1] / "graphql"
ANA, BEN, CLO = "tut-ana", "tut-ben", "tut-clo"

# (file, variables, who sends it: "secret" = a back-end, else a user id whose token is used)
TUTORIAL: list[tuple[str, dict[str, Any], str]] = [
    ("add_activities", {"activities": [
        {"actor": BEN, "foreignId": "tut-p1", "caption": "Morning swell", "tags": ["surfing"]},
        {"actor": BEN, "foreignId": "tut-p2", "caption": "Board wax", "tags": ["surfing", "diy"]},
        {"actor": CLO, "foreignId": "tut-p3", "caption": "Tacos", "tags": ["food"]},
        {"actor": ANA, "foreignId": "tut-p4", "caption": "Hello", "tags": ["food"]},
    ]}, "secret"),
    ("track_click", {"engagement": {"id": "tut-click-1", "userId": ANA, "label": "click",
                                    "contentId": "tut-p1", "score": 40, "feedId": "home"}}, ANA),
    ("analyze_features", {"postId": "tut-p1", "forUserId": ANA}, ANA),
    ("follow", {"userId": ANA, "targetId": BEN}, ANA),
    ("track_impressions", {"impressions": [{"userId": ANA, "contentList": ["tut-p2"],
                                            "feedId": "home", "position": 0}]}, ANA),
    ("feed", {"userId": ANA, "first": 10}, ANA),
    ("follow_suggestions", {"userId": ANA}, ANA),
    ("suggestion_feedback", {"userId": ANA, "targetId": CLO, "accepted": True}, ANA),
    ("timeline", {"userId": ANA}, ANA),
    ("explore", {"userId": ANA, "first": 5}, ANA),
    ("interest_profile", {"userId": ANA}, ANA),
]
# Run on a server with a trained like model (``likes_api``: accounts "100".."124").
IMAGE = base64.b64encode(jpeg(grey_image(200, 120))).decode()
LIKES_TUTORIAL: list[tuple[str, dict[str, Any], str]] = [
    ("predict_likes", {"input": {"userId": "100", "mediaType": "IMAGE",
                                 "caption": "Low tide #sea", "tags": ["sun"],
                                 "postedAt": "2019-03-26T18:00:00Z", "image": IMAGE}}, "100"),
]


def example(name: str) -> str:
    return (EXAMPLES / f"{name}.graphql").read_text()


def test_every_example_is_one_named_valid_operation() -> None:
    schema = build_schema()._schema
    for path in sorted(EXAMPLES.glob("*.graphql")):
        if path.name == "schema.graphql":
            continue
        document = parse(path.read_text())
        ops = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
        assert len(ops) == 1 and ops[0].name is not None, f"{path.name}: one named operation"
        assert not validate(schema, document), f"{path.name} is not valid against the schema"


def test_every_example_runs(live_api: LiveApi) -> None:
    files = {p.stem for p in EXAMPLES.glob("*.graphql")} - {"schema"}
    steps = {name for name, _, _ in TUTORIAL + LIKES_TUTORIAL}
    assert files == steps, "every example needs a tutorial step"
    results = {}
    for name, variables, sender in TUTORIAL:
        auth = "secret" if sender == "secret" else live_api.token(sender)
        results[name] = live_api.gql(example(name), variables, auth=auth)

    assert results["add_activities"]["addActivities"]["count"] == 4
    assert results["track_click"]["trackEngagement"] == {"accepted": 1, "duplicates": 0}
    assert results["analyze_features"]["analyzeFeatures"]["engagement"]["total"] == 1
    assert results["analyze_features"]["analyzeFeatures"]["likes"] is None  # no model here
    assert results["follow"]["follow"]["following"] is True
    feed = [e["node"]["id"] for e in results["feed"]["feed"]["edges"]]
    assert "tut-p4" not in feed and "tut-p2" not in feed  # own post; already seen
    assert results["suggestion_feedback"]["suggestionFeedback"]["following"] is True
    timeline = [e["node"]["id"] for e in results["timeline"]["timeline"]["edges"]]
    assert timeline[:3] == ["tut-p3", "tut-p2", "tut-p1"]  # follows ben, then clo (accepted)
    tags = [t["tag"] for t in results["interest_profile"]["interestProfile"]["tags"]]
    assert tags == ["surfing"]


def test_examples_run_over_get_too(live_api: LiveApi) -> None:
    response = live_api.get(example("follow_suggestions"), {"userId": "alice"})
    assert response.status_code == 200 and "errors" not in response.json()


def test_like_examples_run_with_a_trained_model(likes_api: LiveApi) -> None:
    results = {}
    for name, variables, sender in LIKES_TUTORIAL:
        auth = "secret" if sender == "secret" else likes_api.token(sender)
        results[name] = likes_api.gql(example(name), variables, auth=auth)
    predicted = results["predict_likes"]["predictLikes"]
    assert 0 <= predicted["low"] <= predicted["expectedLikes"] <= predicted["high"]
    assert len(predicted["contributions"]) == 5 and predicted["modelVersion"]
    analysis = likes_api.gql(example("analyze_features"), {"postId": "90105"})
    likes = analysis["analyzeFeatures"]["likes"]
    assert likes["actualLikes"] > 0 and likes["prediction"]["ageDays"] > 0
