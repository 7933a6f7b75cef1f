"""Recommendation queries: the engine's ``Recommender`` facade, run in a worker thread.

A user token may read only its own user's timeline, feed, suggestions and
profile (FORBIDDEN otherwise); back-ends may read anyone's.
"""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from engine.api.content.types import Post
from engine.api.context import RequestContext
from engine.api.feeds.types import (
    FeatureAnalysis,
    FeedConnection,
    FeedEdge,
    FollowSuggestion,
    InterestProfile,
    PageInfo,
)
from engine.api.pagination import page_size

Ctx = Info[RequestContext, None]

First = Annotated[int | None, strawberry.argument(
    description="How many (default 20, at most 100).")]
After = Annotated[str | None, strawberry.argument(
    description="The endCursor of the previous page.")]


def _connection(page: Any) -> FeedConnection:
    last = len(page.items) - 1
    edges = [FeedEdge(cursor=page.end_cursor if i == last else None, node=Post.from_view(it.post),
                      score=it.score, sources=list(it.sources), reasons=list(it.reasons))
             for i, it in enumerate(page.items)]
    return FeedConnection(edges=edges, page_info=PageInfo(end_cursor=page.end_cursor,
                                                          has_next_page=page.has_next))


async def _page(info: Ctx, method: str, user_id: str, first: int | None,
                after: str | None) -> FeedConnection:
    ctx = info.context
    ctx.principal.require_user(user_id, f"read the {method}")
    n = page_size(ctx.services.api, first)
    recommender = ctx.services.recommender
    page = await ctx.services.run_heavy(getattr(recommender, method), user_id, n, after)
    return _connection(page)


@strawberry.type
class FeedsQuery:
    @strawberry.field(description="Posts of the people the user follows, newest first.")
    async def timeline(
        self, info: Ctx, user_id: strawberry.ID,
        first: First = None, after: After = None,
    ) -> FeedConnection:
        return await _page(info, "timeline", str(user_id), first, after)

    @strawberry.field(description="The personalized, ranked feed; pages never repeat a post.")
    async def feed(
        self, info: Ctx, user_id: strawberry.ID,
        first: First = None, after: After = None,
    ) -> FeedConnection:
        return await _page(info, "feed", str(user_id), first, after)

    @strawberry.field(description="Posts trending in the user's community and neighbouring "
                                  "ones, from people they do not follow; pages never repeat.")
    async def explore(
        self, info: Ctx, user_id: strawberry.ID,
        first: First = None, after: After = None,
    ) -> FeedConnection:
        return await _page(info, "explore", str(user_id), first, after)

    @strawberry.field(description="Accounts the user may want to follow, best first.")
    async def follow_suggestions(
        self, info: Ctx, user_id: strawberry.ID,
        first: First = None,
    ) -> list[FollowSuggestion]:
        ctx = info.context
        ctx.principal.require_user(str(user_id), "read the follow suggestions")
        n = page_size(ctx.services.api, first)
        found = await ctx.services.run_heavy(ctx.services.recommender.follow_suggestions,
                                       str(user_id), n)
        return [FollowSuggestion.from_engine(s) for s in found]

    @strawberry.field(description="What drives a post's engagement; with forUserId, also how "
                                  "the feed ranker scores it for that user.")
    async def analyze_features(self, info: Ctx, post_id: strawberry.ID,
                               for_user_id: strawberry.ID | None = None) -> FeatureAnalysis:
        ctx = info.context
        if for_user_id is not None:
            ctx.principal.require_user(str(for_user_id), "analyze the feed")
        analysis = await ctx.services.run_heavy(
            ctx.services.recommender.analyze_features, str(post_id),
            None if for_user_id is None else str(for_user_id))
        return FeatureAnalysis.from_engine(analysis)

    @strawberry.field(description="The user's decayed tag interests and closest authors.")
    async def interest_profile(self, info: Ctx, user_id: strawberry.ID) -> InterestProfile:
        ctx = info.context
        ctx.principal.require_user(str(user_id), "read the interest profile")
        profile = await ctx.services.run_heavy(ctx.services.recommender.interest_profile,
                                               str(user_id))
        return InterestProfile.from_engine(profile)
