"""The indexes the model needs; each is a named query with dialect siblings."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class IndexSpec:
    query: str
    label: str  # node label or relationship type
    prop: str


SCHEMA: tuple[IndexSpec, ...] = (
    IndexSpec("schema/create_user_id", "User", "id"),
    IndexSpec("schema/create_post_id", "Post", "id"),
    IndexSpec("schema/create_tag_name", "Tag", "name"),
    # Engagements are deduplicated by their id across the whole graph.
    IndexSpec("schema/create_engaged_id", "ENGAGED", "id"),
    IndexSpec("schema/create_post_created_at", "Post", "created_at"),
)
