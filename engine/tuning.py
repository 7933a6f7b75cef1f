"""The recommender's and Explore's knobs: scoring weights and candidate limits.

Plain pydantic models with defaults, nested into the engine's ``Settings`` as
``recommend`` and ``explore`` (``GRAPHFEED_RECOMMEND__WEIGHTS__FRESHNESS=0.8``,
``GRAPHFEED_EXPLORE__DISCOVERY_SHARE=0.4``). They live in this leaf module, apart
from ``engine.recommend``, because ``engine.settings`` must import them and
``engine.recommend`` imports ``engine.settings``.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, SecretStr


class FeedWeights(BaseModel):
    """How much each interpretable feature counts in a feed score (see ``scoring.py``).

    Every feature lies in 0..1, so a weight reads as "points for a perfect value".
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    collaborative: float = Field(default=1.0, ge=0)  # people like you engaged (RP3beta walk)
    tag_interest: float = Field(default=0.5, ge=0)  # its tags match your decayed tag interests
    author_affinity: float = Field(default=0.6, ge=0)  # you engage with its author
    social_proof: float = Field(default=0.5, ge=0)  # people you follow engaged with it
    followee_post: float = Field(default=0.4, ge=0)  # someone you follow posted it
    popularity: float = Field(default=0.15, ge=0)  # engagements so far, log-scaled
    trending: float = Field(default=0.2, ge=0)  # engagement velocity over the recent window
    freshness: float = Field(default=0.3, ge=0)  # exponential decay with the post's age
    # Features of plugged-in candidate sources (CandidateSource.feature -> weight). The
    # graph sources' (engine.recommend.graph_sources) were chosen on HetRec Last.fm's
    # validation split, 400 users, grid {0, .25, .5, 1, 2} x {0, .25, .5, 1}: Recall@10
    # .1928 without them, .2024 with these (benchmarks/RESULTS.md, "Feed quality").
    extra: dict[str, float] = Field(default_factory=lambda: {
        "embedding_similarity": 0.5, "community_trend": 0.25})


class SuggestWeights(BaseModel):
    """How a follow suggestion's score is made (see ``suggestions.py``).

    ``blend`` multiplies the link probability of the fitted graph blend (Adamic-Adar,
    3-paths, degrees); the others add points for evidence the blend does not see.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    blend: float = Field(default=1.0, ge=0)
    follows_you: float = Field(default=0.5, ge=0)  # they follow you and you do not follow back
    similar_interests: float = Field(default=0.3, ge=0)  # cosine of the decayed tag interests
    engaged_authors: float = Field(default=0.4, ge=0)  # you engage with their posts (over your top)
    popular: float = Field(default=0.05, ge=0)  # log followers, mostly for cold start
    # Trained sources (`graphfeed train`): points for a cosine of 1 between the two accounts'
    # vectors, and for being the most followed account of your community.
    embedding_neighbours: float = Field(default=0.3, ge=0)
    same_community: float = Field(default=0.15, ge=0)


class RecommendSettings(BaseModel):
    """Limits of every candidate source, the ranking pool and the re-ranker."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    weights: FeedWeights = FeedWeights()
    suggest_weights: SuggestWeights = SuggestWeights()

    # -- ranking pool and pagination ---------------------------------------------------
    pool_size: int = Field(default=100, ge=1, le=10_000)  # items one ranking holds: pages slice it
    max_page: int = Field(default=100, ge=1)  # largest `first`

    # -- time --------------------------------------------------------------------------
    freshness_half_life_hours: float = Field(default=48.0, gt=0)
    popularity_reference: int = Field(default=1000, ge=1)  # engagers that make popularity 1.0
    trending_reference: int = Field(default=100, ge=1)  # engagements in the window that make it 1.0
    trending_window_hours: float = Field(default=3.0, gt=0)  # velocity window (and its posts' age)
    tag_window_hours: float = Field(default=6.0, gt=0)  # interest matches no older than this
    popular_window_hours: float = Field(default=24.0, gt=0)  # cold-start posts no older than this
    recent_days: float = Field(default=14.0, gt=0)  # followees' engagements no older than this
    # Trending, popular and the interest scan read the same posts for every user: they are
    # read once per snapshot of this many seconds (as_of rounded down) and kept in the
    # process, so they miss posts younger than the snapshot. 0: exact as_of, every request.
    snapshot_seconds: int = Field(default=60, ge=0)
    # A candidate's author, time, tags and engager count are the same for every user: they
    # are kept this many seconds (at most post_facts_kept posts) and read again after, so
    # an engagement or an edit reaches the ranking up to that late; removals and what the
    # user saw or engaged with are read live. 0: read every time (engine/recommend/postfacts).
    post_facts_ttl_s: float = Field(default=60.0, ge=0)
    # ~350 bytes each: 200,000 kept is ~70 MB; a minute of 45 feeds/s on the 100k world
    # held ~150,000 posts.
    post_facts_kept: int = Field(default=200_000, ge=1)
    # Which candidates the user saw or engaged with is read from the user's side while
    # their history (engagements + posts shown) is shorter than this: a walk of that
    # history, ~1.5 us per edge, instead of a lookup per candidate (~1.4 ms for ~280);
    # the two cost the same at ~800 edges (measured on the 100k world). 0: always per
    # candidate.
    user_side_history: int = Field(default=500, ge=0)

    # -- candidate sources ---------------------------------------------------------------
    # Scans read at most so many posts of their time window, through the created_at index.
    per_source: int = Field(default=40, ge=1)  # candidates one source may propose
    followee_posts_each: int = Field(default=5, ge=1)  # newest posts taken per followee
    followees_scanned: int = Field(default=300, ge=1)  # followees read per request
    engaged_by_followees_scan: int = Field(default=1000, ge=1)  # their engagements read per request
    interest_tags: int = Field(default=8, ge=1)  # strongest tags used to find matching posts
    tag_scan: int = Field(default=500, ge=1)
    trending_scan: int = Field(default=300, ge=1)
    popular_scan: int = Field(default=2000, ge=1)
    profile_engagements: int = Field(default=300, ge=1)  # newest engagements read for a profile
    # Read the post neighbours `graphfeed train collaborative` computed once a run is
    # active; false: always walk live (the comparison in benchmarks/RESULTS.md).
    collaborative_trained: bool = True
    collaborative_seeds: int = Field(default=15, ge=1)  # newest engagements the walk starts at
    collaborative_per_seed: int = Field(default=50, ge=1)  # engagers sampled per seed post
    collaborative_neighbours: int = Field(default=40, ge=1)  # most similar users kept for hop 3
    collaborative_per_neighbour: int = Field(default=40, ge=1)  # their engagements sampled each
    collaborative_damp_top: int = Field(default=80, ge=1)  # best posts whose popularity is read
    collaborative_alpha: float = Field(default=1.0, ge=0)  # degree normalisation of hops 1-2
    collaborative_beta: float = Field(default=0.3, ge=0)  # popularity damping of the item reached

    # -- re-ranking ----------------------------------------------------------------------
    max_per_author: int = Field(default=2, ge=1)  # in any window of `author_window` items
    author_window: int = Field(default=10, ge=1)
    mmr_lambda: float = Field(default=0.8, ge=0, le=1)  # 1 = relevance only, 0 = diversity only

    # -- follow suggestions --------------------------------------------------------------
    suggest_pool: int = Field(default=100, ge=1)  # candidates per suggestion source
    suggest_seeds: int = Field(default=10, ge=1)  # your newest engagements co-engagers share
    suggest_per_seed: int = Field(default=30, ge=1)  # their engagers sampled per seed
    suggest_scored: int = Field(default=50, ge=1)  # best candidates by evidence that get the blend
    suggest_popular: int = Field(default=30, ge=1)
    suggest_graph_each: int = Field(default=20, ge=1)  # embedding / community candidates each

    # -- cursors -------------------------------------------------------------------------
    # Cursors are signed so a tampered one is refused; with a secret key they are also
    # unforgeable. Unset: `graphfeed serve` derives one from the API secret, and anything
    # else (tests, the CLI) uses a fixed development key, which is only tamper-evident.
    cursor_key: SecretStr | None = None


class ExploreSettings(BaseModel):
    """Knobs of Explore (``engine.recommend.explore``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    window_hours: float = Field(default=72.0, gt=0)  # engagements that count as trending
    recent_days: float = Field(default=7.0, gt=0)  # posts no older than this
    scan: int = Field(default=5000, ge=1)  # newest posts examined per request
    pool: int = Field(default=300, ge=1, le=2000)  # posts one Explore session pages through
    discovery_share: float = Field(default=0.3, ge=0, le=1)  # share of the nearest communities
    neighbours: int = Field(default=3, ge=0)  # nearest communities used
    freshness_half_life_hours: float = Field(default=48.0, gt=0)
    author_window: int = Field(default=10, ge=1)  # one post per author in this many places
    tag_window: int = Field(default=4, ge=0)  # prefer tags not shown in this many places
    fill_with_trending: bool = True  # global trending after the communities run dry
    # A first page ranks as of now rounded down to this: every member of a community shares
    # one computation of its trending posts per snapshot (cached per process). 0: exact now.
    snapshot_seconds: int = Field(default=300, ge=0)
    max_page: int = Field(default=100, ge=1)
