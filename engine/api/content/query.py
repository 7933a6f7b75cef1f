"""`user(id)` and `post(id)`: read through the request's DataLoaders."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from engine.api.content.types import Post, User
from engine.api.context import RequestContext
from engine.errors import NotFound


@strawberry.type
class ContentQuery:
    @strawberry.field(description="A user by id; null with a NOT_FOUND error when unknown.")
    async def user(self, info: Info[RequestContext, None], id: strawberry.ID) -> User | None:
        row = await info.context.loaders.users.load(str(id))
        if row is None:
            raise NotFound(f"no user with id {str(id)!r}", ids=[str(id)])
        return User.from_row(row)

    @strawberry.field(description="A post by id (removed posts too, with removedAt set); "
                                  "null with a NOT_FOUND error when unknown.")
    async def post(self, info: Info[RequestContext, None], id: strawberry.ID) -> Post | None:
        row = await info.context.loaders.posts.load(str(id))
        if row is None:
            raise NotFound(f"no post with id {str(id)!r}", ids=[str(id)])
        return Post.from_row(row)
