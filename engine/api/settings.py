"""Settings of the GraphQL API (``graphfeed serve``).

Proposed for ``engine/settings.py``: each field here becomes ``api_<field>`` in
``Settings`` (so the environment names stay ``GRAPHFEED_API_<FIELD>``). Until
the lead merges them, this model reads the same variables itself;
``ApiSettings.from_settings`` prefers the merged fields once they exist, so no
API module changes when that happens.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from engine.errors import ConfigError
from engine.settings import Settings

MIN_SECRET_CHARS = 32


class ApiSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="GRAPHFEED_API_", env_file=".env", extra="ignore", frozen=True
    )

    # development: GraphiQL + introspection on, demo data on an empty graph, and
    # open access when no secret is set. production: none of that, and a secret is required.
    mode: Literal["development", "production"] = "development"
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=0, le=65535)

    # --- auth --------------------------------------------------------------------
    # Back-ends send it as `X-Graphfeed-Secret: …` or `Authorization: Bearer …`.
    secret: SecretStr | None = None
    # Key of the per-user HS256 tokens; by default derived from `secret`.
    jwt_secret: SecretStr | None = None
    token_ttl_s: int = Field(3600, ge=1, le=30 * 86_400)
    jwt_leeway_s: int = Field(5, ge=0, le=300)

    # --- limits ------------------------------------------------------------------
    max_depth: int = Field(10, ge=2, le=50)
    max_tokens: int = Field(2000, ge=50, le=100_000)
    max_aliases: int = Field(30, ge=1, le=1000)
    max_body_bytes: int = Field(4_000_000, ge=1024)
    # predictLikes' image, decoded: 2 MB holds a full-size phone JPEG, and its base64
    # (4/3 of it) fits the default body limit; features are computed on a shrunk copy.
    max_image_bytes: int = Field(2_000_000, ge=1024)
    default_page_size: int = Field(20, ge=1)
    max_page_size: int = Field(100, ge=1, le=1000)
    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)

    # --- serving -----------------------------------------------------------------
    # Server processes (production only). One process runs Python on one core at a time
    # (the GIL); more use more cores but each holds its own pools, metrics and like model.
    workers: int = Field(1, ge=1, le=64)
    store_threads: int = Field(16, ge=1, le=256)  # concurrent store calls (worker threads)
    # Concurrent feeds/suggestions/analyses. The database is the limit, not these threads:
    # at 8 API clients, 4 made suggestions queue behind feeds here (p99 143 ms against 122
    # with 8, the same throughput; 2 lost 13% of it). benchmarks/api.py --server-env.
    recommend_threads: int = Field(8, ge=1, le=256)
    # Explore's per-community lists are computed by the server for each next snapshot this
    # many seconds before it starts (at least twice the last computation's time), and for
    # the current one at start, so no request pays for a cold list (engine/api/snapshots.py).
    explore_prepare: bool = True
    explore_prepare_lead_s: float = Field(20.0, ge=0)
    # How often (seconds) the server looks for a newer like model under model_dir/likes.
    likes_refresh_s: float = Field(30.0, ge=0)
    demo_users: int = Field(1000, ge=0)  # development only: load a demo world into an empty graph
    demo_seed: int = 0
    # development only: GraphiQL's scripts, served locally once `graphfeed graphiql-assets` ran
    graphiql_assets: Path = Path("var/graphiql")

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _comma_separated(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [o.strip() for o in value.split(",") if o.strip()]
        return value

    @model_validator(mode="after")
    def _pages(self) -> ApiSettings:
        if self.default_page_size > self.max_page_size:
            raise ValueError("default_page_size must not exceed max_page_size")
        for name in ("secret", "jwt_secret"):
            value: SecretStr | None = getattr(self, name)
            if value is not None and len(value.get_secret_value()) < MIN_SECRET_CHARS:
                raise ValueError(f"GRAPHFEED_API_{name.upper()} must have at least "
                                 f"{MIN_SECRET_CHARS} characters")
        return self

    @property
    def development(self) -> bool:
        return self.mode == "development"

    @property
    def auth_required(self) -> bool:
        """Production always; development only once a secret is set."""
        return not self.development or self.secret is not None

    def check_can_serve(self) -> None:
        """Refuse to start a production server nobody could authenticate against, or
        several development servers (each would load the demo world into an empty graph)."""
        if self.development and self.workers > 1:
            raise ConfigError("GRAPHFEED_API_WORKERS > 1 needs GRAPHFEED_API_MODE=production")
        if not self.development and self.secret is None:
            raise ConfigError(
                "GRAPHFEED_API_SECRET is not set: a production server needs a secret for "
                "back-ends (e.g. `export GRAPHFEED_API_SECRET=$(openssl rand -hex 32)`); "
                "or run in development mode with GRAPHFEED_API_MODE=development"
            )

    @classmethod
    def from_settings(cls, settings: Settings | None = None, **overrides: Any) -> ApiSettings:
        """The API settings: merged ``api_*`` fields of ``Settings`` when present."""
        values: dict[str, Any] = {}
        if settings is not None:
            for name in cls.model_fields:
                if f"api_{name}" in type(settings).model_fields:
                    values[name] = getattr(settings, f"api_{name}")
        values.update(overrides)
        try:
            return cls(**values)
        except ValueError as e:
            raise ConfigError(f"invalid graphfeed API settings: {e}") from e
