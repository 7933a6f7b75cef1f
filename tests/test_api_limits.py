"""Limits and malformed requests over real HTTP: always a GraphQL error document, never a 500."""

from __future__ import annotations

import logging

import httpx
import pytest
from api_server import (
    EXPLODING_ID,
    GRAPHQL_RESPONSE,
    SECRET,
    LiveApi,
)

HEADERS = {"accept": GRAPHQL_RESPONSE, "x-graphfeed-secret": SECRET}

pytest_plugins = ["api_server"]


def codes(response: httpx.Response) -> list[str]:
    return [e["extensions"]["code"] for e in response.json()["errors"]]


def nested(levels: int) -> str:
    """user -> posts -> author -> posts … : a query ``levels`` fields deep below `user`."""
    inner = "id"
    for i in range(levels):
        inner = ("posts(first: 1) { %s }" if i % 2 == 0 else "author { %s }") % inner
    return f'{{ user(id: "bob") {{ {inner} }} }}'


def test_depth_limit(live_api: LiveApi) -> None:
    limit = live_api.api.max_depth
    assert live_api.post(nested(limit - 1)).status_code == 200
    response = live_api.post(nested(limit + 1))
    assert response.status_code == 400
    assert codes(response) == ["QUERY_TOO_DEEP"]
    assert "data" not in response.json()


def test_token_limit(live_api: LiveApi) -> None:
    fields = " ".join(f"a{i}: __typename" for i in range(live_api.api.max_tokens))
    response = live_api.post("{ " + fields + " }")
    assert response.status_code == 400
    assert codes(response) == ["TOO_MANY_TOKENS"]


def test_alias_limit(live_api: LiveApi) -> None:
    fields = " ".join(f'u{i}: user(id: "bob") {{ id }}' for i in range(live_api.api.max_aliases
                                                                        + 1))
    response = live_api.post("{ " + fields + " }")
    assert response.status_code == 400
    assert codes(response) == ["GRAPHQL_VALIDATION_FAILED"]


def test_page_size_limit(live_api: LiveApi) -> None:
    response = live_api.post('{ user(id: "bob") { posts(first: 10000) { id } } }')
    assert response.status_code == 200
    [error] = response.json()["errors"]
    assert error["extensions"] == {"code": "INVALID_INPUT", "field": "first", "limit": 100}
    assert "between 1 and 100" in error["message"]


def test_body_too_large_is_413_before_reading_it(live_api: LiveApi) -> None:
    big = b'{"query": "{ __typename }", "padding": "' + b"x" * live_api.api.max_body_bytes + b'"}'
    response = live_api.client.post(live_api.url, content=big,
                                    headers={**HEADERS, "content-type": "application/json"})
    assert response.status_code == 413
    assert codes(response) == ["PAYLOAD_TOO_LARGE"]


def test_chunked_body_too_large_is_413(live_api: LiveApi) -> None:
    def chunks():  # type: ignore[no-untyped-def]  # no Content-Length: streamed
        yield b'{"query": "{ __typename }", "padding": "'
        for _ in range(live_api.api.max_body_bytes // 10_000 + 2):
            yield b"x" * 10_000
        yield b'"}'

    response = live_api.client.post(live_api.url, content=chunks(),
                                    headers={**HEADERS, "content-type": "application/json"})
    assert response.status_code == 413


@pytest.mark.parametrize("body", [b'{"query": ', b"[1, 2", b"\xff\xfe", b""])
def test_malformed_json_is_400_with_graphql_errors(live_api: LiveApi, body: bytes) -> None:
    response = live_api.client.post(live_api.url, content=body,
                                    headers={**HEADERS, "content-type": "application/json"})
    assert response.status_code == 400, response.text
    assert codes(response) == ["BAD_REQUEST"]


@pytest.mark.parametrize("payload", [{"query": 42}, {"query": "{ __typename }", "variables": []},
                                     {"variables": {}}, []])
def test_not_a_graphql_request_is_400(live_api: LiveApi, payload: object) -> None:
    response = live_api.client.post(live_api.url, json=payload, headers=HEADERS)
    assert response.status_code == 400, response.text
    assert response.json()["errors"]


def test_wrong_content_type_is_400(live_api: LiveApi) -> None:
    response = live_api.client.post(live_api.url, content=b"{ __typename }",
                                    headers={**HEADERS, "content-type": "text/plain"})
    assert response.status_code == 400
    assert codes(response) == ["BAD_REQUEST"]


def test_wrong_variable_types_are_400(live_api: LiveApi) -> None:
    query = "query($id: ID!, $n: Int!) { user(id: $id) { posts(first: $n) { id } } }"
    for variables in ({"id": ["a"], "n": 1}, {"id": "bob", "n": "ten"}, {"id": "bob"},
                      {"id": "bob", "n": 2**40}):
        response = live_api.post(query, variables)
        assert response.status_code == 400, (variables, response.text)
        assert codes(response) == ["BAD_USER_INPUT"]


def test_wrong_input_object_fields_are_400(live_api: LiveApi) -> None:
    query = "mutation($e: EngagementInput!) { trackEngagement(engagement: $e) { accepted } }"
    response = live_api.post(query, {"e": {"userId": "bob", "label": "like", "score": "high"}})
    assert response.status_code == 400
    assert set(codes(response)) == {"BAD_USER_INPUT"}  # score is not a Float, contentId missing
    assert len(codes(response)) == 2


def test_invalid_documents_are_400(live_api: LiveApi) -> None:
    syntax = live_api.post("{ user(id: ")
    assert (syntax.status_code, codes(syntax)) == (400, ["GRAPHQL_PARSE_FAILED"])
    unknown = live_api.post("{ nope }")
    assert (unknown.status_code, codes(unknown)) == (400, ["GRAPHQL_VALIDATION_FAILED"])


def test_legacy_json_accept_keeps_200_for_request_errors(live_api: LiveApi) -> None:
    response = live_api.post("{ nope }", accept="application/json")
    assert response.status_code == 200
    assert codes(response) == ["GRAPHQL_VALIDATION_FAILED"]


def test_mutation_over_get_is_405(live_api: LiveApi) -> None:
    response = live_api.get('mutation { follow(userId: "a", targetId: "b") { following } }')
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert response.json()["errors"]


def test_other_methods_are_405(live_api: LiveApi) -> None:
    response = live_api.client.put(live_api.url, json={"query": "{ __typename }"},
                                   headers=HEADERS)
    assert response.status_code == 405


def test_unexpected_errors_are_masked_with_a_request_id(
        live_api: LiveApi, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR, logger="engine.api"):
        response = live_api.post(f'{{ user(id: "{EXPLODING_ID}") {{ id }} '
                                 'post(id: "b1") { id } }')
    assert response.status_code == 200
    body = response.json()
    request_id = response.headers["x-request-id"]
    [error] = body["errors"]
    assert error["message"] == f"internal error (request id {request_id})"
    assert error["extensions"] == {"code": "INTERNAL", "requestId": request_id}
    assert "disk on fire" not in response.text and "/var/secret" not in response.text
    assert body["data"] == {"user": None, "post": {"id": "b1"}}
    logged = [r for r in caplog.records if request_id in r.getMessage()]
    assert logged and logged[0].exc_info is not None
    assert "disk on fire" in str(logged[0].exc_info[1])


def test_introspection_and_graphiql_are_off_in_production(live_api: LiveApi) -> None:
    response = live_api.post("{ __schema { types { name } } }")
    assert response.status_code == 400
    assert set(codes(response)) == {"INTROSPECTION_DISABLED"}
    page = live_api.client.get(live_api.url, headers={"accept": "text/html"})
    assert page.status_code == 404


def test_cors_is_off_unless_configured(live_api: LiveApi) -> None:
    response = live_api.client.options(live_api.url, headers={
        "origin": "https://app.example", "access-control-request-method": "POST"})
    assert "access-control-allow-origin" not in response.headers
