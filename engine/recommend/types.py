"""What the recommender returns: frozen, HTTP-free values.

Times are epoch milliseconds (UTC), like everywhere in the graph. Scores are
plain floats whose scale is the ranker's; only their order is a promise.
Every ranked item says which candidate ``sources`` produced it and carries
human-readable ``reasons`` built from the graph paths that led to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class PostView:
    id: str
    author_id: str
    caption: str | None
    image_url: str | None
    created_at: int
    tags: tuple[str, ...]
    likes: int  # engagements labelled "like"
    engagements: int  # engagements of any label
    verb: str | None = None
    author_name: str | None = None
    removed: bool = False  # when it was read


@dataclass(frozen=True)
class UserView:
    id: str
    name: str | None
    followers: int
    following: int
    posts: int  # posts not removed


@dataclass(frozen=True)
class FeedItem:
    post: PostView
    score: float
    sources: tuple[str, ...]  # candidate sources that proposed the post, e.g. ("followees",)
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Suggestion:
    user: UserView
    score: float
    sources: tuple[str, ...]  # e.g. ("friends_of_friends", "follows_you")
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a connection: pass ``end_cursor`` as ``after`` for the next one."""

    items: tuple[T, ...]
    end_cursor: str | None
    has_next: bool


# --- interest profile ---------------------------------------------------------------
@dataclass(frozen=True)
class TagInterest:
    tag: str
    weight: float  # decayed to ``InterestProfile.as_of``; 1.0 = one full-score engagement now
    updated_at: int  # the newest engagement that moved it


@dataclass(frozen=True)
class AuthorAffinity:
    user: UserView
    affinity: float  # sum of score/100 over engagements with their posts, decayed to as_of
    engagements: int


@dataclass(frozen=True)
class InterestProfile:
    user_id: str
    as_of: int
    tags: tuple[TagInterest, ...]  # strongest first
    authors: tuple[AuthorAffinity, ...]  # strongest first


# --- feature analysis ----------------------------------------------------------------
@dataclass(frozen=True)
class LabelStats:
    label: str
    count: int
    users: int
    mean_score: float


@dataclass(frozen=True)
class ScoreBucket:
    low: float  # inclusive
    high: float  # exclusive, except the last bucket, which holds 100
    count: int


@dataclass(frozen=True)
class EngagementBreakdown:
    total: int
    users: int  # distinct users who engaged
    mean_score: float
    by_label: tuple[LabelStats, ...]  # most frequent first
    score_histogram: tuple[ScoreBucket, ...]  # five buckets of 20 over 0..100
    first_at: int | None
    last_at: int | None


@dataclass(frozen=True)
class AuthorStats:
    user: UserView
    engagements: int  # over all the author's posts that are not removed
    mean_engagements_per_post: float


@dataclass(frozen=True)
class TagCount:
    tag: str
    users: int  # how many of the audience have the tag among their interests
    weight: float  # their summed interest weight (as stored, not decayed)


@dataclass(frozen=True)
class CommunityShare:
    community: int
    users: int
    share: float  # of the audience members that have a community


@dataclass(frozen=True)
class Audience:
    users: int
    top_tags: tuple[TagCount, ...]
    communities: tuple[CommunityShare, ...]  # empty until `graphfeed train` wrote communities


@dataclass(frozen=True)
class SimilarPost:
    post: PostView
    score: float
    shared_tags: tuple[str, ...]
    co_engagers: int  # users who engaged with both posts


@dataclass(frozen=True)
class FeatureContribution:
    """One scoring feature: its value for (user, post), its weight, their product."""

    name: str
    value: float
    weight: float
    contribution: float
    detail: str  # what the value means for this pair, in words


@dataclass(frozen=True)
class UserFit:
    """Why a user would (or would not) see the post: the feed ranker's view of the pair."""

    user_id: str
    score: float  # sum of the contributions, as the feed ranks it
    contributions: tuple[FeatureContribution, ...]  # largest contribution first
    sources: tuple[str, ...]  # candidate sources that would propose the post to the user
    reasons: tuple[str, ...]
    excluded_because: tuple[str, ...]  # e.g. ("already seen",): the feed would drop it


@dataclass(frozen=True)
class FeatureAnalysis:
    post: PostView
    tags: tuple[str, ...]
    author: AuthorStats
    engagement: EngagementBreakdown
    audience: Audience
    similar: tuple[SimilarPost, ...]
    for_user: UserFit | None
