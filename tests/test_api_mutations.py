"""Every mutation over real HTTP, with the Ingestor's validation as typed errors."""

from __future__ import annotations

from typing import Any

from api_server import LiveApi

ADD = """mutation($a: ActivityInput!) { addActivity(activity: $a) {
           post { id verb caption createdAt extra author { id } tags { name } } } }"""
ADD_MANY = """mutation($a: [ActivityInput!]!) {
                addActivities(activities: $a) { count posts { id } } }"""
REMOVE = "mutation($id: ID!) { removeActivity(foreignId: $id) { foreignId removed } }"
FOLLOW = """mutation($u: ID!, $t: ID!) { follow(userId: $u, targetId: $t) {
              following changed user { id followingCount } target { id followerCount } } }"""
UNFOLLOW = """mutation($u: ID!, $t: ID!) { unfollow(userId: $u, targetId: $t) {
                following changed user { id followingCount } } }"""
TRACK = "mutation($e: EngagementInput!) { trackEngagement(engagement: $e) { accepted duplicates } }"
TRACK_MANY = """mutation($e: [EngagementInput!]!) {
                  trackEngagements(engagements: $e) { accepted duplicates } }"""
IMPRESSIONS = "mutation($i: [ImpressionInput!]!) { trackImpressions(impressions: $i) { views } }"

pytest_plugins = ["api_server"]


def error_of(response: Any) -> dict[str, Any]:
    body = response.json()
    assert body.get("errors"), body
    return body["errors"][0]  # type: ignore[no-any-return]


def test_add_activity_returns_the_stored_post(live_api: LiveApi) -> None:
    data = live_api.gql(ADD, {"a": {"actor": "erin", "foreignId": "m-1", "verb": "pin",
                                    "caption": "hi", "tags": ["#Sea", "sun"],
                                    "time": "2024-01-02T03:04:05Z", "extra": {"w": 1}}})
    assert data["addActivity"]["post"] == {
        "id": "m-1", "verb": "pin", "caption": "hi", "createdAt": "2024-01-02T03:04:05+00:00",
        "extra": {"w": 1}, "author": {"id": "erin"}, "tags": [{"name": "sea"}, {"name": "sun"}]}


def test_add_activities_and_remove(live_api: LiveApi) -> None:
    data = live_api.gql(ADD_MANY, {"a": [{"actor": "erin", "foreignId": f"m-{i}"}
                                         for i in (2, 3)]})
    assert data["addActivities"] == {"count": 2, "posts": [{"id": "m-2"}, {"id": "m-3"}]}
    assert live_api.gql(REMOVE, {"id": "m-2"})["removeActivity"] == \
        {"foreignId": "m-2", "removed": True}
    assert live_api.gql(REMOVE, {"id": "m-2"})["removeActivity"]["removed"] is False
    post = live_api.gql('{ post(id: "m-2") { removedAt } }')["post"]
    assert post["removedAt"] is not None


def test_remove_unknown_activity_is_not_found(live_api: LiveApi) -> None:
    error = error_of(live_api.post(REMOVE, {"id": "never-posted"}))
    assert error["extensions"]["code"] == "NOT_FOUND"


def test_bad_activity_is_invalid_input_and_nothing_is_written(live_api: LiveApi) -> None:
    response = live_api.post(ADD_MANY, {"a": [{"actor": "erin", "foreignId": "m-ok"},
                                              {"actor": "erin", "foreignId": "m-bad",
                                               "tags": ["x" * 100]}]})
    error = error_of(response)
    assert error["extensions"]["code"] == "INVALID_INPUT"
    assert error["extensions"]["row"] == 1
    assert "activities[1].tags" in error["message"]
    missing = live_api.post('{ post(id: "m-ok") { id } }')
    assert error_of(missing)["extensions"]["code"] == "NOT_FOUND"


def test_follow_and_unfollow(live_api: LiveApi) -> None:
    first = live_api.gql(FOLLOW, {"u": "dave", "t": "erin"})["follow"]
    assert first["following"] is True
    assert first["user"]["id"] == "dave" and first["target"]["id"] == "erin"
    gone = live_api.gql(UNFOLLOW, {"u": "dave", "t": "erin"})["unfollow"]
    assert gone["following"] is False and gone["changed"] is True
    assert gone["user"]["followingCount"] == first["user"]["followingCount"] - 1
    again = live_api.gql(UNFOLLOW, {"u": "dave", "t": "erin"})["unfollow"]
    assert again["changed"] is False


def test_follow_errors(live_api: LiveApi) -> None:
    assert error_of(live_api.post(FOLLOW, {"u": "dave", "t": "ghost"}))["extensions"] == \
        {"code": "NOT_FOUND", "ids": ["ghost"]}
    assert error_of(live_api.post(FOLLOW, {"u": "dave", "t": "dave"}))["extensions"]["code"] \
        == "INVALID_INPUT"


def test_track_engagement_is_idempotent_by_id(live_api: LiveApi) -> None:
    engagement = {"id": "api-e1", "userId": "erin", "label": "Like", "contentId": "b2",
                  "score": 60, "position": 2, "feedId": "home", "time": "2024-01-01T00:00:00Z"}
    assert live_api.gql(TRACK, {"e": engagement})["trackEngagement"] == \
        {"accepted": 1, "duplicates": 0}
    assert live_api.gql(TRACK, {"e": engagement})["trackEngagement"] == \
        {"accepted": 0, "duplicates": 1}


def test_track_engagements_batch_and_errors(live_api: LiveApi) -> None:
    batch = [{"userId": "erin", "label": "click", "contentId": "c1", "score": 30},
             {"userId": "erin", "label": "share", "contentId": "c2", "score": 100}]
    assert live_api.gql(TRACK_MANY, {"e": batch})["trackEngagements"] == \
        {"accepted": 2, "duplicates": 0}
    too_high = [{"userId": "erin", "label": "like", "contentId": "c1", "score": 101}]
    assert error_of(live_api.post(TRACK_MANY, {"e": too_high}))["extensions"]["code"] == \
        "INVALID_INPUT"
    unknown = [{"userId": "erin", "label": "like", "contentId": "nope", "score": 1}]
    assert error_of(live_api.post(TRACK_MANY, {"e": unknown}))["extensions"] == \
        {"code": "NOT_FOUND", "ids": ["nope"]}
    assert error_of(live_api.post(TRACK_MANY, {"e": []}))["extensions"]["code"] == \
        "INVALID_INPUT"


def test_track_impressions(live_api: LiveApi) -> None:
    data = live_api.gql(IMPRESSIONS, {"i": [{"userId": "erin", "contentList": ["b1", "c1"],
                                             "feedId": "home", "position": 0}]})
    assert data["trackImpressions"] == {"views": 2}
    error = error_of(live_api.post(IMPRESSIONS, {"i": [{"userId": "erin", "contentList": []}]}))
    assert error["extensions"]["code"] == "INVALID_INPUT"
