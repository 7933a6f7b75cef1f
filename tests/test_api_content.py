"""`user` and `post` over real HTTP: fields, NOT_FOUND, GET queries, DataLoader batching."""

from __future__ import annotations

from api_server import GRAPHQL_RESPONSE, LiveApi

USER = "query($id: ID!) { user(id: $id) { id name followerCount followingCount postCount " \
       "createdAt } }"

pytest_plugins = ["api_server"]


def test_user_fields(live_api: LiveApi) -> None:
    data = live_api.gql(USER, {"id": "bob"})
    assert data["user"] == {"id": "bob", "name": "Bob", "followerCount": 1, "followingCount": 2,
                            "postCount": 2, "createdAt": "2023-11-14T22:13:20+00:00"}


def test_post_fields_author_and_tags(live_api: LiveApi) -> None:
    data = live_api.gql("""{ post(id: "c2") { id caption createdAt removedAt extra likeCount
                             engagementCount author { id name } tags { name } } }""")
    assert data["post"] == {
        "id": "c2", "caption": "post c2", "createdAt": "2023-11-15T01:13:20+00:00",
        "removedAt": None, "extra": {"n": 3}, "likeCount": 1, "engagementCount": 1,
        "author": {"id": "carol", "name": "Carol"},
        "tags": [{"name": "beach"}, {"name": "food"}]}


def test_unknown_ids_are_typed_not_found_errors(live_api: LiveApi) -> None:
    response = live_api.post('{ user(id: "nobody") { id } post(id: "b1") { id } }')
    body = response.json()
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(GRAPHQL_RESPONSE)
    assert body["data"] == {"user": None, "post": {"id": "b1"}}
    [error] = body["errors"]
    assert error["extensions"] == {"code": "NOT_FOUND", "ids": ["nobody"]}
    assert error["path"] == ["user"]


def test_queries_over_get(live_api: LiveApi) -> None:
    response = live_api.get(USER, {"id": "alice"})
    assert response.status_code == 200, response.text
    assert response.json()["data"]["user"]["id"] == "alice"


def test_legacy_json_accept_gets_application_json(live_api: LiveApi) -> None:
    response = live_api.post(USER, {"id": "alice"}, accept="application/json")
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["data"]["user"]["name"] == "Alice"


def test_dataloaders_batch_one_query_per_kind(live_api: LiveApi) -> None:
    reads = live_api.store.reads
    before = reads.copy()
    ids = ["b1", "b2", "c1", "c2", "d1", "e1"]
    query = "{ " + " ".join(
        f'p{i}: post(id: "{pid}") {{ id author {{ id followerCount }} tags {{ name }} }}'
        for i, pid in enumerate(ids)) + " }"
    data = live_api.gql(query)
    assert [data[f"p{i}"]["author"]["id"] for i in range(len(ids))] == \
        ["bob", "bob", "carol", "carol", "dave", "erin"]
    delta = {name: reads[name] - before[name] for name in reads if reads[name] != before[name]}
    assert delta == {"api/get_posts": 1, "api/get_users": 1, "api/get_post_tags": 1}


def test_every_response_has_a_request_id(live_api: LiveApi) -> None:
    a = live_api.post("{ __typename }")
    b = live_api.post("{ __typename }")
    assert a.json() == {"data": {"__typename": "Query"}}
    assert len(a.headers["x-request-id"]) == 16
    assert a.headers["x-request-id"] != b.headers["x-request-id"]
