"""The candidate stage: named sources, each one Cypher query, all behind one protocol.

A source proposes posts for a user with a source-specific ``strength`` (larger is
stronger) and the evidence the reasons quote. Sources know nothing of each
other; the ranker merges their proposals by post, remembers which sources
proposed each post, and scores them all with the same features. Embedding and
community sources (``graphfeed train``) plug in by registering another
``CandidateSource``: give it a ``name``, optionally the ``feature`` its strength
feeds (weighted by ``FeedWeights.extra[feature]``), and a ``fetch``.

A source may also define ``explain(candidate) -> str | None``: the reason the feed
shows when that source's feature counts among the item's strongest.

Every query reads the graph as it was at ``ctx.as_of`` where that is cheap
(follows, engagements and posts newer than it are ignored), so the pages of one
feed rank from one snapshot. Trending, popular and the interest scan depend on
no user: they read it as of the start of ``as_of``'s snapshot
(``RecommendSettings.snapshot_seconds``), once for every user (``shared_list``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from engine.recommend.listcache import ListCache, snapshot_start, store_key
from engine.store import GraphStore
from engine.tuning import RecommendSettings

HOUR_MS = 3_600_000
DAY_MS = 24 * HOUR_MS


@dataclass(frozen=True)
class UserContext:
    """What the ranker knows of the user as of ``as_of``."""

    user_id: str
    as_of: int
    following: int  # how many the user followed by as_of
    engaged: int  # how many engagements the user had made by as_of
    tags: Mapping[str, float]  # decayed tag interests, strongest first
    authors: Mapping[str, float]  # decayed author affinities, strongest first
    author_names: Mapping[str, str] = field(default_factory=dict)
    followees: frozenset[str] = frozenset()  # whom the user followed by as_of
    seen: int = 0  # how many posts the user was ever shown (SAW), counted up to a cap

    @property
    def cold(self) -> bool:
        """No follows and no engagements: only popularity can help."""
        return self.following == 0 and self.engaged == 0

    @property
    def top_tag_weight(self) -> float:
        return max(self.tags.values(), default=0.0)

    @property
    def top_author_affinity(self) -> float:
        return max(self.authors.values(), default=0.0)


@dataclass(frozen=True)
class Candidate:
    post_id: str
    source: str
    strength: float
    evidence: Mapping[str, Any] = field(default_factory=dict)


@runtime_checkable
class CandidateSource(Protocol):
    """A named way of finding posts for a user."""

    name: str
    feature: str | None  # the scoring feature fed by ``strength`` (None: proposal only)

    def applies(self, ctx: UserContext) -> bool:
        """Whether the source can say anything for this user (skipped otherwise)."""
        ...

    def fetch(self, store: GraphStore, ctx: UserContext, settings: RecommendSettings,
              limit: int) -> list[Candidate]:
        ...


class SourceRegistry:
    """The sources the feed asks, in order; names are unique."""

    def __init__(self, sources: Iterable[CandidateSource] = ()) -> None:
        self._sources: dict[str, CandidateSource] = {}
        for source in sources:
            self.register(source)

    def register(self, source: CandidateSource, *, replace: bool = False) -> None:
        if not isinstance(source, CandidateSource):
            raise TypeError(f"{source!r} does not implement CandidateSource")
        if source.name in self._sources and not replace:
            raise ValueError(f"a candidate source named {source.name!r} is already registered")
        self._sources[source.name] = source

    def unregister(self, name: str) -> None:
        self._sources.pop(name, None)

    def __iter__(self) -> Iterator[CandidateSource]:
        return iter(list(self._sources.values()))

    def __contains__(self, name: object) -> bool:
        return name in self._sources

    def names(self) -> tuple[str, ...]:
        return tuple(self._sources)

    def get(self, name: str) -> CandidateSource:
        return self._sources[name]


def _since(ctx: UserContext, settings: RecommendSettings) -> int:
    return ctx.as_of - int(settings.recent_days * DAY_MS)


# Trending, popular and the interest scan are the same for every user of a snapshot.
_SHARED: ListCache[dict[str, Any]] = ListCache(size=64)


def shared_list(store: GraphStore, what: tuple[Any, ...], n: int,
                read: Callable[[int], list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """The first ``n`` rows of a list every user shares, computed (``read(length)``) once
    per key. The queries order by a total order and cut, so a longer list serves shorter
    asks; ``what`` starts with a name and holds everything the rows depend on."""
    return _SHARED.fetch((*store_key(store), *what), str(what[0]), n, read)


# --- the built-in sources ----------------------------------------------------------------
class FolloweePosts:
    """Recent posts of the people the user follows."""

    name: str = "followees"
    feature: str | None = None  # the ranker's followee_post feature covers it, for every candidate

    def applies(self, ctx: UserContext) -> bool:
        return ctx.following > 0

    def fetch(self, store: GraphStore, ctx: UserContext, settings: RecommendSettings,
              limit: int) -> list[Candidate]:
        rows = store.read("recommend/find_followee_posts", user_id=ctx.user_id, as_of=ctx.as_of,
                          followees=settings.followees_scanned,
                          each=settings.followee_posts_each, limit=limit)
        return [Candidate(r["id"], self.name, float(r["created_at"]), {"via": r["via"]})
                for r in rows]


class FolloweeEngaged:
    """Posts the people the user follows engaged with lately."""

    name: str = "followee_engaged"
    feature: str | None = None  # social_proof is computed for every candidate

    def applies(self, ctx: UserContext) -> bool:
        return ctx.following > 0

    def fetch(self, store: GraphStore, ctx: UserContext, settings: RecommendSettings,
              limit: int) -> list[Candidate]:
        rows = store.read("recommend/find_followee_engaged", user_id=ctx.user_id,
                          as_of=ctx.as_of, since=_since(ctx, settings),
                          followees=settings.followees_scanned,
                          scan=settings.engaged_by_followees_scan, limit=limit)
        return [Candidate(r["id"], self.name, float(r["strength"]),
                          {"followees": r["followees"]}) for r in rows]


class TagInterests:
    """Recent posts tagged with the user's strongest interests."""

    name: str = "interests"
    feature: str | None = None  # tag_interest is computed for every candidate

    def applies(self, ctx: UserContext) -> bool:
        return bool(ctx.tags)

    def fetch(self, store: GraphStore, ctx: UserContext, settings: RecommendSettings,
              limit: int) -> list[Candidate]:
        wanted = {t for t, w in list(ctx.tags.items())[:settings.interest_tags] if w > 0}
        if not wanted:
            return []
        as_of = snapshot_start(ctx.as_of, settings.snapshot_seconds)
        since = as_of - int(settings.tag_window_hours * HOUR_MS)
        # The scan (posts and their tags) is every user's: read once per snapshot.
        scan = settings.tag_scan  # not a ranked list: the whole scan, whatever the length
        rows = shared_list(store, ("interests", as_of, since, scan), scan, lambda _: store.read(
            "recommend/list_tagged_posts", as_of=as_of, since=since, scan=scan))
        weighed = []
        for r in rows:
            tags = r["tags"]
            if wanted.isdisjoint(tags) or r["author_id"] == ctx.user_id:
                continue  # most of the scan: one C-level test each
            matched = [t for t in tags if t in wanted]
            weighed.append((sum(ctx.tags[t] for t in matched), r["id"], matched))
        weighed.sort(key=lambda t: (-t[0], t[1]))
        return [Candidate(pid, self.name, weight, {"tags": matched})
                for weight, pid, matched in weighed[:limit]]


class Trending:
    """Posts of the recent window with the most engagements within it."""

    name: str = "trending"
    feature: str | None = "trending"  # its strength is the engagement count within the window

    def applies(self, ctx: UserContext) -> bool:
        return True

    def fetch(self, store: GraphStore, ctx: UserContext, settings: RecommendSettings,
              limit: int) -> list[Candidate]:
        as_of = snapshot_start(ctx.as_of, settings.snapshot_seconds)
        start = as_of - int(settings.trending_window_hours * HOUR_MS)
        rows = shared_list(store, ("trending", as_of, start, settings.trending_scan), limit,
                           lambda n: store.read("recommend/find_trending", as_of=as_of,
                                                window_start=start,
                                                scan=settings.trending_scan, limit=n))
        return [Candidate(r["id"], self.name, float(r["recent"])) for r in rows]


class Popular:
    """The posts of the last day most people engaged with: what a new user gets."""

    name: str = "popular"
    feature: str | None = None  # popularity is computed for every candidate

    def applies(self, ctx: UserContext) -> bool:
        return ctx.cold

    def fetch(self, store: GraphStore, ctx: UserContext, settings: RecommendSettings,
              limit: int) -> list[Candidate]:
        as_of = snapshot_start(ctx.as_of, settings.snapshot_seconds)
        since = as_of - int(settings.popular_window_hours * HOUR_MS)
        rows = shared_list(store, ("popular", as_of, since, settings.popular_scan), limit,
                           lambda n: store.read("recommend/find_popular", as_of=as_of,
                                                since=since, scan=settings.popular_scan,
                                                limit=n))
        return [Candidate(r["id"], self.name, float(r["engagers"])) for r in rows]


class Collaborative:
    """People who engaged with what you engaged with also engaged with … (RP3beta).

    With a ``collaborative`` training run active (and ``collaborative_trained`` on), the
    scores come from each seed post's precomputed neighbours (``engine.learn.
    collaborative``): one hop, ~1 ms. Otherwise the walk runs live, three hops, sampled.
    """

    name: str = "collaborative"
    feature: str | None = "collaborative"

    def applies(self, ctx: UserContext) -> bool:
        return ctx.engaged > 0

    def fetch(self, store: GraphStore, ctx: UserContext, settings: RecommendSettings,
              limit: int) -> list[Candidate]:
        if settings.collaborative_trained:
            rows = store.read("recommend/find_collaborative_trained", user_id=ctx.user_id,
                              as_of=ctx.as_of, seeds=settings.collaborative_seeds, limit=limit)
            # No rows: untrained (walk instead), or the seeds have no neighbours (rare: then
            # the walk finds none either, or only what engagements since the run add).
            if rows or store.read("learn/get_active_run", kind=self.name):
                return self._candidates(rows)
        return self._candidates(self._walk(store, ctx, settings, limit))

    def _walk(self, store: GraphStore, ctx: UserContext, settings: RecommendSettings,
              limit: int) -> list[dict[str, Any]]:
        return store.read(
            "recommend/find_collaborative", user_id=ctx.user_id, as_of=ctx.as_of,
            seeds=settings.collaborative_seeds, per_seed=settings.collaborative_per_seed,
            neighbours=settings.collaborative_neighbours,
            per_neighbour=settings.collaborative_per_neighbour,
            alpha=settings.collaborative_alpha, beta=settings.collaborative_beta,
            damp_top=max(limit, settings.collaborative_damp_top), limit=limit)

    def _candidates(self, rows: list[dict[str, Any]]) -> list[Candidate]:
        return [Candidate(r["id"], self.name, float(r["score"]), {"via": r["via"]})
                for r in rows if math.isfinite(r["score"]) and r["score"] > 0]


def default_sources() -> SourceRegistry:
    return SourceRegistry([FolloweePosts(), FolloweeEngaged(), TagInterests(), Trending(),
                           Popular(), Collaborative()])
