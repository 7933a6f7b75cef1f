"""The personalized feed and the timeline on tiny graphs with known answers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from engine.errors import NotFound, ValidationError
from engine.events import now_ms
from engine.ingest import Ingestor
from engine.recommend import Candidate, Recommender, RecommendSettings, UserContext
from engine.recommend.counts import backfill_post_counts
from engine.recommend.views import post_views
from engine.settings import Settings
from engine.store import GraphStore
from engine.tuning import FeedWeights

HOUR = 3_600_000
NOW = now_ms()


def post(pid: str, actor: str, tags: Sequence[str], hours_ago: float,
         **extra: Any) -> dict[str, Any]:
    return {"actor": actor, "foreign_id": pid, "tags": list(tags),
            "time": NOW - int(hours_ago * HOUR), "caption": f"{pid} by {actor}", **extra}


def like(user: str, pid: str, score: float = 60, hours_ago: float = 1,
         label: str = "like") -> dict[str, Any]:
    return {"user_id": user, "label": label, "content_id": pid, "score": score,
            "time": NOW - int(hours_ago * HOUR)}


def ids(page: Any) -> list[str]:
    return [i.post.id for i in page.items]


@pytest.fixture
def ingest(store: GraphStore, settings: Settings) -> Ingestor:
    return Ingestor(store, settings)


@pytest.fixture
def rec(store: GraphStore, settings: Settings) -> Recommender:
    return Recommender(store, settings)


def snow_and_beach(ingest: Ingestor) -> None:
    snowy, sunny = ("bob", "erin", "fay"), ("cara", "gus", "hal")
    ingest.upsert_users([{"id": u, "name": u.capitalize()}
                         for u in ("alice", "dan", *snowy, *sunny)])
    # Beach posts are newer: only the interest can put snow first.
    ingest.add_activities(
        [post("old-snow", "dan", ["snow", "winter"], 200)]
        + [post(f"snow{i}", snowy[i], ["snow", "mountains"], 2 + i / 2) for i in range(3)]
        + [post(f"beach{i}", sunny[i], ["beach", "sun"], 0.5 + i / 2) for i in range(3)])
    ingest.track_engagements([like("alice", "old-snow", 80, hours_ago=100)])


def test_snow_lover_gets_snow_above_beach_and_the_reason_names_snow(
        ingest: Ingestor, rec: Recommender) -> None:
    snow_and_beach(ingest)
    page = rec.feed("alice", first=10)
    order = ids(page)
    snow = [order.index(f"snow{i}") for i in range(3)]
    beach = [order.index(f"beach{i}") for i in range(3)]
    assert max(snow) < min(beach), order
    top = page.items[0]
    assert top.post.id.startswith("snow")
    assert "interests" in top.sources
    assert any("#snow" in r for r in top.reasons), top.reasons
    assert "old-snow" not in order  # engaged with: it does not come back


def with_recommend(settings: Settings, **changes: Any) -> Settings:
    return settings.model_copy(update={"recommend": settings.recommend.model_copy(
        update=changes)})


@pytest.mark.parametrize("user_side_history", [0, 500])  # per candidate / the user's side
def test_seen_own_and_removed_posts_never_appear(store: GraphStore, settings: Settings,
                                                 ingest: Ingestor,
                                                 user_side_history: int) -> None:
    rec = Recommender(store, with_recommend(settings, user_side_history=user_side_history))
    snow_and_beach(ingest)
    ingest.add_activities([post("alice-own", "alice", ["snow"], 1),
                           post("snow-removed", "bob", ["snow"], 1)])
    ingest.remove_activities(["snow-removed"])
    ingest.track_impressions([{"user_id": "alice", "content_list": ["snow0", "beach1"],
                               "time": NOW - HOUR}])
    order = ids(rec.feed("alice", first=50))
    assert order, "the feed still has the unseen posts"
    for gone in ("alice-own", "snow-removed", "snow0", "beach1", "old-snow"):
        assert gone not in order


def test_both_reads_of_what_the_user_saw_agree_at_any_as_of(
        store: GraphStore, settings: Settings, ingest: Ingestor) -> None:
    snow_and_beach(ingest)
    ingest.track_impressions([{"user_id": "alice", "content_list": ["snow0", "beach1"],
                               "time": NOW - 3 * HOUR}])
    ingest.track_impressions([{"user_id": "alice", "content_list": ["snow1", "snow0"],
                               "time": NOW - HOUR}])
    ingest.track_engagements([like("alice", "beach2", hours_ago=2)])
    every = ["old-snow", *(f"snow{i}" for i in range(3)), *(f"beach{i}" for i in range(3))]
    states = []
    for history in (0, 500):
        rec = Recommender(store, with_recommend(settings, user_side_history=history))
        for as_of in (NOW - 150 * HOUR, NOW - 2 * HOUR, NOW):
            ctx = rec.ranker.context("alice", as_of)
            assert rec.ranker.user_side(ctx) == (history == 500)
            state = rec.ranker.candidate_state(ctx, every, removal=False)
            states.append({i: (bool(r["seen"]), bool(r["engaged"])) for i, r in state.items()})
    assert states[:3] == states[3:]
    assert states[1] == {"old-snow": (False, True), "snow0": (True, False),
                         "beach1": (True, False), "beach2": (False, True)}
    assert states[2]["snow0"] == (True, False) and states[2]["snow1"] == (True, False)


def test_a_post_removed_after_a_kept_list_proposed_it_is_dropped_as_if_never_proposed(
        store: GraphStore, settings: Settings, ingest: Ingestor) -> None:
    snow_and_beach(ingest)
    rec = Recommender(store, settings)  # the user's side, with the lists kept a minute
    before = ids(rec.feed("alice", first=10))
    assert before[0].startswith("snow")
    ingest.remove_activities([before[0]])
    ctx = rec.ranker.context("alice", now_ms())
    proposed = rec.ranker.candidates(ctx, rec.ranker.settings.per_source)
    assert before[0] in proposed  # a snapshot list still holds it
    after = ids(rec.feed("alice", first=10))
    # what a ranking that reads removal per candidate shows (it never scores the post)
    fresh = Recommender(store, with_recommend(settings, user_side_history=0))
    assert after == ids(fresh.feed("alice", first=10))
    assert set(after) == set(before) - {before[0]}


def test_followees_posts_and_social_proof_reasons(ingest: Ingestor, rec: Recommender) -> None:
    ingest.upsert_users([{"id": u, "name": u.capitalize()}
                         for u in ("me", "ana", "bo", "cy", "di", "ed", "star")])
    for f in ("ana", "bo", "cy", "di", "ed"):
        ingest.follow("me", f)
    ingest.add_activities([post("by-ana", "ana", ["cats"], 1),
                           post("viral", "star", ["dogs"], 2),
                           post("ignored", "star", ["dogs"], 2)])
    ingest.track_engagements([like(f, "viral", 70) for f in ("ana", "bo", "cy", "di", "ed")])
    page = rec.feed("me", first=10)
    items = {i.post.id: i for i in page.items}
    assert "followees" in items["by-ana"].sources
    assert "from Ana, who you follow" in items["by-ana"].reasons
    viral = items["viral"]
    assert "followee_engaged" in viral.sources
    assert viral.reasons[0] == "liked by Ana, Bo and 3 others you follow"
    assert ids(page).index("viral") < ids(page).index("ignored")


def test_feed_pages_never_repeat_or_skip(ingest: Ingestor, rec: Recommender) -> None:
    ingest.upsert_users([{"id": f"u{i}"} for i in range(8)])
    for f in range(1, 8):
        ingest.follow("u0", f"u{f}")
    ingest.add_activities([post(f"p{i}", f"u{1 + i % 7}", [f"t{i % 5}"], i * 0.5)
                           for i in range(40)])
    ingest.track_engagements([like(f"u{1 + i % 7}", f"p{(i * 3) % 40}", 30 + i)
                              for i in range(30)])
    whole = ids(rec.feed("u0", first=100))
    assert len(whole) >= 30
    walked: list[str] = []
    after = None
    for _ in range(50):
        page = rec.feed("u0", first=7, after=after)
        walked += ids(page)
        if not page.has_next:
            break
        after = page.end_cursor
    assert len(walked) == len(set(walked)), "a post came back on a later page"
    assert walked == whole, "paging skipped or reordered posts"


def test_posts_removed_while_the_user_scrolls_leave_later_pages_alike_for_either_read(
        store: GraphStore, settings: Settings, ingest: Ingestor) -> None:
    snow_and_beach(ingest)
    ingest.add_activities([post(f"more{i}", "bob", ["snow"], 0.2 * i + 0.1) for i in range(8)])
    # the user's side (removal checked on the picks) and per candidate (removal read first)
    users_side, per_candidate = (
        Recommender(store, with_recommend(settings, user_side_history=h)) for h in (500, 0))
    first = users_side.feed("alice", first=4)
    whole = ids(users_side.feed("alice", first=100))
    gone = [ids(first)[0], whole[5]]  # one served already, one not yet
    ingest.remove_activities(gone)

    def walk(rec: Recommender) -> list[list[str]]:
        walked, after = [], first.end_cursor
        while after:
            page = rec.feed("alice", first=4, after=after)
            walked.append(ids(page))
            after = page.end_cursor if page.has_next else None
        return walked

    later = walk(users_side)
    assert later == walk(per_candidate)
    shown = [i for page in later for i in page]
    assert set(shown) == set(whole) - set(ids(first)) - {gone[1]}


def test_feed_pages_stay_stable_while_the_user_scrolls(ingest: Ingestor,
                                                        rec: Recommender) -> None:
    snow_and_beach(ingest)
    ingest.add_activities([post(f"more{i}", "bob", ["snow"], 0.2 * i + 0.1) for i in range(8)])
    whole = ids(rec.feed("alice", first=100))
    first = rec.feed("alice", first=4)
    assert ids(first) == whole[:4]
    # Meanwhile: the page is shown, liked, a new post arrives, someone else engages.
    ingest.track_impressions([{"user_id": "alice", "content_list": ids(first)}])
    later = now_ms()
    ingest.track_engagements([{**like("alice", ids(first)[0], 90), "time": later},
                              {**like("dan", whole[-1], 100), "time": later}])
    ingest.add_activity({**post("brand-new", "bob", ["snow"], 0), "time": now_ms()})
    rest: list[str] = []
    after = first.end_cursor
    while after:
        page = rec.feed("alice", first=4, after=after)
        rest += ids(page)
        after = page.end_cursor if page.has_next else None
    assert ids(first) + rest == whole
    # Alice does not follow bob: only the interest scan finds his post, and every user of a
    # snapshot (RecommendSettings.snapshot_seconds) shares that scan. The next one has it.
    next_snapshot = Recommender(rec.store, rec.settings,
                                clock=lambda: now_ms() + rec.config.snapshot_seconds
                                * 1000)
    assert "brand-new" in ids(next_snapshot.feed("alice", first=100)), \
        "a feed of the next snapshot sees the new post"


def test_trending_and_interest_scans_are_read_once_per_snapshot(
        ingest: Ingestor, store: GraphStore, settings: Settings,
        monkeypatch: pytest.MonkeyPatch) -> None:
    snow_and_beach(ingest)
    ingest.track_engagements([like("dan", "snow0", 70)])
    clock = [NOW]
    rec = Recommender(store, settings, clock=lambda: clock[0])
    names: list[str] = []
    read = store.read

    def spy(name: str, **params: Any) -> Any:
        names.append(name)
        return read(name, **params)

    monkeypatch.setattr(store, "read", spy)
    shared = ("recommend/find_trending", "recommend/list_tagged_posts")
    alone = ids(rec.feed("alice", first=10))
    rec.feed("dan", first=10)
    assert [names.count(n) for n in shared] == [1, 1], "two users of one snapshot share them"
    assert ids(rec.feed("alice", first=10)) == alone, "the shared lists serve the same feed"
    clock[0] += rec.config.snapshot_seconds * 1000
    rec.feed("alice", first=10)
    assert [names.count(n) for n in shared] == [2, 2], "the next snapshot reads them again"


def test_timeline_walks_followees_posts_newest_first(ingest: Ingestor,
                                                     rec: Recommender) -> None:
    ingest.upsert_users([{"id": u} for u in ("me", "a", "b", "stranger")])
    ingest.follow("me", "a")
    ingest.follow("me", "b")
    rows = [post(f"a{i}", "a", [], i // 3) for i in range(12)]  # ties on created_at
    rows += [post(f"b{i}", "b", [], i + 0.5) for i in range(8)]
    rows += [post("s0", "stranger", [], 0), post("gone", "a", [], 0)]
    ingest.add_activities(rows)
    ingest.remove_activities(["gone"])
    expected = sorted((r for r in rows if r["actor"] in ("a", "b") and r["foreign_id"] != "gone"),
                      key=lambda r: (r["time"], r["foreign_id"]), reverse=True)
    walked, after = [], None
    for _ in range(20):
        page = rec.timeline("me", first=3, after=after)
        walked += ids(page)
        assert all(i.sources == ("followees",) for i in page.items)
        if not page.has_next:
            break
        after = page.end_cursor
    assert walked == [r["foreign_id"] for r in expected]
    assert rec.timeline("stranger").items == ()


def test_cold_start_gets_popular_posts_diversified(ingest: Ingestor, rec: Recommender) -> None:
    ingest.upsert_users([{"id": u} for u in ("newbie", "celeb", "x", "y", "z")])
    ingest.add_activities([post(f"c{i}", "celeb", ["fame"], 1 + i) for i in range(6)]
                          + [post("x0", "x", ["art"], 2), post("y0", "y", ["food"], 2)])
    ingest.track_engagements([like(f, f"c{i}", 50) for i in range(6) for f in ("x", "y", "z")]
                             + [like("z", "x0", 50), like("z", "y0", 50)])
    page = rec.feed("newbie", first=5)
    order = ids(page)
    assert len(order) == 5
    assert set(order) & {"x0", "y0"} == {"x0", "y0"}, "the author cap lets others in"
    assert sum(o.startswith("c") for o in order) <= 3
    assert all("popular" in i.sources for i in page.items)
    assert all(i.reasons for i in page.items)


def test_bad_arguments_and_cursors_are_refused(ingest: Ingestor, rec: Recommender) -> None:
    snow_and_beach(ingest)
    for first in (0, 101, -1, True, 2.5, "3"):
        with pytest.raises(ValidationError):
            rec.feed("alice", first=first)  # type: ignore[arg-type]
        with pytest.raises(ValidationError):
            rec.timeline("alice", first=first)  # type: ignore[arg-type]
    with pytest.raises(NotFound):
        rec.feed("nobody")
    with pytest.raises(NotFound):
        rec.timeline("nobody")
    page = rec.feed("alice", first=2)
    assert page.has_next and page.end_cursor
    cursor = page.end_cursor
    flipped = cursor[:10] + ("A" if cursor[10] != "A" else "B") + cursor[11:]
    for bad in (flipped, cursor[:-3], "not-a-cursor", "", cursor + "AAAA"):
        with pytest.raises(ValidationError):
            rec.feed("alice", first=2, after=bad)
    with pytest.raises(ValidationError):
        rec.feed("bob", first=2, after=cursor)  # another user's cursor
    with pytest.raises(ValidationError):
        rec.timeline("alice", first=2, after=cursor)  # a feed cursor on the timeline


def test_a_plugged_in_source_feeds_its_own_feature(ingest: Ingestor, store: GraphStore,
                                                   settings: Settings) -> None:
    snow_and_beach(ingest)

    class Pinned:
        name = "pinned"
        feature = "pinned"

        def applies(self, ctx: UserContext) -> bool:
            return True

        def fetch(self, store: GraphStore, ctx: UserContext, settings: RecommendSettings,
                  limit: int) -> list[Candidate]:
            return [Candidate("beach2", self.name, 1.0)]

    config = RecommendSettings(weights=FeedWeights(extra={"pinned": 5.0}))
    rec = Recommender(store, settings, recommend=config)
    rec.sources.register(Pinned())
    top = rec.feed("alice", first=3).items[0]
    assert top.post.id == "beach2"
    assert "pinned" in top.sources
    with pytest.raises(ValueError):
        rec.sources.register(Pinned())



def test_engagement_counts_read_the_same_with_and_without_the_counters(
        ingest: Ingestor, store: GraphStore, settings: Settings) -> None:
    """Ingestion keeps counters beside each post; a graph written before them (no
    PostCounts) is counted live and ranks the same, and the backfill writes them."""
    rec = Recommender(store, settings, clock=lambda: NOW)  # one clock: equal scores
    ingest.upsert_users([{"id": u} for u in ("newbie", "celeb", "x", "y", "z")])
    ingest.add_activities([post(f"c{i}", "celeb", ["fame"], 1 + i) for i in range(4)])
    ingest.track_engagements([like(f, f"c{i}", 50) for i in range(4) for f in ("x", "y", "z")[:i]]
                             + [like("x", "c3", 30, label="click")])
    ctx = rec.ranker.context("newbie", NOW)
    posts = [f"c{i}" for i in range(4)]

    def counts() -> tuple[dict[str, int], list[tuple[str, int, int]], list[tuple[str, float]]]:
        facts = {k: f.engagers for k, f in rec.ranker.facts(ctx, posts).items()}
        views = sorted((p.id, p.likes, p.engagements) for p in post_views(store, posts).values())
        return facts, views, [(i.post.id, i.score) for i in rec.feed("newbie", 4).items]

    kept = counts()
    assert kept[0] == {"c0": 0, "c1": 1, "c2": 2, "c3": 3}
    assert kept[1] == [("c0", 0, 0), ("c1", 1, 1), ("c2", 2, 2), ("c3", 3, 4)]
    store.execute("MATCH (n:PostCounts) DETACH DELETE n", {}, write=True)  # an older graph
    assert counts() == kept
    assert backfill_post_counts(store, batch=3) == 4
    assert backfill_post_counts(store, batch=3) == 0
    assert counts() == kept
