"""Typed settings: the only place graphfeed reads environment variables.

Every field can be set as ``GRAPHFEED_<FIELD>`` (upper case) or in a ``.env``
file; ``.env.example`` documents each one. Nested models take ``__`` between
levels: ``GRAPHFEED_TRAIN__EMBEDDINGS__DIMENSIONS=64``. The web layer's own knobs
(``GRAPHFEED_API_*``) live in ``engine.api.settings``, so the engine core never
imports the web layer.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from engine.errors import ConfigError
from engine.learn.config import TrainSettings
from engine.tuning import ExploreSettings, RecommendSettings

GRAPH_URI_SCHEMES = ("embedded://", "falkordb://", "neo4j://", "neo4j+s://", "neo4j+ssc://",
                     "bolt://", "bolt+s://", "bolt+ssc://")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="GRAPHFEED_", env_file=".env", extra="ignore", frozen=True,
        env_nested_delimiter="__",
    )

    # --- storage -------------------------------------------------------------
    graph_uri: str = "embedded://./var/graph"
    graph_name: str = Field(default="graphfeed", pattern=r"^[A-Za-z][A-Za-z0-9_-]{0,63}$")
    neo4j_user: str = "neo4j"
    neo4j_password: SecretStr = SecretStr("")
    neo4j_database: str | None = None
    embedded_fsync: Literal["always", "everysec", "no"] = "everysec"
    embedded_start_timeout_s: float = Field(default=120.0, gt=0)
    # FalkorDB's execution-plan cache per graph (its CACHE_SIZE; the embedded server
    # only): it must hold every query the server runs, or plans are rebuilt per request.
    embedded_plan_cache: int = Field(default=256, ge=1, le=100_000)
    query_timeout_ms: int = Field(default=0, ge=0)  # 0: the database's own default

    # --- ingestion -----------------------------------------------------------
    max_batch: int = Field(default=5000, ge=1, le=100_000)
    interest_half_life_days: float = Field(default=30.0, gt=0)

    # --- models written by `graphfeed train` (the like model lives in model_dir/likes) ---
    model_dir: Path = Path("var/models")

    # --- nested knobs: GRAPHFEED_RECOMMEND__WEIGHTS__FRESHNESS=0.8 and the like ---
    recommend: RecommendSettings = RecommendSettings()
    explore: ExploreSettings = ExploreSettings()
    train: TrainSettings = TrainSettings()

    @field_validator("graph_uri")
    @classmethod
    def _known_scheme(cls, value: str) -> str:
        if not value.startswith(GRAPH_URI_SCHEMES):
            raise ValueError(
                f"unsupported graph URI {value!r}: use one of "
                + ", ".join(s + "…" for s in GRAPH_URI_SCHEMES)
            )
        return value


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, validated once."""
    try:
        return Settings()
    except ValueError as e:  # pydantic's ValidationError is a ValueError
        raise ConfigError(f"invalid graphfeed settings: {e}") from e
