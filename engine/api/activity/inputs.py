"""Mutation inputs, mirroring ``engine.events`` (which validates them)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import strawberry
from strawberry.scalars import JSON


def _event(obj: Any, rename: dict[str, str] | None = None) -> dict[str, Any]:
    """An input as the Ingestor's row dict: unset fields are left to its defaults."""
    rename = rename or {}
    out = {}
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        if value is not None and value is not strawberry.UNSET:
            out[rename.get(f.name, f.name)] = value
    return out


@strawberry.input(description="A post, in the activity shape of hosted feed APIs.")
class ActivityInput:
    actor: strawberry.ID = strawberry.field(description="The author's user id.")
    foreign_id: strawberry.ID = strawberry.field(description="The post's id in your app.")
    verb: str | None = "post"
    object: str | None = None
    time: dt.datetime | None = strawberry.field(default=None, description="Default: now.")
    tags: list[str] | None = None
    caption: str | None = None
    image_url: str | None = None
    extra: JSON | None = strawberry.field(default=None,
                                          description="Any JSON object, kept with the post.")

    def to_event(self) -> dict[str, Any]:
        return _event(self)


@strawberry.input(description="One engagement: a like, click, share, … of a post by a user.")
class EngagementInput:
    user_id: strawberry.ID
    label: str = strawberry.field(description="like, click, share, comment, view, …")
    content_id: strawberry.ID = strawberry.field(description="The post's foreign id.")
    score: float = strawberry.field(description="How strong, 0 to 100.")
    id: strawberry.ID | None = strawberry.field(
        default=None, description="Idempotency key: an id seen before is not counted again.")
    position: int | None = None
    feed_id: str | None = None
    location: str | None = None
    time: dt.datetime | None = strawberry.field(default=None, description="Default: now.")

    def to_event(self) -> dict[str, Any]:
        return _event(self)


@strawberry.input(description="Posts a user was shown, in order, on one feed page.")
class ImpressionInput:
    user_id: strawberry.ID
    content_list: list[strawberry.ID]
    feed_id: str | None = None
    position: int | None = strawberry.field(
        default=None, description="Position of the first post; the rest follow it.")
    time: dt.datetime | None = strawberry.field(default=None, description="Default: now.")

    def to_event(self) -> dict[str, Any]:
        return _event(self)
