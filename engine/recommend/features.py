"""``analyze_features``: what a post is, who engages with it, what it resembles, and
(for a user) how each ranking feature adds up to the score the feed would give it.

Similar posts blend two graph neighbourhoods: co-engagement (the cosine of the two
posts' audiences) and shared tags (Jaccard, among the posts of the day before the
post or before now, whichever is earlier), half each.
"""

from __future__ import annotations

from engine.errors import NotFound
from engine.recommend.candidates import DAY_MS, Candidate, UserContext
from engine.recommend.feed import FeedRanker
from engine.recommend.reasons import feed_reasons
from engine.recommend.scoring import FEATURES, weight_of
from engine.recommend.types import (
    Audience,
    AuthorStats,
    CommunityShare,
    EngagementBreakdown,
    FeatureAnalysis,
    FeatureContribution,
    LabelStats,
    PostView,
    ScoreBucket,
    SimilarPost,
    TagCount,
    UserFit,
    UserView,
)
from engine.recommend.views import post_views
from engine.store import GraphStore

AUDIENCE_SAMPLE = 500
TOP_TAGS = 10
TOP_COMMUNITIES = 10
SIMILAR = 10
TAG_NEIGHBOUR_DAYS = 1  # posts sharing tags are looked for among those of the last day
TAG_NEIGHBOUR_SCAN = 2000

_DETAILS = {
    "collaborative": "share of the best collaborative-walk score among your candidates",
    "tag_interest": "how well its tags match your decayed tag interests",
    "author_affinity": "your engagement with its author, over your most engaged-with author",
    "social_proof": "1 - exp(-s), s = summed best score/100 of people you follow who engaged",
    "followee_post": "1 when you follow its author",
    "popularity": "log(1 + people who engaged), scaled to 1 at the popularity reference",
    "trending": "log(1 + engagements in the trending window), scaled",
    "freshness": "2^(-age / half-life)",
}


class FeatureAnalyzer:
    def __init__(self, store: GraphStore, ranker: FeedRanker) -> None:
        self.store = store
        self.ranker = ranker

    def analyze(self, post: PostView, author: UserView, for_user: UserContext | None,
                names: dict[str, str], now: int) -> FeatureAnalysis:
        return FeatureAnalysis(
            post=post, tags=post.tags, author=self._author(author),
            engagement=self._engagement(post.id), audience=self._audience(post.id),
            similar=self._similar(post, now), for_user=None if for_user is None
            else self._fit(post, for_user, names))

    def _author(self, user: UserView) -> AuthorStats:
        row = self.store.read("features/get_author_stats", author_id=user.id)[0]
        posts, total = int(row["posts"]), int(row["engagements"] or 0)
        return AuthorStats(user=user, engagements=total,
                           mean_engagements_per_post=total / posts if posts else 0.0)

    def _engagement(self, post_id: str) -> EngagementBreakdown:
        summary = self.store.read("features/get_engagement_summary", post_id=post_id)[0]
        labels = self.store.read("features/get_engagement_labels", post_id=post_id)
        buckets = tuple(ScoreBucket(low=20.0 * b, high=20.0 * (b + 1), count=int(n))
                        for b, n in enumerate(summary["histogram"]))
        return EngagementBreakdown(
            total=int(summary["total"]), users=int(summary["users"]),
            mean_score=float(summary["mean_score"] or 0.0),
            by_label=tuple(LabelStats(label=r["label"], count=int(r["count"]),
                                      users=int(r["users"]), mean_score=float(r["mean_score"]))
                           for r in labels),
            score_histogram=buckets, first_at=summary["first_at"], last_at=summary["last_at"])

    def _audience(self, post_id: str) -> Audience:
        tags = self.store.read("features/get_audience_tags", post_id=post_id,
                               audience=AUDIENCE_SAMPLE, limit=TOP_TAGS)
        groups = self.store.read("features/get_audience_communities", post_id=post_id,
                                 audience=AUDIENCE_SAMPLE, limit=TOP_COMMUNITIES)
        with_community = sum(int(r["users"]) for r in groups)
        users = self.store.read("features/get_engagement_summary", post_id=post_id)[0]["users"]
        return Audience(
            users=int(users),
            top_tags=tuple(TagCount(tag=r["tag"], users=int(r["users"]),
                                    weight=float(r["weight"])) for r in tags),
            communities=tuple(CommunityShare(community=int(r["community"]),
                                             users=int(r["users"]),
                                             share=int(r["users"]) / with_community)
                              for r in groups))

    def _similar(self, post: PostView, now: int) -> tuple[SimilarPost, ...]:
        co = {r["id"]: r for r in self.store.read(
            "features/find_co_engaged_posts", post_id=post.id, audience=AUDIENCE_SAMPLE,
            per_user=50, limit=SIMILAR * 5)}
        since = min(now, post.created_at) - TAG_NEIGHBOUR_DAYS * DAY_MS
        tagged = {r["id"]: r for r in self.store.read(
            "features/find_tag_neighbours", post_id=post.id, since=since, now=now,
            scan=TAG_NEIGHBOUR_SCAN, limit=SIMILAR * 5)}
        scored = []
        for pid in set(co) | set(tagged):
            cosine = float(co[pid]["cosine"]) if pid in co else 0.0
            jaccard = float(tagged[pid]["jaccard"]) if pid in tagged else 0.0
            scored.append((0.5 * cosine + 0.5 * jaccard, pid))
        scored.sort(key=lambda t: (-t[0], t[1]))
        top = scored[:SIMILAR]
        views = post_views(self.store, [pid for _, pid in top])
        return tuple(
            SimilarPost(post=views[pid], score=round(score, 6),
                        shared_tags=tuple(sorted(set(post.tags) & set(views[pid].tags))),
                        co_engagers=int(co[pid]["co"]) if pid in co else 0)
            for score, pid in top if pid in views)

    def _fit(self, post: PostView, ctx: UserContext, names: dict[str, str]) -> UserFit:
        ranker = self.ranker
        proposals = ranker.candidates(ctx, ranker.settings.per_source)
        mine = proposals.get(post.id, [])
        facts = ranker.facts(ctx, [post.id], live=True)
        if post.id not in facts:  # pragma: no cover - the post was just read
            raise NotFound(f"unknown post {post.id!r}", ids=[post.id])
        social = ranker.social(ctx, [post.id])
        best: dict[str, float] = {}
        for cands in proposals.values():
            for c in cands:
                feature = ranker._feature(c.source)
                if feature:
                    best[feature] = max(best.get(feature, 0.0), c.strength)
        scored = ranker.score(ctx, {post.id: mine or [Candidate(post.id, "", 0.0)]}, facts,
                              social, best)[0]
        weights = ranker.settings.weights
        contributions = tuple(sorted(
            (FeatureContribution(name=f, value=round(v, 6), weight=weight_of(weights, f),
                                 contribution=round(scored.contributions[f], 6),
                                 detail=_DETAILS.get(f, f"from the {f} source"))
             for f, v in scored.values.items()),
            key=lambda c: (-c.contribution, FEATURES.index(c.name)
                           if c.name in FEATURES else len(FEATURES), c.name)))
        reasons = feed_reasons(scored, ctx, names, ranker.settings.trending_window_hours)
        excluded = ranker.exclusion(ctx, facts[post.id]).words()
        return UserFit(user_id=ctx.user_id, score=round(scored.score, 6),
                       contributions=contributions, sources=tuple(c.source for c in mine),
                       reasons=reasons, excluded_because=excluded)
