"""Writing raw events through the Ingestor (validation there: bad input -> INVALID_INPUT)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from engine.api.activity.inputs import ActivityInput, EngagementInput, ImpressionInput
from engine.api.activity.payloads import (
    AddActivitiesPayload,
    AddActivityPayload,
    FollowPayload,
    RemoveActivityPayload,
    TrackEngagementsPayload,
    TrackImpressionsPayload,
)
from engine.api.context import RequestContext
from engine.errors import Forbidden, NotFound

Ctx = Info[RequestContext, None]


async def _add(info: Ctx, activities: list[ActivityInput]) -> tuple[int, list[str]]:
    ctx = info.context
    for a in activities:
        ctx.principal.require_user(str(a.actor), "post activities")
    count = await ctx.services.run(ctx.services.ingestor.add_activities,
                                   [a.to_event() for a in activities])
    ids = list(dict.fromkeys(str(a.foreign_id).strip() for a in activities))
    ctx.loaders.forget_posts(ids)
    return count, ids


async def _track(info: Ctx, engagements: list[EngagementInput]) -> TrackEngagementsPayload:
    ctx = info.context
    for e in engagements:
        ctx.principal.require_user(str(e.user_id), "track engagements")
    result = await ctx.services.run(ctx.services.ingestor.track_engagements,
                                    [e.to_event() for e in engagements])
    return TrackEngagementsPayload(accepted=result.accepted, duplicates=result.duplicates)


def _follow_payload(info: Ctx, user_id: str, target_id: str, following: bool,
                    changed: bool | None) -> FollowPayload:
    info.context.loaders.forget_users([user_id, target_id])
    return FollowPayload(following=following, changed=changed, user_id=user_id,
                         target_id=target_id)


@strawberry.type
class ActivityMutation:
    @strawberry.mutation(description="Create or update one post.")
    async def add_activity(self, info: Ctx, activity: ActivityInput) -> AddActivityPayload:
        _, ids = await _add(info, [activity])
        return AddActivityPayload(post_id=ids[0])

    @strawberry.mutation(description="Create or update posts, all or none.")
    async def add_activities(self, info: Ctx,
                             activities: list[ActivityInput]) -> AddActivitiesPayload:
        count, ids = await _add(info, activities)
        return AddActivitiesPayload(count=count, post_ids=ids)

    @strawberry.mutation(description="Mark a post removed (its engagements are kept).")
    async def remove_activity(self, info: Ctx, foreign_id: strawberry.ID) -> RemoveActivityPayload:
        ctx = info.context
        post_id = str(foreign_id).strip()
        if not ctx.principal.is_backend:
            row = await ctx.loaders.posts.load(post_id)
            if row is None:
                raise NotFound(f"no activity with foreign_id {post_id!r}", ids=[post_id])
            if row.get("author_id") != ctx.principal.user_id:
                raise Forbidden("a user token can only remove the user's own posts")
        removed = await ctx.services.run(ctx.services.ingestor.remove_activities, [post_id])
        ctx.loaders.forget_posts([post_id])
        return RemoveActivityPayload(foreign_id=strawberry.ID(post_id), removed=removed > 0)

    @strawberry.mutation(description="userId follows targetId (idempotent).")
    async def follow(self, info: Ctx, user_id: strawberry.ID,
                     target_id: strawberry.ID) -> FollowPayload:
        ctx = info.context
        ctx.principal.require_user(str(user_id), "follow on behalf")
        await ctx.services.run(ctx.services.ingestor.follow, str(user_id), str(target_id))
        return _follow_payload(info, str(user_id), str(target_id), True, None)

    @strawberry.mutation(description="userId stops following targetId (idempotent).")
    async def unfollow(self, info: Ctx, user_id: strawberry.ID,
                       target_id: strawberry.ID) -> FollowPayload:
        ctx = info.context
        ctx.principal.require_user(str(user_id), "unfollow on behalf")
        removed = await ctx.services.run(ctx.services.ingestor.unfollow, str(user_id),
                                         str(target_id))
        return _follow_payload(info, str(user_id), str(target_id), False, removed > 0)

    @strawberry.mutation(description="Record one engagement.")
    async def track_engagement(self, info: Ctx,
                               engagement: EngagementInput) -> TrackEngagementsPayload:
        return await _track(info, [engagement])

    @strawberry.mutation(description="Record engagements, all or none.")
    async def track_engagements(self, info: Ctx,
                                engagements: list[EngagementInput]) -> TrackEngagementsPayload:
        return await _track(info, engagements)

    @strawberry.mutation(description="Record which posts users were shown.")
    async def track_impressions(self, info: Ctx,
                                impressions: list[ImpressionInput]) -> TrackImpressionsPayload:
        ctx = info.context
        for imp in impressions:
            ctx.principal.require_user(str(imp.user_id), "track impressions")
        views = await ctx.services.run(ctx.services.ingestor.track_impressions,
                                       [i.to_event() for i in impressions])
        return TrackImpressionsPayload(views=views)
