"""A deterministic synthetic Instagram-like world, and loading it into the graph.

``generate_world(users, seed)`` builds users in interest communities (each with
a few favourite tags), follows biased to the own community with heavy-tailed
popularity (a Pareto "attractiveness" per user: a few celebrities, many
followers of few), heavy-tailed post counts, posts tagged mostly from the
author's community, and engagements and impressions drawn mostly from
followees' and community posts. Everything is vectorized with numpy: 100,000
users (~2M follows, ~500k posts, ~5M engagements) take seconds.

The same ``(users, seed, now_ms, …)`` always gives the same world: each part
draws from its own child of ``numpy.random.SeedSequence(seed)``, so changing
e.g. the engagement rate leaves the follow graph as it was.

Big relations stay numpy arrays of integer indices; ``World.*_rows(start,
stop)`` turn a slice into the dicts the ``Ingestor`` takes. The draws themselves
live in ``engine.demo_draws``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray
from tqdm import tqdm

from engine.demo_draws import (
    DAY_MS,
    IntArray,
    PostSampler,
    WorldParams,
    draw_community_tags,
    draw_engagements,
    draw_follows,
    draw_impressions,
    draw_posts,
    draw_users,
)
from engine.demo_vocab import FEEDS, LABELS, MEDIA_TYPES, TAGS, caption
from engine.settings import Settings, get_settings
from engine.store import GraphStore

__all__ = ["DAY_MS", "World", "WorldParams", "generate_world", "load_world"]


@dataclass
class World:
    """A generated world: small tables as lists, big relations as index arrays."""

    seed: int
    now_ms: int
    params: WorldParams
    tags: list[str]
    community_tags: list[list[str]]  # per community: its favourite tags
    user_names: list[str]
    user_community: IntArray  # per user
    user_created: IntArray
    follow_src: IntArray  # sorted by (src, dst), no duplicates or self-loops
    follow_dst: IntArray
    follow_since: IntArray
    post_author: IntArray  # sorted by author, then created_at
    post_created: IntArray
    post_media: IntArray  # index into MEDIA_TYPES
    post_caption: IntArray  # caption template index
    post_tag_ptr: IntArray  # CSR: tags of post i are post_tag_idx[ptr[i]:ptr[i+1]]
    post_tag_idx: IntArray
    eng_user: IntArray  # sorted by user, then post; unique per (user, post, label)
    eng_post: IntArray
    eng_label: IntArray  # index into LABELS
    eng_score: NDArray[np.float64]
    eng_position: IntArray
    eng_feed: IntArray  # index into FEEDS
    eng_at: IntArray
    imp_user: IntArray  # one row per (user, post) seen; grouped into feed pages below
    imp_post: IntArray
    imp_feed: IntArray
    imp_at: IntArray
    imp_page_ptr: IntArray  # CSR: impression row j covers imp_*[ptr[j]:ptr[j+1]]
    timings: dict[str, float] = field(default_factory=dict)

    # -- sizes ----------------------------------------------------------------------
    @property
    def n_users(self) -> int:
        return len(self.user_names)

    @property
    def n_posts(self) -> int:
        return len(self.post_author)

    def counts(self) -> dict[str, int]:
        """What the graph holds after loading this world into an empty graph."""
        used_tags = np.unique(self.post_tag_idx)
        pairs = _interest_pairs(self)
        return {
            "users": self.n_users,
            "posts": self.n_posts,
            "tags": len(used_tags),
            "follows": len(self.follow_src),
            "engagements": len(self.eng_user),
            "impressions": len(self.imp_user),
            "interests": pairs,
        }

    # -- rows for the Ingestor --------------------------------------------------------
    def user_id(self, i: int) -> str:
        return f"u{i}"

    def post_id(self, i: int) -> str:
        return f"p{i}"

    def user_rows(self, start: int = 0, stop: int | None = None) -> list[dict[str, Any]]:
        stop = self.n_users if stop is None else stop
        return [{"id": f"u{i}", "name": self.user_names[i], "created_at": int(self.user_created[i])}
                for i in range(start, stop)]

    def activity_rows(self, start: int = 0, stop: int | None = None) -> list[dict[str, Any]]:
        stop = self.n_posts if stop is None else stop
        ptr, idx, tags = self.post_tag_ptr, self.post_tag_idx, self.tags
        rows = []
        for i in range(start, stop):
            post_tags = [tags[t] for t in idx[ptr[i]:ptr[i + 1]]]
            media = MEDIA_TYPES[self.post_media[i]]
            rows.append({
                "actor": f"u{self.post_author[i]}", "verb": "post", "object": f"{media}:p{i}",
                "foreign_id": f"p{i}", "time": int(self.post_created[i]), "tags": post_tags,
                "caption": caption(int(self.post_caption[i]), post_tags),
                "image_url": f"https://img.example.com/demo/p{i}.jpg",
                "extra": {"media_type": media},
            })
        return rows

    def follow_rows(self, start: int = 0, stop: int | None = None) -> list[dict[str, Any]]:
        sl = slice(start, len(self.follow_src) if stop is None else stop)
        return [{"source": f"u{s}", "target": f"u{d}", "time": t} for s, d, t in zip(
            self.follow_src[sl].tolist(), self.follow_dst[sl].tolist(),
            self.follow_since[sl].tolist(), strict=True)]

    def engagement_rows(self, start: int = 0, stop: int | None = None) -> list[dict[str, Any]]:
        sl = slice(start, len(self.eng_user) if stop is None else stop)
        first = sl.start
        return [
            {"id": f"demo-e{first + k}", "user_id": f"u{u}", "label": LABELS[lab],
             "content": {"foreign_id": f"p{p}"}, "score": s, "position": pos,
             "feed_id": FEEDS[f], "time": t}
            for k, (u, p, lab, s, pos, f, t) in enumerate(zip(
                self.eng_user[sl].tolist(), self.eng_post[sl].tolist(),
                self.eng_label[sl].tolist(), self.eng_score[sl].tolist(),
                self.eng_position[sl].tolist(), self.eng_feed[sl].tolist(),
                self.eng_at[sl].tolist(), strict=True))
        ]

    @property
    def n_impression_pages(self) -> int:
        return len(self.imp_page_ptr) - 1

    def impression_rows(self, start: int = 0, stop: int | None = None) -> list[dict[str, Any]]:
        """Feed pages: each row is one page of posts a user was shown, at one time."""
        stop = self.n_impression_pages if stop is None else stop
        ptr = self.imp_page_ptr
        rows = []
        for j in range(start, stop):
            a, b = int(ptr[j]), int(ptr[j + 1])
            rows.append({"user_id": f"u{self.imp_user[a]}",
                         "content_list": [f"p{p}" for p in self.imp_post[a:b].tolist()],
                         "feed_id": FEEDS[self.imp_feed[a]], "position": 0,
                         "time": int(self.imp_at[a])})
        return rows


def default_communities(users: int) -> int:
    return int(np.clip(round(users / 1000), 4, 64))


def generate_world(users: int, seed: int = 0, *, now_ms: int | None = None,
                   params: WorldParams | None = None) -> World:
    """Generate a world of ``users`` users; ``now_ms`` defaults to today's UTC midnight.

    Times hang off ``now_ms``, so pass it to reproduce a world on another day.
    """
    if users < 2:
        raise ValueError("a world needs at least 2 users")
    p = params or WorldParams()
    now = int(now_ms if now_ms is not None else (time.time() * 1000) // DAY_MS * DAY_MS)
    n_comm = p.communities or default_communities(users)
    rng_tags, rng_users, rng_follows, rng_posts, rng_eng, rng_imp = (
        np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(6))
    timings: dict[str, float] = {}
    t0 = time.perf_counter()

    community_tags = draw_community_tags(rng_tags, n_comm, p.tags_per_community)
    comm, popularity, created, user_names = draw_users(rng_users, users, n_comm, p, now)
    timings["users"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    src, dst, since = draw_follows(rng_follows, comm, popularity, created, p, now)
    timings["follows"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    author, post_created, media, cap, tag_ptr, tag_idx = draw_posts(
        rng_posts, comm, popularity, created, community_tags, p, now)
    timings["posts"] = time.perf_counter() - t0

    sampler = PostSampler(comm, popularity, src, dst, author, post_created, n_comm)
    t0 = time.perf_counter()
    eng = draw_engagements(rng_eng, sampler, p, now)
    timings["engagements"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    imp = draw_impressions(rng_imp, sampler, p, now)
    timings["impressions"] = time.perf_counter() - t0

    return World(
        seed=seed, now_ms=now, params=p, tags=list(TAGS), community_tags=[
            [TAGS[t] for t in row] for row in community_tags],
        user_names=user_names, user_community=comm, user_created=created,
        follow_src=src, follow_dst=dst, follow_since=since,
        post_author=author, post_created=post_created, post_media=media, post_caption=cap,
        post_tag_ptr=tag_ptr, post_tag_idx=tag_idx,
        eng_user=eng[0], eng_post=eng[1], eng_label=eng[2], eng_score=eng[3],
        eng_position=eng[4], eng_feed=eng[5], eng_at=eng[6],
        imp_user=imp[0], imp_post=imp[1], imp_feed=imp[2], imp_at=imp[3], imp_page_ptr=imp[4],
        timings=timings,
    )


def _interest_pairs(world: World) -> int:
    """Distinct (user, tag) pairs over engaged posts: the INTERESTED_IN edges loading makes."""
    ptr, idx = world.post_tag_ptr, world.post_tag_idx
    per_post = np.diff(ptr)
    reps = per_post[world.eng_post]
    users = np.repeat(world.eng_user, reps)
    starts = np.repeat(ptr[world.eng_post], reps)
    offsets = np.arange(len(users)) - np.repeat(np.cumsum(reps) - reps, reps)
    tags = idx[starts + offsets]
    return len(np.unique(users * len(world.tags) + tags))


# -- loading --------------------------------------------------------------------------------
def load_world(store: GraphStore, world: World, *, progress: bool = True,
               settings: Settings | None = None) -> dict[str, int]:
    """Write the world through the Ingestor in batches, then compact the store.

    Returns how many rows each step wrote. Loading into a graph that already
    holds this world is idempotent except for impressions (each view counts).
    """
    from engine.ingest import Ingestor

    settings = settings or get_settings()
    ingestor = Ingestor(store, settings)
    size = settings.max_batch
    counts: dict[str, int] = {}

    def run(what: str, bounds: list[tuple[int, int]], total: int, rows: Any, write: Any,
            unit_of: Any) -> None:
        done = 0
        with tqdm(total=total, desc=what, unit=" rows", disable=not progress,
                  dynamic_ncols=True, leave=True) as bar:
            for a, b in bounds:
                written = write(rows(a, b))
                done += int(getattr(written, "accepted", written))
                bar.update(unit_of(a, b))
        counts[what] = done

    def even(n: int) -> list[tuple[int, int]]:
        return [(a, min(a + size, n)) for a in range(0, n, size)]

    def rows_between(a: int, b: int) -> int:
        return b - a

    run("users", even(world.n_users), world.n_users, world.user_rows, ingestor.upsert_users,
        rows_between)
    run("posts", even(world.n_posts), world.n_posts, world.activity_rows,
        ingestor.add_activities, rows_between)
    n_follows = len(world.follow_src)
    run("follows", even(n_follows), n_follows, world.follow_rows, ingestor.follow_many,
        rows_between)
    n_eng = len(world.eng_user)
    run("engagements", even(n_eng), n_eng, world.engagement_rows, ingestor.track_engagements,
        rows_between)
    # Impressions are limited by the posts they name, not by pages: cut at page bounds.
    ptr = world.imp_page_ptr
    run("impressions", _page_chunks(ptr, size), len(world.imp_user), world.impression_rows,
        ingestor.track_impressions, lambda a, b: int(ptr[b] - ptr[a]))
    store.compact()
    return counts


def _page_chunks(ptr: IntArray, size: int) -> list[tuple[int, int]]:
    """Runs of consecutive pages holding at most ``size`` posts each (a page is at most 10)."""
    bounds, a, pages = [], 0, len(ptr) - 1
    while a < pages:
        b = int(np.searchsorted(ptr, ptr[a] + size, side="right")) - 1
        b = min(max(b, a + 1), pages)
        bounds.append((a, b))
        a = b
    return bounds
