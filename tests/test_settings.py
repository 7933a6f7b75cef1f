"""Settings: one typed place, nested knobs from the environment, typed errors."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from engine.api.settings import ApiSettings
from engine.cli.serve import _with_cursor_key
from engine.errors import ConfigError, ValidationError
from engine.recommend import cursor
from engine.settings import Settings, get_settings


def test_nested_knobs_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRAPHFEED_RECOMMEND__WEIGHTS__FRESHNESS", "0.8")
    monkeypatch.setenv("GRAPHFEED_RECOMMEND__POOL_SIZE", "250")
    monkeypatch.setenv("GRAPHFEED_EXPLORE__DISCOVERY_SHARE", "0.5")
    monkeypatch.setenv("GRAPHFEED_TRAIN__EMBEDDINGS__DIMENSIONS", "64")
    s = Settings()
    assert s.recommend.weights.freshness == 0.8
    assert s.recommend.pool_size == 250
    assert s.recommend.weights.tag_interest == Settings.model_fields["recommend"].default \
        .weights.tag_interest  # untouched siblings keep their defaults
    assert s.explore.discovery_share == 0.5
    assert s.train.embeddings.dimensions == 64


def test_a_bad_nested_knob_is_a_config_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRAPHFEED_EXPLORE__DISCOVERY_SHARE", "1.5")  # a share is 0..1
    get_settings.cache_clear()
    try:
        with pytest.raises(ConfigError, match="discovery_share"):
            get_settings()
    finally:
        get_settings.cache_clear()


def test_serve_derives_an_unforgeable_cursor_key_from_the_secret() -> None:
    base = Settings()
    assert base.recommend.cursor_key is None

    def key(secret: str | None) -> str:
        api = ApiSettings(secret=secret)
        found = _with_cursor_key(base, api).recommend.cursor_key
        return cursor.DEVELOPMENT_KEY if found is None else found.get_secret_value()

    a, b = key("a" * 32), key("b" * 32)
    assert key(None) == cursor.DEVELOPMENT_KEY
    assert a != b and cursor.DEVELOPMENT_KEY not in (a, b)
    token = cursor.encode("feed", "u1", a, t=1)
    assert cursor.decode(token, "feed", "u1", a)[0]["t"] == 1
    with pytest.raises(ValidationError, match="bad cursor"):
        cursor.decode(token, "feed", "u1", b)  # another server's secret cannot forge it
    explicit = base.model_copy(update={"recommend": base.recommend.model_copy(
        update={"cursor_key": SecretStr("set-by-operator")})})
    kept = _with_cursor_key(explicit, ApiSettings(secret="a" * 32)).recommend.cursor_key
    assert kept is not None and kept.get_secret_value() == "set-by-operator"  # operator wins
