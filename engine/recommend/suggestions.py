"""Follow suggestions: graph sources, one link-prediction blend, reasons, feedback.

Sources (each a Cypher query, except the one the feed profile already gives):

- ``friends_of_friends``: followed by people you follow, Adamic-Adar weighted
  (each common neighbour by 1 / log(1 + how many it follows));
- ``follows_you``: they follow you, you do not follow back;
- ``engaged_authors``: authors whose posts you engage with (the feed's affinity);
- ``similar_interests``: they engage with the posts you engage with (each shared
  post weighted by 1 / its engagers), or share your strongest tag interests (a
  bounded sample, asked only when the other sources leave the shortlist short:
  it brings no evidence of its own); the overlap of the decayed tag interests
  (cosine) is then measured on every shortlisted candidate;
- ``embedding_neighbours``: accounts nearest to yours by the trained vectors
  (``graphfeed train embeddings``; ``graph_sources.embedding_accounts``);
- ``same_community``: the most followed accounts of your community
  (``graphfeed train communities``; ``graph_sources.community_accounts``);
- ``popular``: authors of the most engaged-with recent posts (cold start).

The two trained sources answer nothing before the first training run.

Score: ``blend`` × the link probability of ``engine.recommend.suggestion_blend``
(``sigmoid(suggestion_logit(AA, P3, degrees, cosine))``, the formula fitted for
link prediction; the cosine of the user's and the candidate's stored vectors
enters only where both have one, else the graph-only weights apply) plus bonuses
for evidence the blend does not see (``SuggestWeights``).
The blend is called in exactly one place, :func:`link_probability`.

Never suggested: yourself, anyone you follow, anyone you gave feedback on.
Feedback is ``(:User)-[:SUGGESTION_FEEDBACK {accepted, at}]->(:User)``, latest
answer wins; accepting also creates the follow (the "Follow" button on a
suggestion card), in the same statement. Someone you accepted and later
unfollowed is not pushed back at you.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from engine.errors import NotFound, ValidationError
from engine.recommend.candidates import HOUR_MS
from engine.recommend.fanout import gather
from engine.recommend.graph_sources import community_accounts, embedding_accounts
from engine.recommend.reasons import MAX_REASONS, hashtags, people
from engine.recommend.suggestion_blend import suggestion_logit
from engine.recommend.types import Suggestion
from engine.recommend.views import user_view
from engine.store import GraphStore
from engine.tuning import RecommendSettings

SOURCES = ("friends_of_friends", "follows_you", "engaged_authors", "similar_interests",
           "embedding_neighbours", "same_community", "popular")


def link_probability(adamic_adar: np.ndarray, paths3: np.ndarray, user_degree: np.ndarray,
                     candidate_degree: np.ndarray, embedding_cosine: np.ndarray) -> np.ndarray:
    """The blend's probability that the user would follow each candidate
    (``embedding_cosine`` NaN where the user or the candidate has no vector)."""
    logit = suggestion_logit(adamic_adar, paths3, user_degree, candidate_degree,
                             embedding_cosine)
    return 1.0 / (1.0 + np.exp(-logit))


@dataclass(slots=True)
class _Candidate:
    id: str
    sources: list[str] = field(default_factory=list)
    adamic_adar: float = 0.0
    common: int = 0
    via: tuple[str, ...] = ()
    affinity: float = 0.0
    co_engagement: float = 0.0
    engagements: int = 0  # with their posts: yours (engaged_authors) or anyone's (popular)
    embedding: float = 0.0  # cosine of the trained vectors (embedding_neighbours)
    community: float = 0.0  # followers over the community's most followed (same_community)
    graph_reasons: dict[str, str] = field(default_factory=dict)  # the graph sources' words


class Suggester:
    def __init__(self, store: GraphStore, settings: RecommendSettings,
                 decay_per_ms: float) -> None:
        self.store = store
        self.settings = settings
        self.decay = decay_per_ms

    def suggest(self, user_id: str, first: int, now: int) -> list[Suggestion]:
        cfg = self.settings
        pool = cfg.suggest_pool
        read = self.store.read
        # Every source depends on the user alone, so they go out together (fanout), even
        # when the process is busy: a suggestion list is a few cheap reads, and read one by
        # one behind the feeds' queries it waited most of its time (at 8 API clients p99
        # 125 -> 89 ms; feeds, read in sequence then, 169 -> 194 ms; throughput +5%).
        (me, fof, followers, co_engagers, profile_rows, affinities, embedded,
         community) = gather([
            lambda: read("recommend/get_users", ids=[user_id]),
            lambda: read("suggest/find_friends_of_friends", user_id=user_id,
                         followees=cfg.followees_scanned, scan=pool + cfg.followees_scanned,
                         limit=pool),
            lambda: read("suggest/find_followers_back", user_id=user_id, limit=pool),
            lambda: read("suggest/find_co_engagers", user_id=user_id, seeds=cfg.suggest_seeds,
                         per_seed=cfg.suggest_per_seed, limit=pool),
            lambda: read("recommend/get_interest_profile", user_id=user_id),
            lambda: read("recommend/get_author_affinities", user_id=user_id, as_of=now,
                         decay=self.decay, engagements=cfg.profile_engagements),
            lambda: embedding_accounts(self.store, user_id, cfg.suggest_graph_each),
            lambda: community_accounts(self.store, user_id, cfg.suggest_graph_each)],
            urgent=True)
        if not me:
            raise NotFound(f"unknown user {user_id!r}", ids=[user_id])
        user_degree = int(me[0]["followers"]) + int(me[0]["following"])
        found: dict[str, _Candidate] = {}

        def get(cid: str, source: str) -> _Candidate:
            cand = found.get(cid)
            if cand is None:  # ~250 a request: no throwaway _Candidate per lookup
                cand = found[cid] = _Candidate(cid, [source])
            elif source not in cand.sources:
                cand.sources.append(source)
            return cand

        for r in fof:
            c = get(r["id"], "friends_of_friends")
            c.adamic_adar, c.common, c.via = float(r["adamic_adar"]), int(r["common"]), \
                tuple(r["names"])
        for r in followers:
            get(r["id"], "follows_you")
        for r in co_engagers:
            get(r["id"], "similar_interests").co_engagement = float(r["similarity"])
        for a in affinities[:pool]:
            if a["author_id"] != user_id:
                c = get(a["author_id"], "engaged_authors")
                c.affinity, c.engagements = float(a["affinity"]), int(a["engagements"])
        for cid, cosine, why in embedded:
            c = get(cid, "embedding_neighbours")
            c.embedding, c.graph_reasons["embedding_neighbours"] = cosine, why
        for cid, share, why in community:
            c = get(cid, "same_community")
            c.community, c.graph_reasons["same_community"] = share, why
        if self._needs_tag_fans(found, user_id, first):
            # A fan of your tags brings no evidence of its own (its overlap is measured
            # on the shortlist), so it only matters when the sources above leave the
            # shortlist short: asked then, after them, instead of on every request.
            for r in read("suggest/find_tag_fans", user_id=user_id, now=now, decay=self.decay,
                          tags=cfg.interest_tags, scan=pool):
                get(r["id"], "similar_interests")
        if len(found) < max(first, cfg.suggest_popular):
            for r in read("suggest/find_popular_accounts", user_id=user_id, now=now,
                          since=now - int(cfg.popular_window_hours * HOUR_MS),
                          scan=cfg.popular_scan, limit=cfg.suggest_popular):
                get(r["id"], "popular").engagements = int(r["engagements"])
        found.pop(user_id, None)
        if not found:
            return []
        profile = self._profile(profile_rows, now)
        ids = self._shortlist(found)
        # Paths, overlap and vector cosines are read for the whole shortlist, alongside the
        # stats that filter it, rather than after them: one round of queries instead of two.
        stat_rows, path_rows, overlap, cosines = gather([
            lambda: read("suggest/get_candidate_stats", user_id=user_id, ids=ids),
            lambda: read("suggest/count_paths3", user_id=user_id, ids=ids,
                         followees=cfg.followees_scanned),
            lambda: self._overlap(ids, now, profile),
            lambda: read("suggest/get_embedding_cosines", user_id=user_id, ids=ids)],
            urgent=True)
        stats = {r["id"]: r for r in stat_rows}
        ids = [i for i in ids if i in stats and not stats[i]["followed"]
               and not stats[i]["feedback"]]
        if not ids:
            return []
        paths = {r["id"]: int(r["paths3"]) for r in path_rows}
        cosine = {r["id"]: float(r["cosine"]) for r in cosines}
        return self._rank(user_id, now, ids, found, stats, paths, overlap, cosine, user_degree,
                          first)

    def _needs_tag_fans(self, found: dict[str, _Candidate], user_id: str, first: int) -> bool:
        """Whether the tag fans could change the result: only when fewer than
        ``suggest_scored`` candidates have evidence (fans, with none, rank below them)
        or so few were found that the popular accounts would be asked."""
        others = [c for cid, c in found.items() if cid != user_id]
        backed = sum(1 for c in others if c.adamic_adar > 0 or "follows_you" in c.sources
                     or c.co_engagement > 0 or c.affinity > 0 or c.embedding > 0
                     or c.community > 0 or c.engagements > 0)  # _shortlist's terms > 0
        return (backed < self.settings.suggest_scored
                or len(others) < max(first, self.settings.suggest_popular))

    def _shortlist(self, found: dict[str, _Candidate]) -> list[str]:
        """The ``suggest_scored`` candidates with the most evidence, to score in full."""
        top_co = max((c.co_engagement for c in found.values()), default=0.0) or 1.0
        top_aff = max((c.affinity for c in found.values()), default=0.0) or 1.0

        def evidence(c: _Candidate) -> float:
            return (math.log1p(c.adamic_adar) + ("follows_you" in c.sources)
                    + c.co_engagement / top_co + c.affinity / top_aff
                    + c.embedding + 0.5 * c.community + 0.01 * math.log1p(c.engagements))

        ranked = sorted(found.values(), key=lambda c: (-evidence(c), c.id))
        return sorted(c.id for c in ranked[:self.settings.suggest_scored])

    def _profile(self, rows: Sequence[Mapping[str, Any]], now: int
                 ) -> list[tuple[str, float]]:
        """The user's tag interests decayed to ``now``, strongest first."""
        decayed = [(r["tag"], float(r["weight"]) * math.exp(self.decay * min(
            0, int(r["updated_at"]) - now))) for r in rows]
        return sorted(decayed, key=lambda t: (-t[1], t[0]))

    def _overlap(self, ids: list[str], now: int, profile: list[tuple[str, float]]
                 ) -> dict[str, float]:
        """The cosine of each candidate's decayed tag interests with the user's."""
        norm = math.sqrt(sum(w * w for _, w in profile))
        if norm == 0:
            return {}
        # The user's side is the profile itself, so the dot product and the norm above
        # use the same weights.
        rows = self.store.read("suggest/get_interest_overlap", ids=ids, mine=dict(profile),
                               now=now, decay=self.decay)
        return {r["id"]: float(r["dot"]) / (norm * float(r["norm"])) if r["norm"] else 0.0
                for r in rows}

    def _rank(self, user_id: str, now: int, ids: list[str], found: dict[str, _Candidate],
              stats: dict[str, Any], paths: dict[str, int], overlap: dict[str, float],
              cosines: dict[str, float], user_degree: int, first: int) -> list[Suggestion]:
        w = self.settings.suggest_weights
        aa = np.array([found[i].adamic_adar for i in ids])
        p3 = np.array([float(paths.get(i, 0)) for i in ids])
        degree = np.array([float(stats[i]["followers"] + stats[i]["following"]) for i in ids])
        cos = np.array([cosines.get(i, np.nan) for i in ids])
        link = link_probability(aa, p3, np.full(len(ids), float(user_degree)), degree, cos)
        top_affinity = max((found[i].affinity for i in ids), default=0.0)
        top_co = max((found[i].co_engagement for i in ids), default=0.0)
        popular_scale = math.log1p(self.settings.popularity_reference)
        scored = []
        for k, cid in enumerate(ids):
            cand, row = found[cid], stats[cid]
            cosine = overlap.get(cid, 0.0)
            sources = list(cand.sources)
            if row["follows_you"] and "follows_you" not in sources:
                sources.append("follows_you")
            if cosine > 0 and "similar_interests" not in sources:
                sources.append("similar_interests")
            parts: dict[str, float] = {
                "blend": w.blend * float(link[k]) if cand.common or p3[k] else 0.0,
                "follows_you": w.follows_you if row["follows_you"] else 0.0,
                "similar_interests": w.similar_interests * max(
                    cosine, cand.co_engagement / top_co if top_co > 0 else 0.0),
                "engaged_authors": (w.engaged_authors * cand.affinity / top_affinity
                                    if top_affinity > 0 else 0.0),
                "embedding_neighbours": w.embedding_neighbours * cand.embedding,
                "same_community": w.same_community * cand.community,
                "popular": w.popular * min(1.0, math.log1p(
                    row["followers"] + (cand.engagements if "popular" in sources else 0))
                    / popular_scale),
            }
            scored.append((sum(parts.values()), cid, parts, sources))
        scored.sort(key=lambda t: (-t[0], t[1]))
        page = scored[:first]
        # Names, post counts and shared tags (reasons, views) only for the page shown: the
        # shortlist is ~5x longer, and ordering every candidate's shared tags was a quarter
        # of the overlap query.
        shown = {r["id"]: r for r in self.store.read(
            "suggest/get_shown_accounts", user_id=user_id, ids=[t[1] for t in page], now=now,
            decay=self.decay)}
        out = []
        for score, cid, parts, sources in page:
            # An account removed since its stats were read shows without name and posts.
            view = shown.get(cid) or {"name": None, "posts": 0, "shared": []}
            shared = view["shared"] if cid in overlap else ()
            out.append(Suggestion(user=user_view(stats[cid] | view), score=round(score, 6),
                                  sources=tuple(s for s in SOURCES if s in sources),
                                  reasons=_reasons(found[cid], stats[cid], shared, parts)))
        return out

    def feedback(self, user_id: str, target_id: str, accepted: bool, now: int) -> None:
        if not isinstance(accepted, bool):
            raise ValidationError("accepted must be true or false", field="accepted")
        if user_id == target_id:
            raise ValidationError("a user cannot give feedback on suggesting themselves",
                                  field="target_id")
        known = {r["id"] for r in self.store.read("recommend/get_users",
                                                  ids=[user_id, target_id])}
        missing = [i for i in (user_id, target_id) if i not in known]
        if missing:
            raise NotFound(f"unknown user {missing[0]!r}", ids=missing)
        self.store.write("suggest/record_feedback", user_id=user_id, target_id=target_id,
                         accepted=accepted, now=now)


def _reasons(cand: _Candidate, row: Mapping[str, Any], shared: Sequence[str],
             parts: Mapping[str, float]) -> tuple[str, ...]:
    texts: dict[str, str] = {}
    if cand.common:
        texts["blend"] = f"followed by {people(cand.via, cand.common)} you follow"
    if row["follows_you"]:
        texts["follows_you"] = "follows you"
    if shared:
        texts["similar_interests"] = f"you both engage with {hashtags(list(shared)[:2])}"
    elif cand.co_engagement > 0:
        texts["similar_interests"] = "you engage with the same posts"
    if cand.affinity > 0:
        texts["engaged_authors"] = "you often engage with their posts"
    texts.update(cand.graph_reasons)
    if row["followers"]:
        texts["popular"] = f"popular: {row['followers']:,} followers"
    ranked = sorted((k for k in texts if parts.get(k, 0.0) > 0), key=lambda k: -parts[k])
    if not ranked and "popular" in cand.sources:
        return ("posted recently",)
    return tuple(texts[k] for k in ranked[:MAX_REASONS])
