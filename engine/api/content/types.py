"""Output types of the graph's own entities.

A ``User`` or ``Post`` is built from a store row (``user``/``post`` queries,
mutation payloads) or from the engine's ``UserView``/``PostView`` (feeds,
suggestions); fields a view lacks are loaded on demand through the request's
DataLoaders, so they cost nothing unless a client asks for them.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from engine.api.context import RequestContext
from engine.api.pagination import page_size
from engine.api.time import from_ms
from engine.store import Row

Ctx = Info[RequestContext, None]
_MISSING: Any = object()


@strawberry.type(description="A hashtag.")
class Tag:
    name: str


@strawberry.type(description="A user of the app.")
class User:
    id: strawberry.ID
    name: str | None
    # The counts, when known (a row, a view); else loaded when a client asks for one. A
    # post's author is known by id and name from the feed's own query, and counting a
    # popular author's followers is what costs (~1 ms of database CPU each).
    counts: strawberry.Private[Any] = _MISSING
    created_ms: strawberry.Private[Any] = _MISSING

    # Resolvers that already hold their answer are synchronous: an async resolver costs a
    # coroutine and a task per field (~9% of a feed's or suggestion list's GraphQL work).
    # When they must load, they return the load's awaitable, which the executor awaits as
    # it does an async resolver's result.
    @strawberry.field
    def follower_count(self, info: Ctx) -> int:
        return self._count(info, 0)

    @strawberry.field
    def following_count(self, info: Ctx) -> int:
        return self._count(info, 1)

    @strawberry.field(description="Posts that are not removed.")
    def post_count(self, info: Ctx) -> int:
        return self._count(info, 2)

    @strawberry.field
    async def created_at(self, info: Ctx) -> dt.datetime | None:
        if self.created_ms is _MISSING:
            await self._load(info)
        return from_ms(self.created_ms)

    def _count(self, info: Ctx, i: int) -> Any:
        if self.counts is not _MISSING:
            return self.counts[i]

        async def load() -> int:
            if self.counts is _MISSING:  # not filled by another field's load meanwhile
                await self._load(info)
            return int(self.counts[i])

        return load()

    async def _load(self, info: Ctx) -> None:
        row = await info.context.loaders.users.load(str(self.id))
        self.counts = _counts(row or {})
        self.created_ms = None if row is None else row.get("created_at")

    @strawberry.field(description="The user's newest posts that are not removed.")
    async def posts(self, info: Ctx, first: int = 10) -> list[Post]:
        first = page_size(info.context.services.api, first)
        ids = await info.context.loaders.user_posts.load((str(self.id), first))
        rows = await info.context.loaders.posts.load_many(ids)
        return [Post.from_row(r) for r in rows if r is not None]

    @classmethod
    def from_row(cls, row: Row) -> User:
        return cls(id=strawberry.ID(row["id"]), name=row.get("name"), counts=_counts(row),
                   created_ms=row.get("created_at"))

    @classmethod
    def from_view(cls, view: Any) -> User:
        """From ``engine.recommend.types.UserView``."""
        return cls(id=strawberry.ID(view.id), name=view.name,
                   counts=(view.followers, view.following, view.posts))


def _counts(row: Row) -> tuple[int, int, int]:
    return (int(row.get("followers") or 0), int(row.get("following") or 0),
            int(row.get("posts") or 0))


@strawberry.type(description="A post (an activity: its id is the client's foreign_id).")
class Post:
    id: strawberry.ID
    verb: str | None
    caption: str | None
    image_url: str | None
    created_at: dt.datetime | None
    like_count: int = strawberry.field(description="Engagements labelled 'like'.")
    engagement_count: int = strawberry.field(description="Engagements of any label.")
    author_id: strawberry.Private[str | None]
    author_name: strawberry.Private[str | None] = None  # known from an engine view
    tag_names: strawberry.Private[Any] = _MISSING
    row: strawberry.Private[Any] = _MISSING

    @strawberry.field(description="When the post was removed (null while it is live).")
    async def removed_at(self, info: Ctx) -> dt.datetime | None:
        row = await self._row(info)
        return None if row is None else from_ms(row.get("removed_at"))

    @strawberry.field(description="The activity's extra fields, as sent.")
    async def extra(self, info: Ctx) -> JSON | None:
        row = await self._row(info)
        return None if row is None else _extra(row.get("extra"))

    @strawberry.field(description="Who posted it.")
    def author(self, info: Ctx) -> User | None:
        if self.author_id is None:
            return None
        if self.author_name is not None:  # the view read it from the author's node
            return User(id=strawberry.ID(self.author_id), name=self.author_name)
        later: Any = self._author(info, self.author_id)  # awaited by the executor (see User)
        return later

    @staticmethod
    async def _author(info: Ctx, author_id: str) -> User | None:
        row = await info.context.loaders.users.load(author_id)
        return None if row is None else User.from_row(row)

    @strawberry.field(description="Its hashtags, sorted.")
    async def tags(self, info: Ctx) -> list[Tag]:
        if self.tag_names is _MISSING:
            self.tag_names = await info.context.loaders.tags.load(str(self.id))
        return [Tag(name=t) for t in sorted(self.tag_names)]

    async def _row(self, info: Ctx) -> Row | None:
        if self.row is _MISSING:
            self.row = await info.context.loaders.posts.load(str(self.id))
        return self.row

    @classmethod
    def from_row(cls, row: Row) -> Post:
        return cls(id=strawberry.ID(row["id"]), verb=row.get("verb"), caption=row.get("caption"),
                   image_url=row.get("image_url"), created_at=from_ms(row.get("created_at")),
                   like_count=int(row.get("likes") or 0),
                   engagement_count=int(row.get("engagements") or 0),
                   author_id=row.get("author_id"), row=row)

    @classmethod
    def from_view(cls, view: Any) -> Post:
        """From ``engine.recommend.types.PostView``."""
        return cls(id=strawberry.ID(view.id), verb=view.verb, caption=view.caption,
                   image_url=view.image_url, created_at=from_ms(view.created_at),
                   like_count=view.likes, engagement_count=view.engagements,
                   author_id=view.author_id, author_name=view.author_name,
                   tag_names=list(view.tags))


def _extra(value: Any) -> Any:
    if value is None or isinstance(value, dict):
        return value
    try:
        return json.loads(value)
    except (TypeError, ValueError):
        return None
