"""Mutation results."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from engine.api.content.types import Post, User
from engine.api.context import RequestContext


@strawberry.type
class AddActivitiesPayload:
    count: int = strawberry.field(description="Posts created or updated.")
    post_ids: strawberry.Private[list[str]]

    @strawberry.field(description="The posts as stored now.")
    async def posts(self, info: Info[RequestContext, None]) -> list[Post]:
        rows = await info.context.loaders.posts.load_many(self.post_ids)
        return [Post.from_row(r) for r in rows if r is not None]


@strawberry.type
class AddActivityPayload:
    post_id: strawberry.Private[str]

    @strawberry.field(description="The post as stored now.")
    async def post(self, info: Info[RequestContext, None]) -> Post | None:
        row = await info.context.loaders.posts.load(self.post_id)
        return None if row is None else Post.from_row(row)


@strawberry.type
class RemoveActivityPayload:
    foreign_id: strawberry.ID
    removed: bool = strawberry.field(description="False when it had been removed already.")


@strawberry.type
class FollowPayload:
    following: bool = strawberry.field(description="Whether user now follows target.")
    changed: bool | None = strawberry.field(
        description="Whether this call changed it (null where not known).")
    user_id: strawberry.Private[str]
    target_id: strawberry.Private[str]

    @strawberry.field
    async def user(self, info: Info[RequestContext, None]) -> User | None:
        row = await info.context.loaders.users.load(self.user_id)
        return None if row is None else User.from_row(row)

    @strawberry.field
    async def target(self, info: Info[RequestContext, None]) -> User | None:
        row = await info.context.loaders.users.load(self.target_id)
        return None if row is None else User.from_row(row)


@strawberry.type
class TrackEngagementsPayload:
    accepted: int = strawberry.field(description="New engagements recorded.")
    duplicates: int = strawberry.field(description="Engagement ids seen before, not counted.")


@strawberry.type
class TrackImpressionsPayload:
    views: int = strawberry.field(description="Post views recorded.")
