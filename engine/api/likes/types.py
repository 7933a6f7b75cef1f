"""Like predictions as the schema shows them, mapped from ``engine.learn.predict``."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from engine.api.context import RequestContext
from engine.errors import ValidationError
from engine.learn import predict


@strawberry.type(description="How one feature moved a like prediction.")
class LikeContribution:
    feature: str = strawberry.field(description="The model's feature name.")
    label: str = strawberry.field(description="The feature in words.")
    value: float | None = strawberry.field(
        description="The feature's value for this post; null when unknown (e.g. no image).")
    effect: float = strawberry.field(
        description="Signed effect on log(1 + likes): the feature multiplies 1 + likes by "
                    "e^effect. Effects and log(1 + baselineLikes) sum to "
                    "log(1 + expectedLikes).")


@strawberry.type(description="Likes the like model expects, an interval, and why.")
class LikePrediction:
    expected_likes: float = strawberry.field(description="The typical outcome.")
    low: float = strawberry.field(description="Lower end of the prediction interval.")
    high: float = strawberry.field(description="Upper end of the prediction interval.")
    level: float = strawberry.field(
        description="How often the interval is meant to hold the likes (0.8: 80%).")
    age_days: float = strawberry.field(description="The post age the likes are counted at.")
    baseline_likes: float = strawberry.field(
        description="The model's answer before it looks at this post (its average).")
    model_version: str | None = strawberry.field(
        description="The like model's version (`graphfeed train likes`).")
    every_contribution: strawberry.Private[list[LikeContribution]]

    @strawberry.field(description="The features that moved the prediction most, largest "
                                  "|effect| first.")
    def contributions(self, info: Info[RequestContext, None],
                      first: int = 5) -> list[LikeContribution]:
        limit = info.context.services.api.max_page_size
        if not 1 <= first <= limit:
            raise ValidationError(f"first must be between 1 and {limit}, not {first}",
                                  field="first", limit=limit)
        return self.every_contribution[:first]

    @classmethod
    def from_engine(cls, e: predict.LikeEstimate) -> LikePrediction:
        return cls(expected_likes=e.likes, low=e.low, high=e.high, level=e.level,
                   age_days=e.age_days, baseline_likes=e.baseline_likes,
                   model_version=e.model_version,
                   every_contribution=[LikeContribution(feature=c.feature, label=c.label,
                                                        value=c.value, effect=c.effect)
                                       for c in e.contributions])


@strawberry.type(description="A post's like count against the like model's prediction for "
                             "the age its likes were counted at. Posts the model was trained "
                             "on are predicted in-sample, so they fit better than new ones.")
class PostLikes:
    actual_likes: int | None = strawberry.field(
        description="The post's like count; null when it has none (posts added through "
                    "the API have engagements, not a like count).")
    within_interval: bool | None = strawberry.field(
        description="Whether actualLikes lies in [prediction.low, prediction.high].")
    prediction: LikePrediction

    @classmethod
    def from_engine(cls, p: predict.PostLikes) -> PostLikes:
        return cls(actual_likes=p.actual, within_interval=p.within_interval,
                   prediction=LikePrediction.from_engine(p.estimate))
