"""The vectorized draws behind the synthetic world (see ``engine.demo``).

Each function takes its own ``numpy.random.Generator`` and returns index arrays:
users in communities with a Pareto attractiveness, follows by preferential
attachment (mostly inside the community), heavy-tailed posts tagged mostly
from the author's community, and the posts users engage with or are shown.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from engine.demo_vocab import LABEL_SCORES, LABELS, TAGS, names

DAY_MS = 86_400_000
IntArray = NDArray[np.int64]

# How a user's engagements and impressions pick their posts.
SOURCE_FOLLOWEE, SOURCE_COMMUNITY, SOURCE_GLOBAL = 0, 1, 2
# Probabilities of the labels per source: followees' posts get more likes,
# strangers' posts mostly views. Rows follow LABELS order.
LABEL_P = np.array([
    [0.35, 0.20, 0.33, 0.07, 0.05],  # followee
    [0.45, 0.25, 0.23, 0.04, 0.03],  # community
    [0.65, 0.20, 0.12, 0.02, 0.01],  # global
])


@dataclass(frozen=True)
class WorldParams:
    """The knobs of the generator (defaults give an Instagram-like shape)."""

    follows_per_user: float = 20.0
    posts_per_user: float = 5.0
    engagements_per_user: float = 50.0
    impressions_per_user: float = 20.0
    communities: int | None = None  # None: about one per 1,000 users, 4..64
    tags_per_community: int = 3
    in_community: float = 0.85  # share of follows inside the own community
    popularity_alpha: float = 1.3  # Pareto tail of attractiveness: smaller = more celebrities
    source_p: tuple[float, float, float] = (0.5, 0.38, 0.12)  # followee / community / global
    own_tag_p: float = 0.8  # share of a post's tags from the author's community
    days: int = 30  # posts, engagements and impressions fall in the last `days` days


def draw_community_tags(rng: np.random.Generator, n_comm: int, k: int) -> NDArray[np.int64]:
    """Each community's favourite tags: distinct within a community, reused across them."""
    return np.stack([rng.choice(len(TAGS), size=k, replace=False) for _ in range(n_comm)])


def draw_users(rng: np.random.Generator, n: int, n_comm: int, p: WorldParams, now: int
               ) -> tuple[IntArray, NDArray[np.float64], IntArray, list[str]]:
    # Community sizes are uneven (Dirichlet), as interest groups are.
    sizes = rng.dirichlet(np.full(n_comm, 2.0))
    comm = rng.choice(n_comm, size=n, p=sizes).astype(np.int64)
    popularity = rng.pareto(p.popularity_alpha, size=n) + 1.0
    # Accounts are between a year and `days` days old, so every post is newer than its author.
    created = now - rng.integers((p.days + 1) * DAY_MS, 365 * DAY_MS, size=n)
    return comm, popularity, created.astype(np.int64), names(rng, n)


def _heavy_counts(rng: np.random.Generator, n: int, mean: float, sigma: float,
                  cap: int) -> IntArray:
    """Poisson-lognormal counts with the given mean: many small, a few very large."""
    if mean <= 0:
        return np.zeros(n, dtype=np.int64)
    mu = np.log(mean) - sigma**2 / 2
    return np.minimum(rng.poisson(rng.lognormal(mu, sigma, size=n)), cap).astype(np.int64)


def _grouped_cumsum(groups: IntArray, weights: NDArray[np.float64], n_groups: int
                    ) -> tuple[IntArray, NDArray[np.float64], NDArray[np.bool_]]:
    """Members sorted by group and cumulative weights scaled so group g spans (g, g+1].

    Drawing ``g + u`` (u uniform in [0, 1)) and ``searchsorted`` then samples a
    member of group g in proportion to its weight, for all draws at once.
    """
    order = np.argsort(groups, kind="stable")
    g, w = groups[order], weights[order]
    cum = np.cumsum(w)
    totals = np.bincount(g, weights=w, minlength=n_groups)
    ends = np.cumsum(totals)
    starts = ends - totals
    within = np.minimum((cum - starts[g]) / np.where(totals[g] > 0, totals[g], 1.0), 1.0)
    # Rounding must not let a draw just below g+1 fall into the next group.
    last = np.cumsum(np.bincount(g, minlength=n_groups)) - 1
    within[last[last >= 0]] = 1.0
    scaled = (g + within).astype(np.float64)
    return order.astype(np.int64), scaled, totals > 0


def _pick(order: IntArray, scaled: NDArray[np.float64], group: IntArray,
          u: NDArray[np.float64]) -> IntArray:
    pos = np.searchsorted(scaled, group + u, side="right")
    return order[np.minimum(pos, len(order) - 1)]


def draw_follows(rng: np.random.Generator, comm: IntArray, popularity: NDArray[np.float64],
                 created: IntArray, p: WorldParams, now: int
                 ) -> tuple[IntArray, IntArray, IntArray]:
    n = len(comm)
    n_comm = int(comm.max()) + 1
    out = _heavy_counts(rng, n, p.follows_per_user, 1.0, cap=min(n - 1, 5000))
    src = np.repeat(np.arange(n, dtype=np.int64), out)
    inside = rng.random(len(src)) < p.in_community
    # Preferential attachment by attractiveness, within the community or across all users.
    order, scaled, _ = _grouped_cumsum(comm, popularity, n_comm)
    local = _pick(order, scaled, comm[src], rng.random(len(src)))
    cum = np.cumsum(popularity)
    anywhere = np.minimum(np.searchsorted(cum, rng.random(len(src)) * cum[-1], side="right"), n - 1)
    dst = np.where(inside, local, anywhere)
    keep = src != dst
    key = np.unique(src[keep] * n + dst[keep])  # sorted by (src, dst), duplicates gone
    src, dst = key // n, key % n
    # A follow starts after both accounts exist, mostly long ago.
    start = np.maximum(created[src], created[dst])
    since = start + (rng.random(len(src)) * (now - start)).astype(np.int64)
    return src, dst, since


def draw_posts(rng: np.random.Generator, comm: IntArray, popularity: NDArray[np.float64],
               created: IntArray, community_tags: NDArray[np.int64], p: WorldParams, now: int
               ) -> tuple[IntArray, IntArray, IntArray, IntArray, IntArray, IntArray]:
    n = len(comm)
    # Popular accounts post a little more (the log keeps the tail from exploding).
    mean = p.posts_per_user * (1 + np.log(popularity)) / np.mean(1 + np.log(popularity))
    counts = np.minimum(rng.poisson(mean * rng.lognormal(-0.5, 1.0, size=n)), 300)
    author = np.repeat(np.arange(n, dtype=np.int64), counts)
    n_posts = len(author)
    post_created = now - rng.integers(60_000, p.days * DAY_MS, size=n_posts)
    order = np.lexsort((post_created, author))  # by author, then oldest first
    author, post_created = author[order], post_created[order]
    media = rng.choice(3, size=n_posts, p=[0.7, 0.2, 0.1]).astype(np.int64)
    cap = rng.integers(0, 1 << 30, size=n_posts)

    # 1-3 tag slots per post; each from the author's community favourites or anywhere.
    k = rng.choice([1, 2, 3], size=n_posts, p=[0.3, 0.4, 0.3])
    own = community_tags[comm[author][:, None], rng.integers(0, community_tags.shape[1],
                                                             size=(n_posts, 3))]
    other = rng.integers(0, len(TAGS), size=(n_posts, 3))
    slots = np.where(rng.random((n_posts, 3)) < p.own_tag_p, own, other)
    valid = np.arange(3)[None, :] < k[:, None]
    valid[:, 1] &= slots[:, 1] != slots[:, 0]
    valid[:, 2] &= (slots[:, 2] != slots[:, 0]) & (slots[:, 2] != slots[:, 1])
    tag_ptr = np.concatenate([[0], np.cumsum(valid.sum(axis=1))]).astype(np.int64)
    tag_idx = slots[valid].astype(np.int64)  # row-major: each post's tags in slot order
    return author, post_created.astype(np.int64), media, cap, tag_ptr, tag_idx


class PostSampler:
    """Draws posts for users: a followee's recent post, a community post or any post."""

    def __init__(self, comm: IntArray, popularity: NDArray[np.float64], src: IntArray,
                 dst: IntArray, author: IntArray, post_created: IntArray, n_comm: int) -> None:
        n = len(comm)
        self.comm, self.author, self.post_created = comm, author, post_created
        self.f_start = np.searchsorted(src, np.arange(n))
        self.f_deg = np.bincount(src, minlength=n)
        self.follow_dst = dst
        self.p_count = np.bincount(author, minlength=n)
        self.p_start = np.concatenate([[0], np.cumsum(self.p_count)[:-1]])
        # Trending: a post's pull is its author's attractiveness (damped).
        weight = popularity[author] ** 0.75 if len(author) else np.zeros(0)
        self.c_order, self.c_scaled, self.c_has = _grouped_cumsum(comm[author], weight, n_comm)
        self.g_cum = np.cumsum(weight)

    def sample(self, rng: np.random.Generator, users: IntArray, source_p: tuple[float, ...]
               ) -> tuple[IntArray, IntArray]:
        """(post, source) per user draw; draws that find no post get -1."""
        m = len(users)
        post = np.full(m, -1, dtype=np.int64)
        if len(self.author) == 0 or m == 0:
            return post, np.zeros(m, dtype=np.int64)
        source = rng.choice(3, size=m, p=source_p).astype(np.int64)
        # Followee: a random followee, then one of their posts, biased to the newest.
        deg = self.f_deg[users]
        has_f = deg > 0
        fidx = self.f_start[users] + (rng.random(m) * np.maximum(deg, 1)).astype(np.int64)
        followee = self.follow_dst[np.minimum(fidx, len(self.follow_dst) - 1)] if len(
            self.follow_dst) else np.zeros(m, dtype=np.int64)
        cnt = self.p_count[followee]
        ok_f = has_f & (cnt > 0) & (source == SOURCE_FOLLOWEE)
        newest_bias = np.sqrt(rng.random(m))  # density 2x: later posts more likely
        post[ok_f] = (self.p_start[followee] + (newest_bias * cnt).astype(np.int64))[ok_f]
        # Community (also the fallback for followee draws that found nothing).
        c = self.comm[users]
        want_c = (source == SOURCE_COMMUNITY) | ((source == SOURCE_FOLLOWEE) & ~ok_f)
        ok_c = want_c & self.c_has[c]
        post[ok_c] = _pick(self.c_order, self.c_scaled, c[ok_c], rng.random(int(ok_c.sum())))
        source[want_c & ~ok_c] = SOURCE_GLOBAL
        source[want_c & ok_c] = SOURCE_COMMUNITY
        rest = post < 0
        g = np.searchsorted(self.g_cum, rng.random(int(rest.sum())) * self.g_cum[-1], side="right")
        post[rest] = np.minimum(g, len(self.author) - 1)
        # Nobody engages with their own posts here.
        own = self.author[post] == users
        post[own] = -1
        return post, source


def draw_engagements(rng: np.random.Generator, sampler: PostSampler, p: WorldParams, now: int
                     ) -> tuple[IntArray, IntArray, IntArray, NDArray[np.float64], IntArray,
                                IntArray, IntArray]:
    n = len(sampler.comm)
    counts = _heavy_counts(rng, n, p.engagements_per_user, 1.2, cap=20_000)
    users = np.repeat(np.arange(n, dtype=np.int64), counts)
    post, source = sampler.sample(rng, users, p.source_p)
    # Labels per source: inverse-CDF draws against each row of LABEL_P.
    cdf = np.cumsum(LABEL_P, axis=1)
    label = (rng.random(len(users))[:, None] > cdf[source]).sum(axis=1).clip(0, len(LABELS) - 1)
    keep = post >= 0
    users, post, source, label = users[keep], post[keep], source[keep], label[keep]
    # One event per (user, post, label): a view, then maybe a like, not two likes.
    n_posts = len(sampler.author)
    key = np.unique((users * n_posts + post) * len(LABELS) + label, return_index=True)
    users, post, source, label = (
        key[0] // len(LABELS) // n_posts, key[0] // len(LABELS) % n_posts,
        source[key[1]], key[0] % len(LABELS))
    m = len(users)
    base = np.array([LABEL_SCORES[lab] for lab in LABELS], dtype=np.float64)
    score = np.clip(np.round(base[label] + rng.normal(0, 5, size=m)), 0, 100)
    position = np.minimum(rng.geometric(0.12, size=m) - 1, 99).astype(np.int64)
    feed = np.where(source == SOURCE_FOLLOWEE, 0, 1).astype(np.int64)  # home / explore
    at = _after(rng, sampler.post_created[post], now)
    return users, post, label.astype(np.int64), score, position, feed, at


def _after(rng: np.random.Generator, created: IntArray, now: int) -> IntArray:
    """A time after each post appeared, mostly within a day, never in the future."""
    delay = rng.exponential(DAY_MS / 2, size=len(created)).astype(np.int64)
    return np.maximum(created, np.minimum(created + delay, now - 1)).astype(np.int64)


def draw_impressions(rng: np.random.Generator, sampler: PostSampler, p: WorldParams, now: int
                     ) -> tuple[IntArray, IntArray, IntArray, IntArray, IntArray]:
    n = len(sampler.comm)
    counts = _heavy_counts(rng, n, p.impressions_per_user, 1.0, cap=5_000)
    users = np.repeat(np.arange(n, dtype=np.int64), counts)
    post, source = sampler.sample(rng, users, p.source_p)
    keep = post >= 0
    users, post, source = users[keep], post[keep], source[keep]
    n_posts = max(len(sampler.author), 1)
    key, first = np.unique(users * n_posts + post, return_index=True)
    users, post, source = key // n_posts, key % n_posts, source[first]
    feed = np.where(source == SOURCE_FOLLOWEE, 0, 1).astype(np.int64)
    # Pages: up to 10 consecutive posts of one user and one feed share a time.
    order = np.lexsort((post, feed, users))
    users, post, feed = users[order], post[order], feed[order]
    m = len(users)
    run_start = np.ones(m, dtype=bool)
    run_start[1:] = (users[1:] != users[:-1]) | (feed[1:] != feed[:-1])
    run_id = np.cumsum(run_start) - 1
    run_first = np.flatnonzero(run_start)
    rank = np.arange(m) - run_first[run_id]
    page_start = run_start | (rank % 10 == 0)
    page_ptr = np.concatenate([np.flatnonzero(page_start), [m]]).astype(np.int64)
    # A page is shown after the newest of its posts appeared.
    page_of = np.cumsum(page_start) - 1
    newest = np.zeros(len(page_ptr) - 1, dtype=np.int64)
    np.maximum.at(newest, page_of, sampler.post_created[post])
    page_at = _after(rng, newest, now)
    return users, post, feed, page_at[page_of], page_ptr
