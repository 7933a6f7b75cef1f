"""Explore on the real embedded database: exclusions, community order, pages, fallback."""

from __future__ import annotations

from typing import Any

import pytest

from engine.errors import NotFound, ValidationError
from engine.ingest import Ingestor
from engine.learn.communities import user_community
from engine.learn.config import TrainSettings
from engine.recommend import explore as explore_module
from engine.recommend.candidates import UserContext
from engine.recommend.explore import explore, prepare_snapshot, rank, scan_window
from engine.recommend.graph_sources import CommunityTrending
from engine.settings import Settings
from engine.store import GraphStore
from engine.train import train_communities
from engine.tuning import ExploreSettings, RecommendSettings

HOUR = 3_600_000
T0 = 1_700_000_000_000
NOW = T0 + 5 * HOUR
LEFT = [f"l{i}" for i in range(1, 7)]  # surfers; "me" is one of them
RIGHT = [f"r{i}" for i in range(1, 7)]  # chess players


def all_pairs(group: list[str]) -> list[dict[str, str]]:
    return [{"source": a, "target": b} for a in group for b in group if a != b]


@pytest.fixture
def world(store: GraphStore, settings: Settings) -> Ingestor:
    return build_world(store, settings)


def build_world(store: GraphStore, settings: Settings) -> Ingestor:
    ing = Ingestor(store, settings)
    ing.upsert_users([{"id": u, "name": u.upper()} for u in ["me", *LEFT, *RIGHT]])
    ing.follow_many(all_pairs(LEFT) + all_pairs(RIGHT) + [
        {"source": "me", "target": "l1"}, {"source": "me", "target": "l2"},
        {"source": "l1", "target": "me"}, {"source": "l2", "target": "me"},
        {"source": "l3", "target": "me"},
        {"source": "l6", "target": "r6"}, {"source": "r6", "target": "l6"}])
    posts = []
    for author in LEFT + ["me"]:
        posts += [{"actor": author, "foreign_id": f"{author}-{k}", "tags": ["surfing", "sea"],
                   "time": T0 + k * 60_000} for k in range(4)]
    for author in RIGHT:
        posts += [{"actor": author, "foreign_id": f"{author}-{k}", "tags": ["chess"],
                   "time": T0 + k * 60_000} for k in range(3)]
    ing.add_activities(posts)
    engagements = []
    for group in (LEFT, RIGHT):
        for post in (p["foreign_id"] for p in posts if p["actor"] in group):
            for k, user in enumerate(group):
                if not post.startswith(user) and (sum(map(ord, post)) + k) % 3 != 0:
                    engagements.append({"user_id": user, "label": "like", "content_id": post,
                                        "score": 40 + 10 * k, "time": T0 + HOUR})
    ing.track_engagements(engagements)
    # What "me" must never get back: seen, engaged and removed posts.
    ing.track_impressions([{"user_id": "me", "content_list": ["l4-0"], "time": T0 + HOUR}])
    ing.track_engagements([{"user_id": "me", "label": "like", "content_id": "l5-0", "score": 50,
                            "time": T0 + HOUR}])
    ing.remove_activities(["l6-0"])
    return ing


def excluded() -> set[str]:
    followees = {f"{a}-{k}" for a in ("l1", "l2") for k in range(4)}
    own = {f"me-{k}" for k in range(4)}
    return followees | own | {"l4-0", "l5-0", "l6-0"}


def page_through(store: GraphStore, first: int, **kw: object) -> list[list]:
    pages, after = [], None
    while True:
        page = explore(store, "me", first, after, now=NOW, **kw)
        pages.append(list(page.items))
        if not page.has_next:
            return pages
        after = page.end_cursor


def test_explore_shows_the_own_community_first_and_never_what_it_must_not(
        store: GraphStore, world: Ingestor) -> None:
    train_communities(store, TrainSettings())
    assert user_community(store, "me").community == user_community(store, "l3").community
    items = [i for page in page_through(store, 7) for i in page]
    ids = [i.post.id for i in items]
    assert ids and not set(ids) & excluded()
    assert items[0].sources == ("community",) and items[0].post.author_id.startswith("l")
    assert items[0].reasons[0] in ("popular with people into #surfing like you",
                                   "popular with people into #sea like you")
    nearby = [i for i in items if i.sources == ("nearby_community",)]
    assert nearby and all(i.post.author_id.startswith("r") for i in nearby)
    assert nearby[0].reasons[0] == "popular with people into #chess, a community close to yours"
    # Discovery share 0.3: the nearby community holds about 3 of the first 10 places.
    assert 2 <= sum(i.sources == ("nearby_community",) for i in items[:10]) <= 4
    # Never the same author twice in a row while another choice exists.
    head = [i.post.author_id for i in items[:10]]
    assert all(a != b for a, b in zip(head, head[1:], strict=False))


def test_pages_never_repeat_even_when_the_graph_moves(store: GraphStore,
                                                      world: Ingestor) -> None:
    train_communities(store, TrainSettings())
    one = explore(store, "me", 5, now=NOW)
    assert len(one.items) == 5 and one.has_next
    # Between pages the user sees page one and new engagements arrive: nothing repeats.
    world.track_impressions([{"user_id": "me", "content_list": [i.post.id for i in one.items],
                              "time": NOW + 1}])
    world.track_engagements([{"user_id": "r2", "label": "share", "content_id": "r1-2",
                              "score": 100, "time": NOW + 2}])
    seen = [i.post.id for i in one.items]
    after = one.end_cursor
    while after:
        page = explore(store, "me", 5, after, now=NOW + 10 * HOUR)  # `now` ignored: cursor's
        seen += [i.post.id for i in page.items]
        after = page.end_cursor if page.has_next else None
    assert len(seen) == len(set(seen))
    everything = [i.post.id for p in page_through(store, 100) for i in p]
    # The full ranking (now without page one, which was seen) holds the rest.
    assert set(seen) - set(one_ids := [i.post.id for i in one.items]) == set(everything) - set(
        one_ids)


def test_without_communities_explore_is_global_trending_and_says_so(
        store: GraphStore, world: Ingestor) -> None:
    page = explore(store, "me", 5, now=NOW)
    assert page.items and all(i.sources == ("trending",) for i in page.items)
    assert "communities have not been computed" in page.items[0].reasons[1]
    assert not {i.post.id for i in page.items} & excluded()


def test_a_user_in_no_community_gets_trending(store: GraphStore, world: Ingestor) -> None:
    world.upsert_users([{"id": "newbie"}])
    train_communities(store, TrainSettings())
    page = explore(store, "newbie", 3, now=NOW)
    assert page.items and page.items[0].sources == ("trending",)
    assert "not in a community yet" in page.items[0].reasons[1]


def test_without_discovery_only_the_own_community_then_trending(store: GraphStore,
                                                                world: Ingestor) -> None:
    train_communities(store, TrainSettings())
    s = ExploreSettings(discovery_share=0.0, fill_with_trending=False)
    items = [i for p in page_through(store, 50, settings=s) for i in p]
    assert items and all(i.sources == ("community",) for i in items)


def test_bad_requests(store: GraphStore, world: Ingestor) -> None:
    with pytest.raises(NotFound):
        explore(store, "nobody", 5, now=NOW)
    with pytest.raises(ValidationError):
        explore(store, "me", 0)
    with pytest.raises(ValidationError):
        explore(store, "me", 5, "not-a-cursor")
    other = explore(store, "l3", 1, now=NOW).end_cursor
    with pytest.raises(ValidationError):
        explore(store, "me", 5, other)  # another user's cursor


# -- graph candidate sources ---------------------------------------------------------------
def test_community_sources(store: GraphStore, world: Ingestor) -> None:
    from engine.recommend.candidates import UserContext
    from engine.recommend.graph_sources import CommunityTrending, community_accounts, reason
    from engine.tuning import RecommendSettings

    assert community_accounts(store, "me") == []  # nothing trained: nothing to say
    train_communities(store, TrainSettings())
    accounts = community_accounts(store, "me", 10)
    ids = [a for a, _, _ in accounts]
    assert set(ids) == {"l3", "l4", "l5", "l6"}  # members "me" does not follow yet
    assert accounts[0][1] == 1.0 and accounts[0][2].startswith("popular with people into #")
    ctx = UserContext(user_id="me", as_of=NOW, following=2, engaged=1, tags={}, authors={})
    found = CommunityTrending().fetch(store, ctx, RecommendSettings(), 20)
    assert found and reason(found[0]).startswith("popular with people into #")
    # The feed filters seen, engaged, own and removed posts itself, so its source skips
    # Explore's filter (and keeps posts by people the user follows); Explore's ranking of
    # the same lists still hides them all.
    proposed = {c.post_id for c in found}
    assert proposed & excluded()
    shown = {p.id for p in rank(store, "me", NOW, CommunityTrending().settings)}
    assert shown and not shown & excluded()


def test_the_feed_filters_what_its_community_source_no_longer_hides(
        store: GraphStore, settings: Settings, world: Ingestor) -> None:
    from engine.recommend import Recommender

    train_communities(store, TrainSettings())
    rec = Recommender(store, settings, clock=lambda: NOW)
    items = list(rec.feed("me", 50).items)
    community = [i for i in items if "community_trending" in i.sources]
    assert community
    never = {f"me-{k}" for k in range(4)} | {"l4-0", "l5-0", "l6-0"}  # own, seen, engaged, removed
    assert not {i.post.id for i in items} & never
    # Posts by people "me" follows (hidden by Explore) may carry the community signal.
    assert any(i.post.author_id in ("l1", "l2") for i in community)


def test_the_scan_window_keeps_the_newest_posts_the_trending_queries_read(
        store: GraphStore, settings: Settings) -> None:
    ing = Ingestor(store, settings)
    ing.upsert_users([{"id": u} for u in ("a", "b", "c")])
    now = T0 + 40 * HOUR
    # One post an hour for 40 hours, two at the same instant at the 12-post boundary.
    posts = [{"actor": "a", "foreign_id": f"p{h}", "tags": ["x"], "time": T0 + h * HOUR}
             for h in range(40)] + [{"actor": "a", "foreign_id": "p28b", "tags": ["x"],
                                     "time": T0 + 28 * HOUR}]
    ing.add_activities(posts)
    ing.track_engagements([{"user_id": u, "label": "like", "content_id": p["foreign_id"],
                            "score": 10 + (h * 7 + len(u)) % 90, "time": now - 1}
                           for h, p in enumerate(posts) for u in ("b", "c")[:1 + h % 2]])
    window = {"as_of": now, "since": now - 7 * 24 * HOUR, "window_start": now - 72 * HOUR,
              "scan": 12, "half_life_ms": 48.0 * HOUR}
    narrowed = scan_window(store, window)
    assert window["since"] < narrowed["since"] <= now - 11 * HOUR  # it holds 12 posts at least
    assert {k: v for k, v in narrowed.items() if k != "since"} == \
        {k: v for k, v in window.items() if k != "since"}
    full = store.read("explore/find_trending", limit=50, **window)
    assert len(full) == 12
    assert store.read("explore/find_trending", limit=50, **narrowed) == full
    # More posts wanted than the days hold: the window stays as it was.
    wide = {**window, "scan": 10_000}
    assert scan_window(store, wide) == wide


# -- one list per community and snapshot, for every caller ------------------------------------
class Spy:
    """Records the names of the real store's reads (the database still answers them)."""

    def __init__(self, store: GraphStore) -> None:
        self.names: list[str] = []
        self._read = store.read
        store.read = self.read  # type: ignore[method-assign]

    def read(self, name: str, **params: object) -> list[dict]:
        self.names.append(name)
        return self._read(name, **params)

    def trending(self) -> int:
        """Trending lists computed: per community, or global."""
        return sum(n in ("explore/find_community_trending", "explore/find_trending")
                   for n in self.names)

    def community_lists(self) -> int:
        return self.names.count("explore/find_community_trending")


def feed_candidates(store: GraphStore, user: str, pool: int) -> list[tuple]:
    ctx = UserContext(user_id=user, as_of=NOW, following=0, engaged=0, tags={}, authors={})
    found = CommunityTrending().fetch(store, ctx, RecommendSettings(), pool)
    return [(c.post_id, c.strength, dict(c.evidence)) for c in found]


def ranking(store: GraphStore, user: str, s: ExploreSettings) -> list[tuple]:
    return [(p.id, p.trend, p.source, p.reasons) for p in rank(store, user, NOW, s)]


def test_explore_and_the_feed_share_one_list_per_community_and_snapshot(
        any_store: GraphStore, settings: Settings) -> None:
    store = any_store
    build_world(store, settings)
    train_communities(store, TrainSettings())
    short = ExploreSettings(pool=3, fill_with_trending=False)
    # Each computed cold and alone, as before lists were shared: a list of 3 per community.
    explore_module._CACHE.clear()
    alone_short = ranking(store, "me", short)
    explore_module._CACHE.clear()
    alone_feed = feed_candidates(store, "me", 3)
    explore_module._CACHE.clear()
    alone_explore = ranking(store, "me", ExploreSettings())
    assert len(alone_short) == 3 and len(alone_explore) > 3  # the short lists were cut
    for first_explore in (True, False):
        explore_module._CACHE.clear()
        spy = Spy(store)
        if first_explore:
            assert ranking(store, "me", ExploreSettings()) == alone_explore
            assert feed_candidates(store, "me", 3) == alone_feed
            assert ranking(store, "me", short) == alone_short
        else:
            assert feed_candidates(store, "me", 3) == alone_feed
            assert ranking(store, "me", ExploreSettings()) == alone_explore
        # The own and the nearby community in one query; the second caller read its lists.
        assert spy.community_lists() == 1


def test_a_prepared_snapshot_serves_every_member_without_a_trending_query(
        any_store: GraphStore, settings: Settings) -> None:
    store = any_store
    world = build_world(store, settings)
    train_communities(store, TrainSettings())
    explore_module._CACHE.clear()
    members = ["me", "l3", "r1", "r4"]
    cold = {u: explore(store, u, 10, now=NOW) for u in members}
    explore_module._CACHE.clear()
    served = [ExploreSettings(), CommunityTrending().settings]
    prepared = prepare_snapshot(store, NOW + 1, served)
    assert prepared.as_of == NOW - NOW % 300_000 and prepared.communities == 2
    assert prepared.computed == 2
    spy = Spy(store)
    for u in members:
        assert explore(store, u, 10, now=NOW) == cold[u]
        assert feed_candidates(store, u, 40)
    assert spy.trending() == 0
    assert prepare_snapshot(store, NOW, served).computed == 0  # nothing left to compute
    # The next snapshot is prepared ahead, from what the graph holds then.
    world.track_engagements([{"user_id": "r2", "label": "share", "content_id": "r1-2",
                              "score": 100, "time": NOW + 1}])
    later = NOW + 300_000
    assert prepare_snapshot(store, later, served).computed == 2
    spy.names.clear()
    ahead = ranking_at(store, "me", later)
    assert spy.trending() == 0
    explore_module._CACHE.clear()
    assert ranking_at(store, "me", later) == ahead  # the same as computed on demand
    assert ahead != ranking_at(store, "me", NOW)


def test_the_feed_source_ranks_a_community_once_per_snapshot(
        store: GraphStore, world: Ingestor, monkeypatch: pytest.MonkeyPatch) -> None:
    train_communities(store, TrainSettings())
    me, l3 = user_community(store, "me"), user_community(store, "l3")
    assert me is not None and l3 is not None and me.community == l3.community
    interleaved = []
    interleave = explore_module._interleave

    def counted(*args: Any) -> Any:
        interleaved.append(args)
        return interleave(*args)

    monkeypatch.setattr(explore_module, "_interleave", counted)
    mine = feed_candidates(store, "me", 40)
    assert mine and feed_candidates(store, "l3", 40) == mine
    assert len(interleaved) == 1, "the second member gets the community's ranking as it was"
    explore(store, "me", 10, now=NOW)  # Explore's own ranking hides per user: not shared
    assert len(interleaved) == 2


def ranking_at(store: GraphStore, user: str, now: int) -> list[tuple]:
    return [(p.id, p.trend, p.source, p.reasons)
            for p in rank(store, user, now, ExploreSettings())]


def test_nothing_to_prepare_before_communities_are_trained(store: GraphStore,
                                                           world: Ingestor) -> None:
    prepared = prepare_snapshot(store, NOW, [ExploreSettings()])
    assert (prepared.communities, prepared.computed) == (0, 0)
