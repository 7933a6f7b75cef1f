"""Candidate sources from `graphfeed train`: embedding neighbours and communities.

Feed sources (``CandidateSource`` of ``engine.recommend.candidates``; register them in
the feed's ``SourceRegistry``, see :func:`register_graph_sources`):

- ``embedding_posts``: posts nearest (cosine, vector index) to the posts the user
  engaged with last;
- ``embedding_authors``: recent posts of the accounts nearest to the authors the user
  engages with most;
- ``community_trending``: what Explore ranks for the user (their community and the
  nearest ones), without Explore's per-user filter: the feed filters its candidates.

Their strengths feed the scoring features ``embedding_similarity`` and
``community_trend`` (weights in ``FeedWeights.extra``). Each proposal's evidence holds
what :func:`reason` puts in words.

Follow-suggestion sources (plain functions; the suggester has no plug-in protocol yet),
each returning ``(user id, score, reason)`` best first:

- :func:`embedding_accounts`: accounts nearest to the user's vector;
- :func:`community_accounts`: the most followed accounts of the user's community.

All of them answer nothing (never fail) before the first training run.
"""

from __future__ import annotations

import math
from typing import Any

from engine.recommend.candidates import (
    DAY_MS,
    Candidate,
    CandidateSource,
    SourceRegistry,
    UserContext,
)
from engine.recommend.explore import rank
from engine.recommend.reasons import hashtags
from engine.store import GraphStore
from engine.tuning import ExploreSettings, RecommendSettings

EMBEDDING_FEATURE = "embedding_similarity"
COMMUNITY_FEATURE = "community_trend"


def _since(ctx: UserContext, settings: RecommendSettings) -> int:
    return ctx.as_of - int(settings.recent_days * DAY_MS)


class EmbeddingNeighbourPosts:
    """Posts like the ones you engaged with last (nearest by the trained embeddings)."""

    name: str = "embedding_posts"
    feature: str | None = EMBEDDING_FEATURE

    def __init__(self, seeds: int = 10) -> None:
        self.seeds = seeds

    def applies(self, ctx: UserContext) -> bool:
        return ctx.engaged > 0

    def fetch(self, store: GraphStore, ctx: UserContext, settings: RecommendSettings,
              limit: int) -> list[Candidate]:
        rows = store.read("sources/find_embedding_posts", user_id=ctx.user_id, as_of=ctx.as_of,
                          since=_since(ctx, settings), seeds=self.seeds,
                          candidates=max(20, 2 * limit // max(1, self.seeds)), limit=limit)
        return [Candidate(r["id"], self.name, float(r["similarity"]), {"via_post": r["via"]})
                for r in rows if r["similarity"] > 0]


class EmbeddingNeighbourAuthors:
    """Recent posts of accounts like the authors you engage with most."""

    name: str = "embedding_authors"
    feature: str | None = EMBEDDING_FEATURE

    def __init__(self, authors: int = 10, neighbours: int = 30, each: int = 3) -> None:
        self.authors, self.neighbours, self.each = authors, neighbours, each

    def applies(self, ctx: UserContext) -> bool:
        return bool(ctx.authors)

    def fetch(self, store: GraphStore, ctx: UserContext, settings: RecommendSettings,
              limit: int) -> list[Candidate]:
        authors = list(ctx.authors)[:self.authors]
        rows = store.read("sources/find_embedding_author_posts", user_id=ctx.user_id,
                          authors=authors, as_of=ctx.as_of, since=_since(ctx, settings),
                          candidates=self.neighbours // max(1, len(authors)) + 5,
                          neighbours=self.neighbours, each=self.each, limit=limit)
        names = ctx.author_names
        return [Candidate(r["id"], self.name, float(r["similarity"]),
                          {"via_author": names.get(r["via"]) or r["via"],
                           "author_id": r["author_id"]})
                for r in rows if r["similarity"] > 0]


class CommunityTrending:
    """What Explore would show: trending in your community and the ones next to it."""

    name: str = "community_trending"
    feature: str | None = COMMUNITY_FEATURE

    def __init__(self, settings: ExploreSettings | None = None) -> None:
        self.settings = settings or ExploreSettings(fill_with_trending=False)

    def applies(self, ctx: UserContext) -> bool:
        return True

    def fetch(self, store: GraphStore, ctx: UserContext, settings: RecommendSettings,
              limit: int) -> list[Candidate]:
        s = self.settings.model_copy(update={"pool": min(limit, self.settings.pool)})
        # A cold list is computed as long as Explore's, so Explore's requests in the same
        # snapshot reuse it (and this one reuses theirs) instead of computing it twice.
        # The feed drops seen, engaged, own and removed posts itself, so Explore's per-user
        # filter (explore/find_excluded, ~1 ms of database time per feed) is skipped; unlike
        # Explore, the feed also keeps posts by people the user follows.
        posts = rank(store, ctx.user_id, ctx.as_of, s, each=self.settings.pool, hide=False)
        return [Candidate(p.id, self.name, p.trend, {"reason": p.reasons[0] if p.reasons else ""})
                for p in posts if p.source != "trending" and p.trend > 0]


def register_graph_sources(registry: SourceRegistry) -> SourceRegistry:
    """Add the three feed sources to ``registry`` (replacing ones of the same name)."""
    sources: tuple[CandidateSource, ...] = (EmbeddingNeighbourPosts(),
                                            EmbeddingNeighbourAuthors(), CommunityTrending())
    for source in sources:
        registry.register(source, replace=True)
    return registry


def served_explore_settings(explore: ExploreSettings, registry: SourceRegistry
                            ) -> list[ExploreSettings]:
    """Every Explore configuration served: Explore's own and those of the registry's
    community sources (``prepare_snapshot`` computes the lists of all of them)."""
    return [explore, *(s.settings for s in registry if isinstance(s, CommunityTrending))]


def reason(candidate: Candidate) -> str | None:
    """The words for a proposal of one of these sources (None for other sources)."""
    e = candidate.evidence
    if candidate.source == EmbeddingNeighbourPosts.name:
        return "similar to posts you engaged with"
    if candidate.source == EmbeddingNeighbourAuthors.name:
        return f"from an account like {e.get('via_author')}, whose posts you engage with"
    if candidate.source == CommunityTrending.name:
        return str(e.get("reason") or "") or None
    return None


# -- follow suggestions --------------------------------------------------------------------------
Suggested = tuple[str, float, str]


def embedding_accounts(store: GraphStore, user_id: str, k: int = 20) -> list[Suggested]:
    """Accounts nearest to the user's vector, not followed yet: (id, cosine, reason)."""
    rows = store.read("sources/find_embedding_accounts", user_id=user_id,
                      candidates=3 * k + 1, limit=k)
    return [(r["id"], round(float(r["similarity"]), 6),
             "follows and engages much like you") for r in rows if r["similarity"] > 0]


def community_accounts(store: GraphStore, user_id: str, k: int = 20) -> list[Suggested]:
    """The most followed accounts of the user's community, not followed yet.

    Score: log(1 + followers) / log(1 + the community's most followed), in 0..1.
    """
    rows: list[dict[str, Any]] = store.read("sources/find_community_accounts", user_id=user_id,
                                            limit=k)
    if not rows:
        return []
    top = max(int(r["followers"]) for r in rows)
    out = []
    for r in rows:
        score = math.log1p(int(r["followers"])) / math.log1p(top) if top else 0.0
        tags = list(r["tags"] or [])[:2]
        where = f"people into {hashtags(tags)} like you" if tags else "your community"
        out.append((r["id"], round(score, 6), f"popular with {where}"))
    return out
