"""Recommendations behind one facade that knows nothing of HTTP.

``Recommender(store, settings)`` answers interest profiles, the timeline, the
personalized feed, follow suggestions (and records feedback on them) and
feature analysis. Every result is a frozen value from ``engine.recommend.types``
with its score, the candidate sources that produced it and its reasons.

Errors: an unknown user or post is ``NotFound``; ``first`` outside 1..100 or a
cursor this server did not issue for that connection and user is
``ValidationError``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence

from engine.errors import NotFound, ValidationError
from engine.events import now_ms
from engine.ingest import decay_rate
from engine.recommend import cursor
from engine.recommend.candidates import (
    Candidate,
    CandidateSource,
    SourceRegistry,
    UserContext,
    default_sources,
)
from engine.recommend.features import FeatureAnalyzer
from engine.recommend.feed import FeedRanker, fingerprint, fingerprints, freshness
from engine.recommend.graph_sources import register_graph_sources
from engine.recommend.reasons import feed_reasons
from engine.recommend.scoring import Scored
from engine.recommend.suggestions import Suggester
from engine.recommend.types import (
    AuthorAffinity,
    FeatureAnalysis,
    FeedItem,
    InterestProfile,
    Page,
    PostView,
    Suggestion,
    TagInterest,
    UserView,
)
from engine.recommend.views import post_views, user_views
from engine.settings import Settings, get_settings
from engine.store import GraphStore
from engine.tuning import FeedWeights, RecommendSettings, SuggestWeights

__all__ = [
    "Candidate", "CandidateSource", "FeatureAnalysis", "FeedItem", "FeedWeights",
    "InterestProfile", "Page", "PostView", "RecommendSettings", "Recommender", "SourceRegistry",
    "SuggestWeights", "Suggestion", "UserContext", "UserView",
]

_TIMELINE_START = 2**62  # before any created_at: the first page of a timeline
PROFILE_TAGS = 50
PROFILE_AUTHORS = 10


class Recommender:
    """Feeds, suggestions and analyses for one graph store."""

    def __init__(self, store: GraphStore, settings: Settings | None = None, *,
                 recommend: RecommendSettings | None = None,
                 sources: SourceRegistry | None = None,
                 clock: Callable[[], int] = now_ms) -> None:
        """``clock`` gives "now" in epoch ms (replay a past world or test with a fixed one)."""
        self.store = store
        self.clock = clock
        self.settings = settings or get_settings()
        self.config = recommend or self.settings.recommend
        self.sources = sources or register_graph_sources(default_sources())
        self.decay = decay_rate(self.settings.interest_half_life_days)
        self.ranker = FeedRanker(store, self.config, self.sources, self.decay)
        self.suggester = Suggester(store, self.config, self.decay)
        self.analyzer = FeatureAnalyzer(store, self.ranker)
        key = self.config.cursor_key
        self._key = key.get_secret_value() if key is not None else cursor.DEVELOPMENT_KEY

    # -- interest profile ----------------------------------------------------------------
    def interest_profile(self, user_id: str) -> InterestProfile:
        """Tag interests decayed to now (INTERESTED_IN) and the authors you engage with most."""
        user_id = _id(user_id, "user_id")
        now = self.clock()
        ctx = self.ranker.context(user_id, now)  # NotFound for unknown users
        rows = self.store.read("recommend/get_interest_profile", user_id=user_id)
        tags = sorted(
            (TagInterest(tag=r["tag"], updated_at=int(r["updated_at"]),
                         weight=round(float(r["weight"]) * math.exp(
                             self.decay * min(0, int(r["updated_at"]) - now)), 9))
             for r in rows), key=lambda t: (-t.weight, t.tag))
        top = list(ctx.authors.items())[:PROFILE_AUTHORS]
        counts = {r["author_id"]: int(r["engagements"]) for r in self.store.read(
            "recommend/get_author_affinities", user_id=user_id, as_of=now, decay=self.decay,
            engagements=self.config.profile_engagements)}
        views = user_views(self.store, [a for a, _ in top])
        authors = tuple(AuthorAffinity(user=views[a], affinity=round(w, 9),
                                       engagements=counts.get(a, 0))
                        for a, w in top if a in views)
        return InterestProfile(user_id=user_id, as_of=now, tags=tuple(tags[:PROFILE_TAGS]),
                               authors=authors)

    # -- timeline ------------------------------------------------------------------------
    def timeline(self, user_id: str, first: int = 20, after: str | None = None
                 ) -> Page[FeedItem]:
        """Posts of the people you follow, newest first; the cursor is (created_at, id)."""
        user_id, first = _id(user_id, "user_id"), self._first(first)
        before_at, before_id = _TIMELINE_START, ""
        if after is not None:
            fields, _ = cursor.decode(after, "timeline", user_id, self._key)
            before_at = cursor.require_int(fields, "a")
            last_id = fields.get("i")
            if not isinstance(last_id, str):
                raise ValidationError("bad cursor: unreadable", field="after")
            before_id = last_id
        now = self.clock()
        self.ranker.activity(user_id, now)  # NotFound for unknown users
        rows = self.store.read("recommend/list_timeline", user_id=user_id, before_at=before_at,
                               before_id=before_id, first=first + 1)
        page = rows[:first]
        posts = post_views(self.store, [r["id"] for r in page])
        items = tuple(
            FeedItem(post=posts[r["id"]],
                     score=round(freshness(int(r["created_at"]), now,
                                           self.config.freshness_half_life_hours), 9),
                     sources=("followees",),
                     reasons=(f"from {posts[r['id']].author_name or posts[r['id']].author_id}, "
                              "who you follow",))
            for r in page if r["id"] in posts)
        end = None
        if page:
            last = page[-1]
            end = cursor.encode("timeline", user_id, self._key, a=int(last["created_at"]),
                                i=last["id"])
        return Page(items=items, end_cursor=end, has_next=len(rows) > first)

    # -- personalized feed ---------------------------------------------------------------
    def feed(self, user_id: str, first: int = 20, after: str | None = None) -> Page[FeedItem]:
        """The ranked feed. Pages rank from the snapshot in the cursor and never repeat."""
        user_id, first = _id(user_id, "user_id"), self._first(first)
        served: set[bytes] = set()
        blob = b""
        as_of = self.clock()
        if after is not None:
            fields, blob = cursor.decode(after, "feed", user_id, self._key)
            as_of = cursor.require_int(fields, "t")
            served = fingerprints(blob)
        ctx = self.ranker.context(user_id, as_of)
        # Greedy MMR's first k picks do not depend on how many come after them, so the
        # ranking stops one past this page (the served ones may all be among them): on the
        # first page 21 picks of the pool's 100, the same items in the same order.
        wanted = min(self.config.pool_size, len(served) + first + 1)
        views: dict[str, PostView] = {}

        def removed(ids: list[str]) -> set[str]:
            # The ranking checks its picks for removal; the ones not served yet are read as
            # the page shows them, so one read does both (served ones: the plain check).
            new = [i for i in ids if fingerprint(i) not in served] if served else ids
            shown = post_views(self.store, new)
            views.update(shown)
            gone = {i for i in new if i not in shown or shown[i].removed}
            if len(new) < len(ids):
                fresh = set(new)
                gone |= self.ranker.removed([i for i in ids if i not in fresh])
            return gone

        ranked = self.ranker.rank(ctx, pool=wanted, removed=removed)
        remaining = [s for s in ranked if fingerprint(s.post_id) not in served] if served \
            else ranked
        page = remaining[:first]
        items = self._feed_items(ctx, page, views)
        end = None
        if page:
            blob += b"".join(fingerprint(s.post_id) for s in page)
            end = cursor.encode("feed", user_id, self._key, blob=blob, t=as_of)
        return Page(items=items, end_cursor=end, has_next=len(remaining) > first)

    def _feed_items(self, ctx: UserContext, page: list[Scored],
                    views: Mapping[str, PostView] | None = None) -> tuple[FeedItem, ...]:
        """``views``: the posts already read (the rest of the page is read here)."""
        views = views or {}
        posts = {s.post_id: views[s.post_id] for s in page if s.post_id in views}
        posts.update(post_views(self.store, [s.post_id for s in page if s.post_id not in posts]))
        names = {p.author_id: p.author_name or p.author_id for p in posts.values()}
        hours = self.config.trending_window_hours
        return tuple(FeedItem(post=posts[s.post_id], score=round(s.score, 6), sources=s.sources,
                              reasons=feed_reasons(s, ctx, names, hours))
                     for s in page if s.post_id in posts)

    # -- follow suggestions --------------------------------------------------------------
    def follow_suggestions(self, user_id: str, first: int = 10) -> list[Suggestion]:
        user_id, first = _id(user_id, "user_id"), self._first(first)
        return self.suggester.suggest(user_id, first, self.clock())

    def suggestion_feedback(self, user_id: str, target_id: str, accepted: bool) -> None:
        """Record the answer (latest wins); accepting also follows. Never suggested again."""
        self.suggester.feedback(_id(user_id, "user_id"), _id(target_id, "target_id"),
                                accepted, self.clock())

    def forget_posts(self, ids: Sequence[str]) -> None:
        """Posts just created or edited: the ranking reads their facts afresh."""
        self.ranker.post_facts.forget(ids)

    # -- feature analysis ----------------------------------------------------------------
    def analyze_features(self, post_id: str, for_user: str | None = None) -> FeatureAnalysis:
        post_id = _id(post_id, "post_id")
        posts = post_views(self.store, [post_id])
        if post_id not in posts:
            raise NotFound(f"unknown post {post_id!r}", ids=[post_id])
        post = posts[post_id]
        ctx = None
        if for_user is not None:
            ctx = self.ranker.context(_id(for_user, "for_user"), self.clock())
        authors = user_views(self.store, [post.author_id])
        author = authors.get(post.author_id) or UserView(post.author_id, None, 0, 0, 0)
        names = {post.author_id: author.name or author.id}
        return self.analyzer.analyze(post, author, ctx, names, self.clock())

    # -- helpers -------------------------------------------------------------------------
    def explore(self, user_id: str, first: int = 20, after: str | None = None
                ) -> Page[FeedItem]:
        """Posts trending in the user's community and its neighbours, beyond who they follow."""
        from engine.recommend.explore import explore

        return explore(self.store, _id(user_id, "user_id"), first, after,
                       settings=self.settings.explore, cursor_key=self._key,
                       now=self.clock())

    def _first(self, first: int) -> int:
        limit = self.config.max_page
        if isinstance(first, bool) or not isinstance(first, int) or not 1 <= first <= limit:
            raise ValidationError(f"first must be an integer from 1 to {limit}", field="first",
                                  limit=limit)
        return first


def _id(value: str, name: str) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > 256:
        raise ValidationError(f"{name} must be a non-empty id", field=name)
    return value.strip()
