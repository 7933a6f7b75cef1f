"""Authentication and authorization over real HTTP: secret, user tokens, and their failures."""

from __future__ import annotations

import time

import jwt
import pytest
from api_server import SECRET, LiveApi, api_settings
from click.testing import CliRunner

from engine.api.app import create_app
from engine.api.auth import ALGORITHM, ISSUER, authenticate, token_key
from engine.api.errors import Unauthenticated
from engine.errors import ConfigError

ME = '{ user(id: "alice") { id } }'
TRACK = """mutation($e: EngagementInput!) { trackEngagement(engagement: $e) { accepted } }"""
FOLLOW = "mutation($u: ID!, $t: ID!) { follow(userId: $u, targetId: $t) { following } }"

pytest_plugins = ["api_server"]


def code(response) -> str:  # type: ignore[no-untyped-def]
    return response.json()["errors"][0]["extensions"]["code"]  # type: ignore[no-any-return]


def test_no_credentials_is_401_unauthenticated(live_api: LiveApi) -> None:
    response = live_api.post(ME, auth=None)
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert code(response) == "UNAUTHENTICATED"
    assert "data" not in response.json()


@pytest.mark.parametrize("header", [{"x-graphfeed-secret": "wrong-secret-wrong-secret"},
                                    {"authorization": "Basic dXNlcjpwYXNz"},
                                    {"authorization": "Bearer not-a-token"}])
def test_bad_credentials_are_401(live_api: LiveApi, header: dict[str, str]) -> None:
    response = live_api.post(ME, auth=None, headers=header)
    assert response.status_code == 401
    assert code(response) == "UNAUTHENTICATED"


def test_secret_as_bearer_has_full_access(live_api: LiveApi) -> None:
    assert live_api.gql(ME, auth=SECRET)["user"] == {"id": "alice"}


def test_token_with_bad_signature_is_401(live_api: LiveApi) -> None:
    forged = jwt.encode({"sub": "alice", "exp": int(time.time()) + 60, "iss": ISSUER},
                        b"someone else's key, long enough for HS256 use", algorithm=ALGORITHM)
    response = live_api.post(ME, auth=forged)
    assert response.status_code == 401
    assert "signature" in response.json()["errors"][0]["message"]


def test_expired_token_is_401(live_api: LiveApi) -> None:
    expired = jwt.encode({"sub": "alice", "exp": int(time.time()) - 60, "iss": ISSUER},
                         token_key(live_api.api), algorithm=ALGORITHM)
    response = live_api.post(ME, auth=expired)
    assert response.status_code == 401
    assert response.json()["errors"][0]["message"] == "the token has expired"


def test_token_without_exp_or_with_another_algorithm_is_refused(live_api: LiveApi) -> None:
    no_exp = jwt.encode({"sub": "alice", "iss": ISSUER}, token_key(live_api.api),
                        algorithm=ALGORITHM)
    assert live_api.post(ME, auth=no_exp).status_code == 401
    unsigned = jwt.encode({"sub": "alice", "exp": int(time.time()) + 60, "iss": ISSUER},
                          None, algorithm="none")
    assert live_api.post(ME, auth=unsigned).status_code == 401


def test_the_secret_itself_is_not_the_token_key(live_api: LiveApi) -> None:
    signed_with_secret = jwt.encode({"sub": "alice", "exp": int(time.time()) + 60,
                                     "iss": ISSUER}, SECRET.encode(), algorithm=ALGORITHM)
    assert live_api.post(ME, auth=signed_with_secret).status_code == 401


def test_user_token_writes_only_own_events(live_api: LiveApi) -> None:
    alice = live_api.token("alice")
    own = {"userId": "alice", "label": "click", "contentId": "c1", "score": 20}
    assert live_api.gql(TRACK, {"e": own}, auth=alice)["trackEngagement"]["accepted"] == 1
    other = {**own, "userId": "bob"}
    response = live_api.post(TRACK, {"e": other}, auth=alice)
    assert response.status_code == 200
    assert response.json()["data"] is None
    assert code(response) == "FORBIDDEN"
    assert code(live_api.post(FOLLOW, {"u": "bob", "t": "carol"}, auth=alice)) == "FORBIDDEN"
    assert code(live_api.post(
        "mutation { removeActivity(foreignId: \"b1\") { removed } }", auth=alice)) == "FORBIDDEN"
    activity = {"actor": "bob", "foreignId": "forged-by-alice"}
    assert code(live_api.post("mutation($a: ActivityInput!) { addActivity(activity: $a) "
                              "{ post { id } } }", {"a": activity}, auth=alice)) == "FORBIDDEN"


def test_user_token_may_read_public_entities(live_api: LiveApi) -> None:
    bob = live_api.token("bob")
    assert live_api.gql('{ user(id: "carol") { id } post(id: "c1") { id } }', auth=bob) == \
        {"user": {"id": "carol"}, "post": {"id": "c1"}}


def test_token_command_prints_a_token_the_server_accepts(
        live_api: LiveApi, monkeypatch: pytest.MonkeyPatch) -> None:
    import engine.cli.serve  # noqa: F401  (registers the commands)
    from engine.cli import main

    monkeypatch.setenv("GRAPHFEED_API_SECRET", SECRET)
    result = CliRunner().invoke(main, ["token", "dave", "--ttl", "120"])
    assert result.exit_code == 0, result.output
    token = result.output.strip()
    claims = jwt.decode(token, token_key(live_api.api), algorithms=[ALGORITHM], issuer=ISSUER)
    assert claims["sub"] == "dave" and 110 <= claims["exp"] - time.time() <= 121
    assert live_api.gql(ME, auth=token)["user"]["id"] == "alice"


def test_token_command_without_secret_fails_clearly(monkeypatch: pytest.MonkeyPatch) -> None:
    import engine.cli.serve  # noqa: F401
    from engine.cli import main

    monkeypatch.delenv("GRAPHFEED_API_SECRET", raising=False)
    monkeypatch.delenv("GRAPHFEED_API_JWT_SECRET", raising=False)
    result = CliRunner().invoke(main, ["token", "dave"])
    assert result.exit_code != 0
    assert "GRAPHFEED_API_SECRET" in result.output


def test_production_without_secret_refuses_to_start(settings) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ConfigError, match="GRAPHFEED_API_SECRET"):
        create_app(settings, api_settings(secret=None))


def test_short_secrets_are_rejected() -> None:
    with pytest.raises(ConfigError, match="at least 32"):
        from engine.api.settings import ApiSettings

        ApiSettings.from_settings(None, secret="short")


def test_development_without_secret_is_open_and_with_secret_is_not() -> None:
    open_dev = api_settings(mode="development", secret=None)
    assert authenticate(open_dev, {}).is_backend
    locked_dev = api_settings(mode="development")
    with pytest.raises(Unauthenticated):
        authenticate(locked_dev, {})
