"""Output types of the recommender, mapped from ``engine.recommend.types``."""

from __future__ import annotations

import datetime as dt
from typing import Any

import strawberry
from strawberry.types import Info

from engine.api.content.types import Post, User
from engine.api.context import RequestContext
from engine.api.likes.types import PostLikes
from engine.api.time import from_ms
from engine.learn.predict import check_post


@strawberry.type
class PageInfo:
    end_cursor: str | None = strawberry.field(description="Pass as `after` for the next page.")
    has_next_page: bool


@strawberry.type(description="A ranked post with why it is there.")
class FeedEdge:
    cursor: str | None = strawberry.field(
        description="Pass as `after` to continue after this edge. Pages resume from their end "
                    "(the feed's cursor carries its snapshot), so only the last edge has one.")
    node: Post
    score: float = strawberry.field(description="The ranker's score; only the order is a promise.")
    sources: list[str] = strawberry.field(description="Candidate sources that proposed it.")
    reasons: list[str] = strawberry.field(description="Human-readable reasons, from graph paths.")


@strawberry.type
class FeedConnection:
    edges: list[FeedEdge]
    page_info: PageInfo


@strawberry.type(description="An account the user may want to follow, and why.")
class FollowSuggestion:
    user: User
    score: float
    sources: list[str]
    reasons: list[str]

    @classmethod
    def from_engine(cls, s: Any) -> FollowSuggestion:
        return cls(user=User.from_view(s.user), score=s.score, sources=list(s.sources),
                   reasons=list(s.reasons))


# --- interest profile --------------------------------------------------------------
@strawberry.type
class TagInterest:
    tag: str
    weight: float = strawberry.field(description="Decayed to asOf; 1.0 = one full-score "
                                                 "engagement now.")
    updated_at: dt.datetime | None


@strawberry.type
class AuthorAffinity:
    user: User
    affinity: float
    engagements: int


@strawberry.type(description="What a user is into: decayed tag interests and author affinities.")
class InterestProfile:
    user_id: strawberry.ID
    as_of: dt.datetime | None
    tags: list[TagInterest]
    authors: list[AuthorAffinity]

    @classmethod
    def from_engine(cls, p: Any) -> InterestProfile:
        return cls(user_id=strawberry.ID(p.user_id), as_of=from_ms(p.as_of),
                   tags=[TagInterest(tag=t.tag, weight=t.weight, updated_at=from_ms(t.updated_at))
                         for t in p.tags],
                   authors=[AuthorAffinity(user=User.from_view(a.user), affinity=a.affinity,
                                           engagements=a.engagements) for a in p.authors])


# --- feature analysis --------------------------------------------------------------
@strawberry.type
class LabelStats:
    label: str
    count: int
    users: int
    mean_score: float


@strawberry.type
class ScoreBucket:
    low: float
    high: float
    count: int


@strawberry.type
class EngagementBreakdown:
    total: int
    users: int
    mean_score: float
    by_label: list[LabelStats]
    score_histogram: list[ScoreBucket]
    first_at: dt.datetime | None
    last_at: dt.datetime | None


@strawberry.type
class AuthorStats:
    user: User
    engagements: int
    mean_engagements_per_post: float


@strawberry.type
class TagCount:
    tag: str
    users: int
    weight: float


@strawberry.type
class CommunityShare:
    community: int
    users: int
    share: float


@strawberry.type
class Audience:
    users: int
    top_tags: list[TagCount]
    communities: list[CommunityShare] = strawberry.field(
        description="Empty until `graphfeed train` has computed communities.")


@strawberry.type
class SimilarPost:
    post: Post
    score: float
    shared_tags: list[str]
    co_engagers: int


@strawberry.type(description="One scoring feature for a (user, post) pair.")
class FeatureContribution:
    name: str
    value: float
    weight: float
    contribution: float
    detail: str


@strawberry.type(description="How the feed ranker sees the post for one user.")
class UserFit:
    user_id: strawberry.ID
    score: float
    contributions: list[FeatureContribution]
    sources: list[str]
    reasons: list[str]
    excluded_because: list[str] = strawberry.field(
        description="Why the feed would drop it for this user (empty: it would not).")


@strawberry.type(description="What drives a post's engagement, and how it fits one user.")
class FeatureAnalysis:
    post: Post
    tags: list[str]
    author: AuthorStats
    engagement: EngagementBreakdown
    audience: Audience
    similar: list[SimilarPost]
    for_user: UserFit | None
    post_id: strawberry.Private[str]

    @strawberry.field(description="The post's like count against the like model's prediction "
                                  "for the same post age. Null when no like model has been "
                                  "trained (`graphfeed train likes`).")
    async def likes(self, info: Info[RequestContext, None]) -> PostLikes | None:
        services = info.context.services
        model = await services.run(services.likes.get)
        if model is None:
            return None
        checked = await services.run_heavy(check_post, services.store, model, self.post_id)
        return PostLikes.from_engine(checked)

    @classmethod
    def from_engine(cls, a: Any) -> FeatureAnalysis:
        e = a.engagement
        fit = a.for_user
        return cls(
            post=Post.from_view(a.post), post_id=a.post.id, tags=list(a.tags),
            author=AuthorStats(user=User.from_view(a.author.user),
                               engagements=a.author.engagements,
                               mean_engagements_per_post=a.author.mean_engagements_per_post),
            engagement=EngagementBreakdown(
                total=e.total, users=e.users, mean_score=e.mean_score,
                by_label=[LabelStats(label=s.label, count=s.count, users=s.users,
                                     mean_score=s.mean_score) for s in e.by_label],
                score_histogram=[ScoreBucket(low=b.low, high=b.high, count=b.count)
                                 for b in e.score_histogram],
                first_at=from_ms(e.first_at), last_at=from_ms(e.last_at)),
            audience=Audience(
                users=a.audience.users,
                top_tags=[TagCount(tag=t.tag, users=t.users, weight=t.weight)
                          for t in a.audience.top_tags],
                communities=[CommunityShare(community=c.community, users=c.users, share=c.share)
                             for c in a.audience.communities]),
            similar=[SimilarPost(post=Post.from_view(s.post), score=s.score,
                                 shared_tags=list(s.shared_tags), co_engagers=s.co_engagers)
                     for s in a.similar],
            for_user=None if fit is None else UserFit(
                user_id=strawberry.ID(fit.user_id), score=fit.score,
                contributions=[FeatureContribution(name=c.name, value=c.value, weight=c.weight,
                                                   contribution=c.contribution, detail=c.detail)
                               for c in fit.contributions],
                sources=list(fit.sources), reasons=list(fit.reasons),
                excluded_because=list(fit.excluded_because)),
        )
