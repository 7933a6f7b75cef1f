"""``predictLikes``: the like model's answer for a post before it is published.

The model is the newest one `graphfeed train likes` saved, held by the server
(``Services.likes``); no model yet is ``MODEL_NOT_TRAINED``. A user token may
predict only for its own user (``FORBIDDEN``); bad input is ``INVALID_INPUT``
naming the input field; an unknown user is ``NOT_FOUND``.
"""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from engine.api.context import RequestContext
from engine.api.likes.inputs import PredictLikesInput, decode_image
from engine.api.likes.types import LikePrediction
from engine.errors import ValidationError
from engine.learn.predict import predict_new_post

Ctx = Info[RequestContext, None]

# The engine names fields as Python does; clients know the input's names.
_INPUT_FIELDS = {"user_id": "userId", "media_type": "mediaType", "caption": "caption",
                 "tags": "tags", "posted_at": "postedAt", "location": "location",
                 "image": "image"}


@strawberry.type
class LikesQuery:
    @strawberry.field(description="Likes a post would get, with an 80% interval and the "
                                  "features that moved the number most.")
    async def predict_likes(self, info: Ctx, input: PredictLikesInput) -> LikePrediction:
        ctx = info.context
        services = ctx.services
        ctx.principal.require_user(str(input.user_id), "predict likes")
        image = None if input.image is None else decode_image(input.image,
                                                             services.api.max_image_bytes)
        model = await services.run(services.likes.require)
        try:
            estimate = await services.run_heavy(
                predict_new_post, services.store, model, user_id=str(input.user_id),
                caption=input.caption, tags=input.tags or (), posted_at=input.posted_at,
                media_type=input.media_type.value, image=image, location=input.location)
        except ValidationError as e:
            field = e.details.get("field")
            if field not in _INPUT_FIELDS:
                raise
            raise ValidationError(e.message, **{**e.details,
                                                "field": f"input.{_INPUT_FIELDS[field]}"}) from e
        return LikePrediction.from_engine(estimate)
