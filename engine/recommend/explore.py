"""Explore: what is trending in your community and in the communities next to it.

Candidates (``cypher/explore``): of the newest posts, those the members of the user's
community -- and of its nearest communities (``NEAR``: linked by many follows) --
engaged with in the recent window, weighted by engagement score and decayed by the
post's age. That list is per community, not per user: it is computed once per snapshot
(``snapshot_seconds``) and cached in the process, and each request then removes, in one
query over the candidates, the user's own posts, posts of people they follow, posts
they saw (SAW) or engaged with, and removed posts.

Ranking interleaves the communities by share: the own community gets
``1 - discovery_share`` of the places, the nearest ones ``discovery_share`` split by
link weight; each place goes to the community furthest behind its share (own first on
ties, so page one opens with the user's community). Within a community posts go by
trend, skipping (while another choice exists) an author already shown within
``author_window`` places or a post whose tags all appeared within ``tag_window``
places. When the communities run dry, global trending fills the rest.

Without a community (``graphfeed train communities`` not run yet, or the user in none)
Explore is global trending and its reasons say why.

Pages: the first call fixes ``as_of`` (posts and engagements after it are ignored) and
every cursor carries it plus a fingerprint of each post served, so later pages rank from
the same snapshot and never repeat a post (see ``engine.recommend.feed``).
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from engine.errors import NotFound, ValidationError
from engine.events import now_ms
from engine.learn.communities import UserCommunity, user_community
from engine.recommend import cursor
from engine.recommend.feed import fingerprint, fingerprints
from engine.recommend.listcache import ListCache, Rows, snapshot_start, store_key
from engine.recommend.reasons import hashtags, people, window_words
from engine.recommend.types import FeedItem, Page
from engine.recommend.views import post_views, user_views
from engine.store import GraphStore
from engine.tuning import ExploreSettings

HOUR_MS = 3_600_000
CURSOR_KIND = "explore"
OWN, NEARBY, TRENDING = "community", "nearby_community", "trending"


@dataclass
class ExplorePost:
    """One ranked Explore candidate (``rank`` returns them; ``explore`` pages them)."""

    id: str
    author_id: str
    tags: tuple[str, ...]
    trend: float = 0.0
    engagers: int = 0
    community: int | None = None
    source: str = TRENDING
    reasons: tuple[str, ...] = ()
    # What the reasons of a community post are made from (once it is ranked): its bucket
    # and query row.
    why: Any = field(default=None, repr=False, compare=False)


@dataclass
class _Bucket:
    source: str
    share: float
    community: int
    tags: tuple[str, ...]
    posts: list[ExplorePost] = field(default_factory=list)
    taken: int = 0


def explore(store: GraphStore, user_id: str, first: int = 20, after: str | None = None, *,
            settings: ExploreSettings | None = None, cursor_key: str = cursor.DEVELOPMENT_KEY,
            now: int | None = None) -> Page[FeedItem]:
    """One page of the user's Explore feed."""
    s = settings or ExploreSettings()
    if isinstance(first, bool) or not isinstance(first, int) or not 1 <= first <= s.max_page:
        raise ValidationError(f"first must be an integer from 1 to {s.max_page}", field="first")
    if not isinstance(user_id, str) or not user_id.strip():
        raise ValidationError("user_id must be a non-empty id", field="user_id")
    as_of = snapshot_start(now if now is not None else now_ms(), s.snapshot_seconds)
    served: set[bytes] = set()
    blob = b""
    if after is not None:
        fields, blob = cursor.decode(after, CURSOR_KIND, user_id, cursor_key)
        as_of = cursor.require_int(fields, "t")
        served = fingerprints(blob)
    if not user_views(store, [user_id]):
        raise NotFound(f"unknown user {user_id!r}", ids=[user_id])
    ranked = rank(store, user_id, as_of, s)
    remaining = [p for p in ranked if fingerprint(p.id) not in served]
    page = remaining[:first]
    views = post_views(store, [p.id for p in page])
    items = tuple(FeedItem(post=views[p.id], score=round(p.trend, 6), sources=(p.source,),
                           reasons=p.reasons) for p in page if p.id in views)
    end = None
    if page:
        blob += b"".join(fingerprint(p.id) for p in page)
        end = cursor.encode(CURSOR_KIND, user_id, cursor_key, blob=blob, t=as_of)
    return Page(items=items, end_cursor=end, has_next=len(remaining) > first)


def rank(store: GraphStore, user_id: str, as_of: int, s: ExploreSettings, *,
         each: int = 0, hide: bool = True) -> list[ExplorePost]:
    """The user's whole Explore ranking as of ``as_of`` (at most ``s.pool`` posts).

    The per-community lists are computed as of the start of ``as_of``'s snapshot, so a
    caller with an exact clock (the feed's ``community_trending`` source) shares them with
    every other member of the community in that snapshot instead of recomputing them.
    ``each``: how long a list to compute when it is not cached yet (at least ``s.pool``),
    so that callers with shorter pools are served by one computation (see ``ListCache``).
    ``hide=False`` keeps the posts Explore must not show this user (``find_excluded``): for
    a caller that filters its candidates itself."""
    window = _window(as_of, s)
    mine = user_community(store, user_id)
    key: tuple[Any, ...] | None = None
    if not hide and mine is not None and not s.fill_with_trending:
        # Without the per-user filter and the trending fill, the ranking is the community's:
        # every member gets the same one in a snapshot, so it is interleaved once.
        key = (*store_key(store), window["as_of"], s, mine.version, mine.community)
        if (hit := _RANKED.get(key, s.pool)) is not None:
            return hit
    buckets = _community_buckets(store, user_id, mine, window, s, each, hide) if mine else []
    ranked = _interleave(buckets, s)
    for post in ranked:  # words only for what made the ranking
        bucket, row = post.why
        post.reasons = _reasons(bucket, row, s)
    if key is not None:
        _RANKED.put(key, (s.pool, ranked))
        return list(ranked)
    if len(ranked) < s.pool and (s.fill_with_trending or not buckets):
        trained = mine is not None or bool(store.read("learn/get_active_run",
                                                      kind="communities"))
        taken = {p.id for p in ranked}
        fill = [p for p in _trending(store, window, s, mine, trained) if p.id not in taken]
        hidden = _excluded(store, user_id, [p.id for p in fill]) if hide else set()
        ranked += [p for p in fill if p.id not in hidden][:s.pool - len(ranked)]
    return ranked


def _window(as_of: int, s: ExploreSettings) -> dict[str, Any]:
    as_of = snapshot_start(as_of, s.snapshot_seconds)
    return {"as_of": as_of, "since": as_of - int(s.recent_days * 24 * HOUR_MS),
            "window_start": as_of - int(s.window_hours * HOUR_MS), "scan": s.scan,
            "half_life_ms": s.freshness_half_life_hours * HOUR_MS}


def _community_buckets(store: GraphStore, user_id: str, mine: UserCommunity,
                       window: dict[str, Any], s: ExploreSettings, each: int = 0,
                       hide: bool = True) -> list[_Bucket]:
    near = [n for n in mine.neighbours if n.weight > 0][:s.neighbours]
    if s.discovery_share <= 0:
        near = []
    total = sum(n.weight for n in near)
    discovery = s.discovery_share if near else 0.0
    buckets = [_Bucket(OWN, 1.0 - discovery, mine.community, mine.tags)]
    buckets += [_Bucket(NEARBY, discovery * n.weight / total, n.community, n.tags)
                for n in near]
    by_community = _community_rows(store, mine.version, [b.community for b in buckets],
                                   window, s, each)
    rows = [r for b in buckets for r in by_community[b.community]]
    hidden = _excluded(store, user_id, sorted({r["id"] for r in rows})) if hide else set()
    index = {b.community: i for i, b in enumerate(buckets)}
    choices: dict[str, list[tuple[int, float, dict[str, Any]]]] = {}
    for r in rows:
        if r["id"] not in hidden:
            choices.setdefault(r["id"], []).append((index[r["community"]], float(r["trend"]),
                                                    r))
    for post_id in sorted(choices):
        # Trending in several communities: the user's own first, else where it trends most.
        i, trend, r = min(choices[post_id], key=lambda c: (c[0] != 0, -c[1], c[0]))
        bucket = buckets[i]
        bucket.posts.append(ExplorePost(post_id, r["author_id"] or "", tuple(r["tags"] or ()),
                                        trend, int(r["engagers"]), bucket.community,
                                        bucket.source, why=(bucket, r)))
    for b in buckets:
        b.posts.sort(key=lambda p: (-p.trend, p.id))
    return buckets


def _excluded(store: GraphStore, user_id: str, ids: list[str]) -> set[str]:
    if not ids:
        return set()
    return {r["id"] for r in store.read("explore/find_excluded", user_id=user_id, ids=ids)}


# -- per-community trending, shared by every member for one snapshot ---------------------------
_CACHE: ListCache[dict[str, Any]] = ListCache()
# Whole rankings without the per-user filter, by community (the feed's community source).
_RANKED: ListCache[ExplorePost] = ListCache(size=256)


def _ranked(rows: Rows) -> Rows:
    """Best first, as the trending queries cut their lists (trend DESC, id)."""
    return sorted(rows, key=lambda r: (-float(r["trend"]), str(r["id"])))


def _key(store: GraphStore, window: dict[str, Any], s: ExploreSettings, *parts: Any
         ) -> tuple[Any, ...]:
    # Not the pool: lists of any length share one entry (see ListCache).
    knobs = (s.scan, s.recent_days, s.window_hours, s.freshness_half_life_hours)
    return (*store_key(store), window["as_of"], knobs, *parts)


def _community_rows(store: GraphStore, version: int, communities: list[int],
                    window: dict[str, Any], s: ExploreSettings, each: int = 0
                    ) -> dict[int, Rows]:
    out: dict[int, Rows] = {}
    missing = []
    for c in communities:
        hit = _CACHE.get(_key(store, window, s, "community", version, c), s.pool)
        if hit is None:
            missing.append(c)
        else:
            out[c] = hit
    if missing:
        n = _CACHE.length("community", max(each, s.pool))
        _compute_lists(store, version, missing, window, s, n, scan_window(store, window))
        for c in missing:
            out[c] = _CACHE.get(_key(store, window, s, "community", version, c), s.pool) or []
    return out


def _compute_lists(store: GraphStore, version: int, communities: list[int],
                   window: dict[str, Any], s: ExploreSettings, n: int,
                   scanned: dict[str, Any]) -> None:
    """The ``n`` best trending posts of each of ``communities``, one query, into the cache.
    ``scanned``: ``window`` as ``scan_window`` narrows it."""
    rows = store.read("explore/find_community_trending", version=version,
                      communities=communities, each=n, **scanned)
    for c in communities:
        _CACHE.put(_key(store, window, s, "community", version, c),
                   (n, _ranked([r for r in rows if r["community"] == c])))


@dataclass(frozen=True)
class Prepared:
    """What ``prepare_snapshot`` did: the snapshot, the lists it computed, how long it took."""

    as_of: int
    communities: int
    computed: int
    seconds: float


def prepare_snapshot(store: GraphStore, as_of: int, settings: Sequence[ExploreSettings],
                     chunk: int = 16) -> Prepared:
    """Compute the per-community trending lists (and global trending) of the snapshot that
    holds ``as_of`` for every community of the active run, unless cached already, so that
    no request of that snapshot pays for a cold list (~250 ms each on the 100k world).

    A server calls it for the next snapshot shortly before it starts (``engine.api``):
    the lists then miss what is stamped in those last seconds before the boundary, as a
    list computed by the first request misses what arrives after it. ``settings``: every
    distinct Explore configuration served (Explore's and the feed's source); each list is
    computed at the longest pool among them. Communities go ``chunk`` to a query: one
    query reads the newest posts' engagers once for all of them, and a chunk's rows stay
    a short parse. The largest communities come first; at most a third of the cache is
    used, so the current snapshot's lists are not evicted by the next one's."""
    t0 = time.perf_counter()
    runs = store.read("learn/get_active_run", kind="communities")
    if not runs or not settings:
        return Prepared(as_of, 0, 0, time.perf_counter() - t0)
    version = int(runs[0]["version"])
    limit = max(1, _CACHE.size // 3)
    communities = [int(r["id"]) for r in store.read("learn/list_communities", limit=limit)]
    computed = 0
    widest = max(x.pool for x in settings)
    done: set[tuple[Any, ...]] = set()
    for s in settings:
        window = _window(as_of, s)
        knobs = _key(store, window, s)
        if knobs in done:
            continue
        done.add(knobs)
        n = _CACHE.length("community", widest)
        missing = [c for c in communities
                   if _CACHE.get(_key(store, window, s, "community", version, c), n) is None]
        scanned = scan_window(store, window) if missing else window
        for i in range(0, len(missing), chunk):
            _compute_lists(store, version, missing[i:i + chunk], window, s, n, scanned)
        computed += len(missing)
        _global_rows(store, window, s, 2 * widest)
    return Prepared(window["as_of"], len(communities), computed, time.perf_counter() - t0)


def scan_window(store: GraphStore, window: dict[str, Any], first_hours: float = 1.0
                ) -> dict[str, Any]:
    """``window`` with ``since`` moved as late as it can go while [since, as_of] still holds
    the newest ``scan`` posts the trending queries read, so the same posts come out.

    Those queries take the newest ``scan`` posts of ``recent_days`` through the created_at
    index: they read and sort every post of the days (~115k on the 100k-user benchmark) to
    keep a few thousand. Counting a window is cheap, so a probe from the last
    ``first_hours`` grows by the measured post rate until it holds ``scan`` posts (two
    probes at a steady rate) or reaches ``since``."""
    as_of, floor, scan = window["as_of"], window["since"], window["scan"]
    span = int(first_hours * HOUR_MS)
    while as_of - span > floor:
        n = int(store.read("explore/count_recent_posts", since=as_of - span,
                           as_of=as_of)[0]["posts"])
        if n >= scan:
            return {**window, "since": as_of - span}
        # A quarter more than the rate asks for, so one more probe usually suffices.
        span = int(span * min(max(1.25 * scan / max(n, 1), 1.5), 1000.0))
    return window


def _interleave(buckets: list[_Bucket], s: ExploreSettings) -> list[ExplorePost]:
    out: list[ExplorePost] = []
    authors: deque[str] = deque(maxlen=s.author_window)
    recent_tags: deque[tuple[str, ...]] = deque(maxlen=max(1, s.tag_window))
    while len(out) < s.pool:
        live = [b for b in buckets if b.posts]
        if not live:
            break
        k = len(out) + 1
        bucket = max(live, key=lambda b: b.share * k - b.taken)  # first on ties: own
        post = _pick(bucket.posts, authors, recent_tags if s.tag_window else None)
        bucket.posts.remove(post)
        bucket.taken += 1
        out.append(post)
        authors.append(post.author_id)
        recent_tags.append(post.tags)
    return out


def _pick(posts: list[ExplorePost], authors: deque[str],
          recent_tags: deque[tuple[str, ...]] | None, lookahead: int = 20) -> ExplorePost:
    """The best post whose author was shown longest ago (not within the window at best),
    preferring posts that bring a tag not shown lately; ties keep the trend order."""
    shown = {t for tags in recent_tags for t in tags} if recent_tags is not None else set()
    last_place = {a: i for i, a in enumerate(authors)}  # each author's latest place
    newest = len(authors) - 1
    window = authors.maxlen or len(authors)

    def key(item: tuple[int, ExplorePost]) -> tuple[int, bool, int]:
        position, post = item
        last = last_place.get(post.author_id)
        since = window if last is None else newest - last
        stale_tags = bool(post.tags) and shown.issuperset(post.tags)
        return (-since, stale_tags, position)

    return min(enumerate(posts[:lookahead]), key=key)[1]


def _trending(store: GraphStore, window: dict[str, Any], s: ExploreSettings,
              mine: UserCommunity | None, trained: bool) -> list[ExplorePost]:
    # Twice the pool: the user's exclusions are removed afterwards.
    rows = _global_rows(store, window, s, 2 * s.pool)
    why: tuple[str, ...]
    if mine is not None:
        why = ("trending on graphfeed right now",)
    elif trained:
        why = ("trending on graphfeed right now",
               "you are not in a community yet: follow a few accounts to personalise Explore")
    else:
        why = ("trending on graphfeed right now",
               "Explore is not personalised yet: communities have not been computed")
    posts = [ExplorePost(r["id"], r["author_id"] or "", tuple(r["tags"] or ()), float(r["trend"]),
                   int(r["engagers"]), None, TRENDING, why) for r in rows]
    posts.sort(key=lambda p: (-p.trend, p.id))
    return posts


def _global_rows(store: GraphStore, window: dict[str, Any], s: ExploreSettings,
                 limit: int) -> Rows:
    return _CACHE.fetch(_key(store, window, s, "trending"), "trending", limit, lambda n: _ranked(
        store.read("explore/find_trending", limit=n, **scan_window(store, window))))


def _reasons(bucket: _Bucket, row: dict[str, Any], s: ExploreSettings) -> tuple[str, ...]:
    tags = [t for t in bucket.tags if t in set(row["tags"] or ())]
    tag = tags[0] if tags else (bucket.tags[0] if bucket.tags else None)
    if bucket.source == OWN:
        first = (f"popular with people into {hashtags([tag])} like you" if tag
                 else "popular in your community")
    else:
        first = (f"popular with people into {hashtags([tag])}, a community close to yours"
                 if tag else "popular in a community close to yours")
    n = int(row["engagers"])
    return (first, f"{people((), n)} there engaged with it in the last "
                   f"{window_words(s.window_hours)}")

