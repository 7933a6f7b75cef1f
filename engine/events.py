"""Input events, validated before anything is written.

The shapes follow the hosted activity-feed APIs teams migrate from: an
activity is ``{actor, verb, object, foreign_id, time, tags, …}``, an engagement
``{user_id, label, content: {foreign_id}, score, position, feed_id, …}``.
Times arrive as ISO-8601 strings, datetimes or epoch milliseconds and leave
as epoch milliseconds (the graph stores integers: both databases agree on them).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import time
import uuid
from collections.abc import Iterable, Sequence
from typing import Annotated, Any, TypeVar

import pydantic
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    TypeAdapter,
    field_validator,
    model_validator,
)

from engine.errors import ValidationError

Id = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=256)]
Label = Annotated[str, StringConstraints(strip_whitespace=True, to_lower=True, min_length=1,
                                         max_length=64)]
MAX_TAGS = 64
MAX_CONTENT_LIST = 1000
MAX_TEXT = 10_000
# Epoch ms bounds: 1970 .. 2200; anything else is a unit mistake (seconds, microseconds).
MIN_MS, MAX_MS = 0, 7_258_118_400_000


def now_ms() -> int:
    return int(time.time() * 1000)


def to_epoch_ms(value: Any) -> int:
    """ISO-8601 text, a datetime or epoch milliseconds -> epoch milliseconds (UTC)."""
    if isinstance(value, bool):
        raise ValueError("a time cannot be a boolean")
    if isinstance(value, int | float):
        ms = int(value)
    elif isinstance(value, dt.datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
        ms = int(aware.timestamp() * 1000)
    elif isinstance(value, str):
        text = value.strip()
        if text.lstrip("-").isdigit():
            ms = int(text)
        else:
            try:
                parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
            except ValueError as e:
                raise ValueError(f"{value!r} is not an ISO-8601 time or epoch milliseconds") from e
            return to_epoch_ms(parsed)
    else:
        kind = type(value).__name__
        raise ValueError(f"a time must be ISO-8601 text or epoch milliseconds, not {kind}")
    if not MIN_MS <= ms <= MAX_MS:
        raise ValueError(f"time {ms} is out of range: expected epoch milliseconds (1970-2200)")
    return ms


def _normalise_tag(tag: str) -> str:
    cleaned = tag.strip().lstrip("#").strip().lower()
    if not cleaned or len(cleaned) > 64:
        raise ValueError(f"tag {tag!r} must have 1 to 64 characters")
    return cleaned


class Event(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    @field_validator("time", mode="before", check_fields=False)
    @classmethod
    def _time(cls, value: Any) -> int:
        return now_ms() if value is None else to_epoch_ms(value)


class IdIn(Event):
    id: Id


class UserIn(Event):
    id: Id
    name: str | None = Field(None, max_length=256)
    created_at: int | None = None

    @field_validator("created_at", mode="before")
    @classmethod
    def _created(cls, value: Any) -> int | None:
        return None if value is None else to_epoch_ms(value)


class ActivityIn(Event):
    actor: Id
    verb: Label = "post"
    object: Id | None = None
    foreign_id: Id
    time: int = Field(default_factory=now_ms)
    tags: tuple[str, ...] = ()
    caption: str | None = Field(None, max_length=MAX_TEXT)
    image_url: str | None = Field(None, max_length=2048)
    extra: dict[str, Any] = Field(default_factory=dict)

    @field_validator("tags", mode="before")
    @classmethod
    def _tags(cls, value: Any) -> tuple[str, ...]:
        if value is None:
            return ()
        if isinstance(value, str) or not isinstance(value, Iterable):
            raise ValueError("tags must be a list of strings")
        tags = list(value)
        if not all(isinstance(t, str) for t in tags):
            raise ValueError("tags must be a list of strings")
        if len(tags) > MAX_TAGS:
            raise ValueError(f"at most {MAX_TAGS} tags per activity")
        return tuple(dict.fromkeys(_normalise_tag(t) for t in tags))

    @field_validator("extra")
    @classmethod
    def _extra_is_json(cls, value: dict[str, Any]) -> dict[str, Any]:
        try:
            if len(json.dumps(value, allow_nan=False)) > MAX_TEXT:
                raise ValueError(f"extra must serialise to at most {MAX_TEXT} characters")
        except (TypeError, ValueError) as e:
            raise ValueError(f"extra must be a JSON object: {e}") from e
        return value

    def row(self) -> dict[str, Any]:
        return {
            "actor": self.actor, "verb": self.verb, "object": self.object or self.foreign_id,
            "id": self.foreign_id, "at": self.time, "tags": list(self.tags),
            "caption": self.caption, "image_url": self.image_url,
            "extra": json.dumps(self.extra, sort_keys=True) if self.extra else None,
        }


class FollowIn(Event):
    source: Id
    target: Id
    time: int = Field(default_factory=now_ms)

    @model_validator(mode="after")
    def _not_self(self) -> FollowIn:
        if self.source == self.target:
            raise ValueError(f"user {self.source!r} cannot follow themselves")
        return self


class EngagementIn(Event):
    id: Id = Field(default_factory=lambda: uuid.uuid4().hex)
    user_id: Id
    label: Label
    content_id: Id
    score: float = Field(ge=0, le=100)
    position: int | None = Field(None, ge=0)
    feed_id: str | None = Field(None, max_length=256)
    location: str | None = Field(None, max_length=256)
    time: int = Field(default_factory=now_ms)

    @model_validator(mode="before")
    @classmethod
    def _content(cls, data: Any) -> Any:
        # The hosted-API shape nests the post: {"content": {"foreign_id": "picture:2"}}.
        if isinstance(data, dict) and "content" in data:
            data = dict(data)
            content = data.pop("content")
            if isinstance(content, dict):
                content = content.get("foreign_id")
            if "content_id" in data and data["content_id"] != content:
                raise ValueError("give either content.foreign_id or content_id, not both")
            data["content_id"] = content
        return data

    @field_validator("score", mode="before")
    @classmethod
    def _score_is_number(cls, value: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError("score must be a number from 0 to 100")
        return value

    def row(self) -> dict[str, Any]:
        return {"id": self.id, "user_id": self.user_id, "label": self.label,
                "post_id": self.content_id, "score": float(self.score),
                "position": self.position, "feed_id": self.feed_id,
                "location": self.location, "at": self.time}


class ImpressionIn(Event):
    user_id: Id
    content_list: tuple[Id, ...] = Field(min_length=1, max_length=MAX_CONTENT_LIST)
    feed_id: str | None = Field(None, max_length=256)
    position: int | None = Field(None, ge=0)
    time: int = Field(default_factory=now_ms)


M = TypeVar("M", bound=BaseModel)


def parse_batch(model: type[M], rows: Sequence[Any], *, max_batch: int, what: str) -> list[M]:
    """Validate a whole batch; the first bad row rejects it, naming the row and field."""
    if isinstance(rows, dict | str) or not isinstance(rows, Sequence):
        raise ValidationError(f"{what} must be a list")
    if not rows:
        raise ValidationError(f"{what}: the batch is empty")
    if len(rows) > max_batch:
        raise ValidationError(
            f"{what}: {len(rows)} rows is more than the batch limit of {max_batch}; split it",
            limit=max_batch,
        )
    try:
        # One validator call for the whole list: a loop of model_validate costs
        # about twice as much per row.
        return _list_adapter(model).validate_python(list(rows))
    except pydantic.ValidationError as e:
        first = min(e.errors(), key=lambda err: err["loc"][0])  # the first bad row
        i, *field = first["loc"]
        where = ".".join(str(p) for p in field) or "row"
        raise ValidationError(f"{what}[{i}].{where}: {first['msg']}", row=i, field=where) from e


@functools.cache
def _list_adapter(model: type[M]) -> TypeAdapter[list[M]]:
    return TypeAdapter(list[model])  # type: ignore[valid-type]
