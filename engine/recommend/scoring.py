"""Scoring: interpretable features in 0..1, combined by the weights of ``FeedWeights``.

For a user ``u`` and a candidate post ``q`` (all as of the ranking's ``as_of``):

- ``collaborative``: the RP3beta walk's score of ``q`` over the best score it found;
- ``tag_interest``: ``sum_t w(u, t) / max_t' w(u, t') / sqrt(|tags(q)|)`` over the tags
  of ``q`` (capped at 1), ``w`` the decayed interest weights;
- ``author_affinity``: the decayed affinity with ``q``'s author over the user's strongest;
- ``social_proof``: ``1 - exp(-s)``, ``s`` the summed best score/100 of each followee
  who engaged with ``q`` (two likes at 50 give 0.63);
- ``followee_post``: 1 when someone the user follows posted ``q``;
- ``popularity``: ``log(1 + engagers) / log(1 + popularity_reference)``, capped at 1,
  engagers being the people who engaged with ``q``;
- ``trending``: the same on the engagements within the trending window, for the posts
  the ``trending`` source found (the newest posts engaged with most lately; 0 otherwise);
- ``freshness``: ``2 ** (-age / half_life)``.

``score = sum_f weight_f * value_f``; each term is a feature's contribution, which is
what "why am I seeing this" shows. Plugged-in sources add their own feature: their
strength over their best, weighted by ``FeedWeights.extra``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from engine.recommend.candidates import HOUR_MS, UserContext
from engine.recommend.postfacts import SharedFacts
from engine.tuning import FeedWeights, RecommendSettings

FEATURES: tuple[str, ...] = ("collaborative", "tag_interest", "author_affinity", "social_proof",
                             "followee_post", "popularity", "trending", "freshness")


@dataclass
class Scored:
    """One candidate after scoring: what the re-ranker orders and the reasons quote."""

    post_id: str
    author_id: str
    tags: tuple[str, ...]
    created_at: int
    sources: tuple[str, ...]
    values: dict[str, float]
    contributions: dict[str, float]
    score: float
    evidence: dict[str, Any] = field(default_factory=dict)


# PostFacts and SocialProof are named tuples, not frozen dataclasses: a feed makes one of
# each per candidate (~300), and a frozen dataclass's __init__ (a guarded __setattr__ per
# field) costs several times a tuple's.
class PostFacts(NamedTuple):
    """The graph's facts about one candidate: the shared ones (``engine.recommend.
    postfacts``) and the user's (``recommend/get_candidate_state``)."""

    post_id: str
    author_id: str
    created_at: int
    tags: tuple[str, ...]
    engagers: int
    followed: bool
    removed: bool = False
    seen: bool = False
    engaged: bool = False

    @classmethod
    def of(cls, post_id: str, shared: SharedFacts, state: Mapping[str, Any] | None,
           followees: Set[str]) -> PostFacts:
        """``state``: the post's row of ``get_candidate_state`` (None: nothing to drop)."""
        author = shared.author_id
        if state is None:
            return cls(post_id, author, shared.created_at, shared.tags, shared.engagers,
                       author in followees)
        return cls(post_id, author, shared.created_at, shared.tags, shared.engagers,
                   author in followees, bool(state["removed"]), bool(state["seen"]),
                   bool(state["engaged"]))


class SocialProof(NamedTuple):
    followees: int = 0
    strength: float = 0.0
    likers: int = 0
    names: tuple[str, ...] = ()


def weight_of(weights: FeedWeights, feature: str) -> float:
    if feature in FEATURES:
        return float(getattr(weights, feature))
    return float(weights.extra.get(feature, 0.0))


class FeatureMaker:
    """Feature values and contributions for the candidates of one ranking.

    What depends only on the user and the ranking (top interests, reference logarithms,
    weights) is worked out once, not once per candidate of a few hundred. The arithmetic
    is the module doc's: ``score = sum_f weight_f * value_f``, summed in the values'
    order."""

    def __init__(self, ctx: UserContext, best: Mapping[str, float],
                 settings: RecommendSettings, table: Mapping[str, float]) -> None:
        """``table``: the feature weights (``weight_table``); absent features weigh 0."""
        self.tags = ctx.tags
        self.top_tag = ctx.top_tag_weight
        self.authors = ctx.authors
        self.top_author = ctx.top_author_affinity
        self.as_of = ctx.as_of
        self.best = best
        self.half_life = settings.freshness_half_life_hours
        self.popularity_log = math.log1p(settings.popularity_reference)
        self.trending_log = math.log1p(settings.trending_reference)
        self.weight = table.get
        # In the order score() unpacks them (by name: FEATURES may be reordered).
        self.weights = tuple(table.get(f, 0.0) for f in (
            "collaborative", "tag_interest", "author_affinity", "social_proof",
            "followee_post", "popularity", "trending", "freshness"))

    def score(self, facts: PostFacts, social_strength: float, strengths: Mapping[str, float]
              ) -> tuple[dict[str, float], dict[str, float]]:
        """The candidate's feature values and their contributions, in the same order."""
        tags = facts.tags
        top_tag = self.top_tag
        if tags and top_tag > 0:
            get = self.tags.get
            share = sum([get(t, 0.0) for t in tags]) / top_tag / math.sqrt(len(tags))
            tag_interest = share if share < 1.0 else 1.0
        else:
            tag_interest = 0.0
        top_author = self.top_author
        author_affinity = (self.authors.get(facts.author_id, 0.0) / top_author
                           if top_author > 0 else 0.0)
        social_proof = 1.0 - math.exp(-social_strength)
        followee_post = 1.0 if facts.followed else 0.0
        engagers = facts.engagers
        popularity = math.log1p(engagers if engagers > 0 else 0) / self.popularity_log
        if not popularity < 1.0:
            popularity = 1.0
        age = self.as_of - facts.created_at
        freshness = 2.0 ** (-((age if age > 0 else 0) / HOUR_MS) / self.half_life)
        w_col, w_tag, w_auth, w_social, w_followee, w_pop, w_trend, w_fresh = self.weights
        values = {"tag_interest": tag_interest, "author_affinity": author_affinity,
                  "social_proof": social_proof, "followee_post": followee_post,
                  "popularity": popularity, "trending": 0.0, "freshness": freshness,
                  "collaborative": 0.0}
        contributions = {"tag_interest": w_tag * tag_interest,
                         "author_affinity": w_auth * author_affinity,
                         "social_proof": w_social * social_proof,
                         "followee_post": w_followee * followee_post,
                         "popularity": w_pop * popularity, "trending": w_trend * 0.0,
                         "freshness": w_fresh * freshness, "collaborative": w_col * 0.0}
        for feature, strength in strengths.items():
            if feature == "trending":  # an absolute scale: engagements within the window
                recent = int(strength)
                value = math.log1p(recent if recent > 0 else 0) / self.trending_log
                if not value < 1.0:
                    value = 1.0
            else:
                top = self.best.get(feature, 0.0)
                value = strength / top if top > 0 else 0.0
            values[feature] = value
            contributions[feature] = self.weight(feature, 0.0) * value
        return values, contributions


def weight_table(weights: FeedWeights) -> dict[str, float]:
    """Every weighted feature's weight, as ``weight_of`` gives it (absent: 0)."""
    table = {f: float(w) for f, w in weights.extra.items()}
    table.update((f, float(getattr(weights, f))) for f in FEATURES)
    return table


def ordered(items: Sequence[Scored]) -> list[Scored]:
    """Highest score first; ties broken by newer post, then id, so rankings are stable."""
    return sorted(items, key=lambda s: (-s.score, -s.created_at, s.post_id))
