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
from typing import Any

from engine.recommend.candidates import HOUR_MS, UserContext
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


@dataclass(frozen=True)
class PostFacts:
    """The graph's facts about one candidate (``recommend/get_candidate_features``)."""

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
    def from_row(cls, row: Mapping[str, Any], followees: Set[str]) -> PostFacts:
        return cls(post_id=row["id"], author_id=row["author_id"] or "",
                   created_at=int(row["created_at"] or 0), tags=tuple(sorted(row["tags"] or ())),
                   engagers=int(row["engagers"] or 0),
                   followed=row["author_id"] in followees, removed=bool(row["removed"]),
                   seen=bool(row["seen"]), engaged=bool(row["engaged"]))


@dataclass(frozen=True)
class SocialProof:
    followees: int = 0
    strength: float = 0.0
    likers: int = 0
    names: tuple[str, ...] = ()


def weight_of(weights: FeedWeights, feature: str) -> float:
    if feature in FEATURES:
        return float(getattr(weights, feature))
    return float(weights.extra.get(feature, 0.0))


def feature_values(facts: PostFacts, ctx: UserContext, social: SocialProof,
                   strengths: Mapping[str, float], best: Mapping[str, float],
                   settings: RecommendSettings) -> dict[str, float]:
    """Each feature's value in 0..1 for one candidate (see the module doc)."""
    values: dict[str, float] = {}
    top_tag = ctx.top_tag_weight
    if facts.tags and top_tag > 0:
        total = sum(ctx.tags.get(t, 0.0) for t in facts.tags)
        values["tag_interest"] = min(1.0, total / top_tag / math.sqrt(len(facts.tags)))
    else:
        values["tag_interest"] = 0.0
    top_author = ctx.top_author_affinity
    values["author_affinity"] = (ctx.authors.get(facts.author_id, 0.0) / top_author
                                 if top_author > 0 else 0.0)
    values["social_proof"] = 1.0 - math.exp(-social.strength)
    values["followee_post"] = 1.0 if facts.followed else 0.0
    values["popularity"] = _log_share(facts.engagers, settings.popularity_reference)
    values["trending"] = 0.0
    age_hours = max(0, ctx.as_of - facts.created_at) / HOUR_MS
    values["freshness"] = 2.0 ** (-age_hours / settings.freshness_half_life_hours)
    values["collaborative"] = 0.0
    for feature, strength in strengths.items():
        if feature == "trending":  # an absolute scale: engagements within the window
            values[feature] = _log_share(int(strength), settings.trending_reference)
            continue
        top = best.get(feature, 0.0)
        values[feature] = strength / top if top > 0 else 0.0
    return values


def weight_table(weights: FeedWeights) -> dict[str, float]:
    """Every weighted feature's weight, as ``weight_of`` gives it (absent: 0)."""
    table = {f: float(w) for f, w in weights.extra.items()}
    table.update((f, float(getattr(weights, f))) for f in FEATURES)
    return table


def combine(values: Mapping[str, float], weights: FeedWeights | Mapping[str, float]
            ) -> tuple[float, dict[str, float]]:
    """The score and each feature's contribution to it. A ranking scoring many candidates
    passes ``weight_table(weights)``, built once."""
    table = weights if isinstance(weights, Mapping) else weight_table(weights)
    contributions = {f: table.get(f, 0.0) * v for f, v in values.items()}
    return sum(contributions.values()), contributions


def _log_share(count: int, reference: int) -> float:
    return min(1.0, math.log1p(max(count, 0)) / math.log1p(reference))


def ordered(items: Sequence[Scored]) -> list[Scored]:
    """Highest score first; ties broken by newer post, then id, so rankings are stable."""
    return sorted(items, key=lambda s: (-s.score, -s.created_at, s.post_id))
