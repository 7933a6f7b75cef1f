"""The personalized feed: candidates → features → score → filter → diversify.

One ranking reads the graph as of ``as_of`` wherever that is cheap: the user's
own profile, follows, impressions and engagements, and every post newer than it,
are ignored; other people's engagements and the degrees that normalise the walk
and popularity are read live (binding them to a time costs a relationship
property read per edge).
A feed cursor carries ``as_of`` and a fingerprint of every post already served,
so the next page ranks from the same snapshot and skips what was served:
pages never repeat a post, whatever happened in between, and nothing is
skipped unless it left the ranking (removed, or pushed out of the pool).

Filtering drops posts the user had already seen (SAW) or engaged with by
``as_of``, their own posts and removed posts. ``rank(..., exclude_engaged_only=
True)`` is the evaluation mode: it ranks every post the user has not engaged
with (training interactions are the only exclusions, so held-out ones stay
reachable).
"""

from __future__ import annotations

import functools
import hashlib
import math
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from engine.errors import NotFound
from engine.recommend.candidates import (
    Candidate,
    SourceRegistry,
    UserContext,
)
from engine.recommend.fanout import gather
from engine.recommend.postfacts import PostFactsCache, SharedFacts
from engine.recommend.rerank import diversify
from engine.recommend.scoring import (
    FeatureMaker,
    PostFacts,
    Scored,
    SocialProof,
    ordered,
    weight_table,
)
from engine.store import GraphStore
from engine.tuning import RecommendSettings

FINGERPRINT_BYTES = 4


def fingerprint(post_id: str) -> bytes:
    return hashlib.blake2b(post_id.encode(), digest_size=FINGERPRINT_BYTES).digest()


def fingerprints(blob: bytes) -> set[bytes]:
    n = FINGERPRINT_BYTES
    return {blob[i:i + n] for i in range(0, len(blob) - len(blob) % n, n)}


class Exclusion(NamedTuple):
    """Why the feed drops a post for a user (empty: it does not). A named tuple: a
    ranking builds one per candidate (~280), at half a frozen dataclass's cost."""

    removed: bool = False
    own: bool = False
    seen: bool = False
    engaged: bool = False

    @property
    def any(self) -> bool:
        return self.removed or self.own or self.seen or self.engaged

    def words(self) -> tuple[str, ...]:
        names = {"removed": "removed", "own": "your own post", "seen": "already seen",
                 "engaged": "already engaged with"}
        return tuple(text for attr, text in names.items() if getattr(self, attr))


class FeedRanker:
    def __init__(self, store: GraphStore, settings: RecommendSettings, sources: SourceRegistry,
                 decay_per_ms: float) -> None:
        self.store = store
        self.settings = settings
        self.sources = sources
        self.decay = decay_per_ms
        self.post_facts = PostFactsCache(settings.post_facts_ttl_s, settings.post_facts_kept)

    # -- the user ----------------------------------------------------------------------
    def activity(self, user_id: str, as_of: int) -> dict[str, Any]:
        """Follows and engagements by ``as_of``; NotFound for an unknown user."""
        # cap >= 1: a user who was never shown a post still gets their one row
        rows = self.store.read("recommend/get_activity", user_id=user_id, as_of=as_of,
                               cap=self.settings.user_side_history + 1)
        if not rows:
            raise NotFound(f"unknown user {user_id!r}", ids=[user_id])
        return rows[0]

    def context(self, user_id: str, as_of: int) -> UserContext:
        # The three reads are independent (an unknown user or one who never engaged
        # simply gets no interest rows), so they go out together.
        common = {"user_id": user_id, "as_of": as_of, "decay": self.decay,
                  "engagements": self.settings.profile_engagements}
        activity, tag_rows, author_rows = gather([
            lambda: self.activity(user_id, as_of),
            lambda: self.store.read("recommend/get_tag_interests", **common),
            lambda: self.store.read("recommend/get_author_affinities", **common)])
        tags = {r["tag"]: float(r["weight"]) for r in tag_rows}
        authors = {r["author_id"]: float(r["affinity"]) for r in author_rows}
        followees = frozenset(activity["followees"])
        return UserContext(user_id=user_id, as_of=as_of, following=len(followees),
                           engaged=int(activity["engaged"]), tags=tags, authors=authors,
                           followees=followees, seen=int(activity.get("seen") or 0))

    # -- candidates --------------------------------------------------------------------
    def candidates(self, ctx: UserContext, per_source: int) -> dict[str, list[Candidate]]:
        """Proposals by post id, in the registry's source order."""
        applicable = [s for s in self.sources if s.applies(ctx)]
        results: list[list[Candidate]] = gather([
            functools.partial(s.fetch, self.store, ctx, self.settings, per_source)
            for s in applicable])
        found: dict[str, list[Candidate]] = defaultdict(list)
        for cands in results:
            for cand in cands:
                found[cand.post_id].append(cand)
        return found

    def facts(self, ctx: UserContext, ids: Sequence[str], *, live: bool = False
              ) -> dict[str, PostFacts]:
        """``live``: read the shared facts too, not the copies kept (an analysis of one
        post shows its engagers as of now)."""
        shared, state = gather([lambda: self.shared_facts(ids, live=live),
                                lambda: self.candidate_state(ctx, ids)])
        return self._merge(ctx, shared, state)

    def shared_facts(self, ids: Sequence[str], *, live: bool = False
                     ) -> dict[str, SharedFacts]:
        """Author, time, tags and engagers: the same for every user, kept a short while."""
        def read(missing: list[str]) -> list[dict[str, Any]]:
            return self.store.read("recommend/get_post_facts", ids=missing)

        if live:
            return {r["id"]: SharedFacts.from_row(r) for r in read(list(ids))}
        return self.post_facts.facts(ids, read)

    def candidate_state(self, ctx: UserContext, ids: Sequence[str], *, removal: bool = True
                        ) -> dict[str, dict[str, Any]]:
        """The posts among ``ids`` to drop for this user (seen, engaged and removed), live.
        Without ``removal``, removal may be left out (``user_side``): the caller checks it."""
        if not removal and self.user_side(ctx):
            rows = self.store.read("recommend/get_seen_engaged", user_id=ctx.user_id,
                                   ids=list(ids), as_of=ctx.as_of)
        else:
            rows = self.store.read("recommend/get_candidate_state", user_id=ctx.user_id,
                                   ids=list(ids), as_of=ctx.as_of)
        return {r["id"]: r for r in rows}

    def user_side(self, ctx: UserContext) -> bool:
        """Is the user's history short enough to read their seen and engaged candidates from
        their side (``RecommendSettings.user_side_history``)?"""
        return ctx.engaged + ctx.seen < self.settings.user_side_history

    def removed(self, ids: Sequence[str]) -> set[str]:
        """Which of ``ids`` are removed, now."""
        if not ids:
            return set()
        return {r["id"] for r in self.store.read("recommend/get_removed_posts", ids=list(ids))}

    @staticmethod
    def _merge(ctx: UserContext, shared: dict[str, SharedFacts],
               state: dict[str, dict[str, Any]]) -> dict[str, PostFacts]:
        followees, get_state = ctx.followees, state.get
        return {post_id: PostFacts.of(post_id, facts, get_state(post_id), followees)
                for post_id, facts in shared.items()}

    def facts_and_social(self, ctx: UserContext, ids: Sequence[str]
                         ) -> tuple[dict[str, PostFacts], dict[str, SocialProof]]:
        """Both at once: the shared facts, the user's state and social proof are three
        independent reads; social proof is read for every proposal rather than after the
        facts filtered them."""
        shared, state, social = gather([lambda: self.shared_facts(ids),
                                        lambda: self.candidate_state(ctx, ids, removal=False),
                                        lambda: self.social(ctx, ids)])
        return self._merge(ctx, shared, state), social

    def social(self, ctx: UserContext, ids: Sequence[str]) -> dict[str, SocialProof]:
        if not ctx.following or not ids:
            return {}
        rows = self.store.read("recommend/get_social_proof", user_id=ctx.user_id,
                               ids=list(ids), as_of=ctx.as_of,
                               followees=self.settings.followees_scanned)
        return {r["id"]: SocialProof(followees=int(r["followees"]),
                                     strength=float(r["strength"]), likers=int(r["likers"]),
                                     names=tuple(r["names"])) for r in rows}

    @staticmethod
    def exclusion(ctx: UserContext, facts: PostFacts, *, engaged_only: bool = False
                  ) -> Exclusion:
        if engaged_only:
            return Exclusion(engaged=facts.engaged)
        return Exclusion(removed=facts.removed, own=facts.author_id == ctx.user_id,
                         seen=facts.seen, engaged=facts.engaged)

    def score(self, ctx: UserContext, proposals: dict[str, list[Candidate]],
              facts: dict[str, PostFacts], social: dict[str, SocialProof],
              best: dict[str, float] | None = None) -> list[Scored]:
        """Score every proposal that has facts; ``best`` normalises source strengths."""
        # Per source, once per ranking: its feature and its reason-maker. A few hundred
        # candidates go through the loop below, so it stays lean.
        sources = {c.source for cands in proposals.values() for c in cands}
        feature_of = {name: self._feature(name) for name in sources}
        explain_of: dict[str, Callable[[Candidate], str | None]] = {}
        for name in sources:
            if name in self.sources:
                maker = getattr(self.sources.get(name), "explain", None)
                if callable(maker):
                    explain_of[name] = maker
        if best is None:
            best = defaultdict(float)
            for cands in proposals.values():
                for c in cands:
                    feature = feature_of[c.source]
                    if feature:
                        best[feature] = max(best[feature], c.strength)
        features = FeatureMaker(ctx, best, self.settings, weight_table(self.settings.weights))
        no_proof = SocialProof()
        get_fact, get_proof = facts.get, social.get
        out = []
        for post_id, cands in proposals.items():
            fact = get_fact(post_id)
            if fact is None:
                continue
            strengths: dict[str, float] = {}
            evidence: dict[str, object] = {}
            plugin_reasons: dict[str, str] = {}
            for c in cands:
                source = c.source
                feature = feature_of[source]
                if feature:
                    strength, held = c.strength, strengths.get(feature, 0.0)
                    strengths[feature] = strength if strength > held else held  # max()
                    explain = explain_of.get(source) if explain_of else None
                    if explain is not None and feature not in plugin_reasons:
                        text = explain(c)
                        if text:
                            plugin_reasons[feature] = text
                if source == "collaborative":
                    evidence["collaborative_via"] = c.evidence.get("via", 0)
                elif source == "trending":
                    evidence["recent"] = int(c.strength)
            proof = get_proof(post_id, no_proof)
            values, contributions = features.score(fact, proof.strength, strengths)
            evidence["social"] = proof
            evidence["engagers"] = fact.engagers
            evidence["plugin_reasons"] = plugin_reasons
            out.append(Scored(post_id=post_id, author_id=fact.author_id, tags=fact.tags,
                              created_at=fact.created_at,
                              sources=(cands[0].source,) if len(cands) == 1
                              else tuple(dict.fromkeys(c.source for c in cands)),
                              values=values, contributions=contributions,
                              score=sum(contributions.values()), evidence=evidence))
        return out

    def _feature(self, source_name: str) -> str | None:
        if source_name not in self.sources:
            return None
        return self.sources.get(source_name).feature

    # -- the ranking -------------------------------------------------------------------
    def rank(self, ctx: UserContext, *, pool: int, per_source: int | None = None,
             exclude_engaged_only: bool = False, diversified: bool = True,
             removed: Callable[[list[str]], set[str]] | None = None) -> list[Scored]:
        """The top ``pool`` posts for the user, filtered and diversified. ``removed``: which
        of the given posts are removed now, if the caller reads them anyway (default:
        ``self.removed``)."""
        proposals = self.candidates(ctx, per_source or self.settings.per_source)
        ids = sorted(proposals)
        facts, social = self.facts_and_social(ctx, ids)
        kept = [i for i in ids if i in facts and not self.exclusion(
            ctx, facts[i], engaged_only=exclude_engaged_only).any]
        scored = ordered(self.score(ctx, {i: proposals[i] for i in kept}, facts, social))
        settings = self.settings

        def pick(items: list[Scored]) -> list[Scored]:
            if not diversified:
                return items[:pool]
            return diversify(items, limit=pool, lam=settings.mmr_lambda,
                             max_per_author=settings.max_per_author,
                             window=settings.author_window)

        if exclude_engaged_only or not self.user_side(ctx):
            return pick(scored)  # removal not asked (evaluation), or read with the state
        return self._unremoved(scored, pick, removed or self.removed)

    @staticmethod
    def _unremoved(scored: list[Scored], pick: Callable[[list[Scored]], list[Scored]],
                   removed: Callable[[list[str]], set[str]]) -> list[Scored]:
        """``pick(scored)`` as if the removed posts had been dropped first. Only the picks
        are checked (a page's worth, not ~280 candidates); one removed goes and the picking
        runs again, which is rare: the sources skip removed posts, and only the lists kept
        a minute may hold one removed since. The result is the same, because the picks
        depend only on the items picked (the first pick is the best score, which sets the
        relevance scale)."""
        checked: set[str] = set()
        while True:
            picks = pick(scored)
            fresh = [s.post_id for s in picks if s.post_id not in checked]
            gone = removed(fresh)
            if not gone:
                return picks
            checked.update(fresh)
            scored = [s for s in scored if s.post_id not in gone]


def freshness(created_at: int, now: int, half_life_hours: float) -> float:
    age_hours = max(0, now - created_at) / 3_600_000
    return math.pow(2.0, -age_hours / half_life_hours)
