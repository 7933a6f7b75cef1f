"""`suggestionFeedback`: the user's answer to a follow suggestion."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from engine.api.content.types import User
from engine.api.context import RequestContext

Ctx = Info[RequestContext, None]


@strawberry.type
class SuggestionFeedbackPayload:
    accepted: bool
    following: bool = strawberry.field(description="Whether user now follows target "
                                                   "(accepting a suggestion follows).")
    user_id: strawberry.Private[str]
    target_id: strawberry.Private[str]

    @strawberry.field
    async def user(self, info: Ctx) -> User | None:
        row = await info.context.loaders.users.load(self.user_id)
        return None if row is None else User.from_row(row)

    @strawberry.field
    async def target(self, info: Ctx) -> User | None:
        row = await info.context.loaders.users.load(self.target_id)
        return None if row is None else User.from_row(row)


@strawberry.type
class FeedsMutation:
    @strawberry.mutation(description="Record the answer to a follow suggestion (the latest "
                                     "answer wins; accepting also follows). Either way the "
                                     "target is not suggested again.")
    async def suggestion_feedback(self, info: Ctx, user_id: strawberry.ID,
                                  target_id: strawberry.ID,
                                  accepted: bool) -> SuggestionFeedbackPayload:
        ctx = info.context
        ctx.principal.require_user(str(user_id), "answer suggestions")
        await ctx.services.run(ctx.services.recommender.suggestion_feedback, str(user_id),
                               str(target_id), accepted)
        ctx.loaders.forget_users([str(user_id), str(target_id)])
        return SuggestionFeedbackPayload(accepted=accepted, following=accepted,
                                         user_id=str(user_id), target_id=str(target_id))
