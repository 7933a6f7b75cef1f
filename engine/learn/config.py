"""The knobs of `graphfeed train`, with defaults.

``TrainSettings`` is a plain pydantic model nested into the engine's ``Settings`` as
``train`` (``GRAPHFEED_TRAIN__EMBEDDINGS__DIMENSIONS=64``).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class CommunitySettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    # Leiden (igraph's C implementation) by default: the same modularity as Louvain on
    # the 100k-user benchmark, a little faster, and its communities are always connected.
    method: Literal["leiden", "louvain"] = "leiden"
    resolution: float = Field(default=1.0, gt=0)  # > 1: more, smaller communities
    iterations: int = Field(default=2, ge=-1)  # Leiden passes; -1: until stable
    min_size: int = Field(default=3, ge=1)  # smaller groups: no community (Explore falls back)
    top_tags: int = Field(default=10, ge=1)  # per community summary
    top_accounts: int = Field(default=10, ge=1)
    neighbours: int = Field(default=5, ge=0)  # NEAR links kept per community (for Explore)


class EmbeddingSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    method: Literal["fastrp", "node2vec"] = "fastrp"
    dimensions: int = Field(default=128, ge=2, le=4096)
    # FastRP: α per propagation order (see engine.learn.fastrp). Chosen on a 5k-user demo
    # world with 10% of follows and engagements held out (benchmarks/RESULTS.md): β = -0.5
    # (damps hubs: celebrities, popular tags) and no self-loops gave the best held-out AUC.
    fastrp_weights: tuple[float, ...] = (0.0, 1.0, 1.0, 1.0)
    fastrp_normalization: float = -0.5  # β
    fastrp_self_loops: float = 0.0
    # node2vec (walks + skip-gram): slower; for offline comparisons. l=40, k=5 gave .992
    # hadamard AUC on Facebook (seeds 0-2) vs .988 for the paper's l=80, k=10, in ~1/2
    # the time (benchmarks/RESULTS.md); `graphfeed evaluate links` runs these too.
    walks_per_node: int = Field(default=10, ge=1)
    walk_length: int = Field(default=40, ge=2)
    window: int = Field(default=5, ge=1)
    p: float = Field(default=1.0, gt=0)
    q: float = Field(default=1.0, gt=0)
    # HNSW vector index: M=16 / efConstruction=64 kept recall@10 at 0.98 on clustered
    # vectors while building 4x faster than efConstruction=200 (FalkorDB's default).
    index_m: int = Field(default=16, ge=2, le=512)
    index_ef_construction: int = Field(default=64, ge=2, le=4096)
    # Edge weights of the joint user-post-tag graph the vectors are learned on.
    follow_weight: float = Field(default=1.0, ge=0)
    engagement_weight: float = Field(default=1.0, ge=0)  # times score/100, summed per pair
    posted_weight: float = Field(default=1.0, ge=0)
    tag_weight: float = Field(default=1.0, ge=0)


class CollaborativeSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    # Each post's strongest RP3beta neighbours (engine.learn.collaborative). The walk's
    # exponents (RecommendSettings.collaborative_alpha / _beta) have the same defaults.
    # Chosen on hetrec-lastfm's validation split at the serving limits (RESULTS.md): 50
    # neighbours and beta 0.3 beat 20 and 0.5; 100 did better still but doubles what the
    # 100k world stores (~47 M relationships).
    neighbours: int = Field(default=50, ge=1, le=1000)
    alpha: float = Field(default=1.0, ge=0)  # degree normalisation of the walk's hops
    beta: float = Field(default=0.3, ge=0)  # popularity damping of the post reached
    chunk_posts: int = Field(default=2000, ge=1)  # rows per sparse product (bounds memory)
    # Relationships per write or delete statement; each holds the write lock.
    batch_size: int = Field(default=5000, ge=1, le=100_000)


class TrainSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    seed: int = 0
    batch_size: int = Field(default=2000, ge=1, le=100_000)  # rows per write statement
    # Vectors per write statement. Each one holds FalkorDB's write lock while it updates the
    # HNSW index (~0.5 ms a vector): while training wrote 2000 per statement, serving reads
    # stalled up to 2.2 s; 500: 0.96 s; 100: 0.54 s (benchmarks/RESULTS.md).
    vector_batch_size: int = Field(default=200, ge=1, le=100_000)
    export_page_edges: int = Field(default=500_000, ge=1)
    stale_after_s: float = Field(default=6 * 3600, gt=0)  # "running" after this: crashed
    communities: CommunitySettings = CommunitySettings()
    embeddings: EmbeddingSettings = EmbeddingSettings()
    collaborative: CollaborativeSettings = CollaborativeSettings()
