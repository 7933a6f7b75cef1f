"""Feature analysis and interest profiles on tiny graphs with known answers."""

from __future__ import annotations

import math

import pytest

from engine.errors import NotFound, ValidationError
from engine.events import now_ms
from engine.ingest import Ingestor, decay_rate
from engine.recommend import Recommender
from engine.settings import Settings
from engine.store import GraphStore

HOUR = 3_600_000
DAY = 24 * HOUR


@pytest.fixture
def world(store: GraphStore, settings: Settings) -> Recommender:
    ingest = Ingestor(store, settings)
    t = now_ms() - 2 * HOUR
    ingest.upsert_users([{"id": u, "name": u.capitalize()}
                         for u in ("ana", "bo", "cy", "me", "author")])
    ingest.add_activities([
        {"actor": "author", "foreign_id": "p", "tags": ["snow", "ski"], "time": t},
        {"actor": "author", "foreign_id": "twin", "tags": ["snow", "ski"], "time": t},
        {"actor": "author", "foreign_id": "cousin", "tags": ["snow", "beach"], "time": t},
        {"actor": "bo", "foreign_id": "co", "tags": ["cats"], "time": t},
        {"actor": "bo", "foreign_id": "lonely", "tags": ["dogs"], "time": t},
    ])
    rows = [("ana", "p", "like", 50), ("ana", "p", "share", 90), ("bo", "p", "like", 70),
            ("cy", "p", "view", 5), ("ana", "co", "like", 50), ("bo", "co", "like", 50),
            ("cy", "lonely", "like", 10)]
    ingest.track_engagements([{"user_id": u, "content_id": c, "label": lab, "score": s,
                               "time": t + HOUR} for u, c, lab, s in rows])
    ingest.follow("me", "ana")
    ingest.follow("me", "bo")
    return Recommender(store, settings)


def test_engagement_breakdown_and_author_stats(world: Recommender) -> None:
    a = world.analyze_features("p")
    e = a.engagement
    assert (e.total, e.users) == (4, 3)
    assert [(x.label, x.count, x.users) for x in e.by_label] == [
        ("like", 2, 2), ("share", 1, 1), ("view", 1, 1)]
    assert e.mean_score == pytest.approx((50 + 90 + 70 + 5) / 4)
    assert [b.count for b in e.score_histogram] == [1, 0, 1, 1, 1]
    assert a.author.user.id == "author" and a.author.user.posts == 3
    assert a.author.engagements == 4 and a.author.mean_engagements_per_post == pytest.approx(4 / 3)
    assert a.post.likes == 2 and a.post.engagements == 4


def test_audience_and_similar_posts(world: Recommender, store: GraphStore) -> None:
    a = world.analyze_features("p")
    assert a.audience.users == 3
    top = {t.tag: t.users for t in a.audience.top_tags}
    assert top["snow"] == 3 and top["cats"] == 2  # ana and bo also like a cats post
    assert a.audience.communities == ()
    similar = [s.post.id for s in a.similar]
    assert similar[0] == "twin"  # same tags
    assert "co" in similar and "cousin" in similar
    co = next(s for s in a.similar if s.post.id == "co")
    assert co.co_engagers == 2 and co.shared_tags == ()
    assert "lonely" in similar  # cy engaged with both
    # Communities appear once `train` wrote them.
    store.execute("MATCH (u:User) WHERE u.id IN ['ana', 'bo'] SET u.community = 7", {},
                  write=True)
    store.execute("MATCH (u:User {id: 'cy'}) SET u.community = 2", {}, write=True)
    shares = world.analyze_features("p").audience.communities
    assert [(c.community, c.users) for c in shares] == [(7, 2), (2, 1)]
    assert shares[0].share == pytest.approx(2 / 3)


def test_why_am_i_seeing_this(world: Recommender) -> None:
    fit = world.analyze_features("p", for_user="me").for_user
    assert fit is not None and fit.user_id == "me"
    by_name = {c.name: c for c in fit.contributions}
    assert by_name["social_proof"].value == pytest.approx(1 - math.exp(-(0.9 + 0.7)), abs=1e-6)
    assert fit.contributions[0].name == "social_proof"
    assert all(c.contribution == pytest.approx(c.value * c.weight, abs=1e-5)
               for c in fit.contributions)
    assert fit.score == pytest.approx(sum(c.contribution for c in fit.contributions), abs=1e-5)
    assert "followee_engaged" in fit.sources
    assert fit.reasons[0] == "liked by Ana and Bo you follow"  # strongest engagement first
    assert fit.excluded_because == ()
    own = world.analyze_features("co", for_user="bo").for_user
    assert own is not None and own.excluded_because == ("your own post", "already engaged with")


def test_unknown_posts_and_users(world: Recommender) -> None:
    with pytest.raises(NotFound):
        world.analyze_features("nope")
    with pytest.raises(NotFound):
        world.analyze_features("p", for_user="nobody")
    with pytest.raises(ValidationError):
        world.analyze_features("")
    with pytest.raises(NotFound):
        world.interest_profile("nobody")


def test_interest_profile_decays_like_the_ingestor(store: GraphStore, settings: Settings) -> None:
    ingest = Ingestor(store, settings)
    now = now_ms()
    ingest.upsert_users([{"id": "me"}, {"id": "a"}, {"id": "b"}])
    ingest.add_activities([
        {"actor": "a", "foreign_id": "s1", "tags": ["snow"], "time": now - 20 * DAY},
        {"actor": "b", "foreign_id": "b1", "tags": ["beach", "snow"], "time": now - 20 * DAY},
    ])
    ingest.track_engagements([
        {"user_id": "me", "label": "like", "content_id": "s1", "score": 100,
         "time": now - 10 * DAY},
        {"user_id": "me", "label": "like", "content_id": "b1", "score": 40, "time": now - DAY},
        {"user_id": "me", "label": "view", "content_id": "s1", "score": 10, "time": now - DAY},
    ])
    profile = Recommender(store, settings).interest_profile("me")
    k = decay_rate(settings.interest_half_life_days)
    age = profile.as_of - now

    def w(days: float, score: float) -> float:
        return score / 100 * math.exp(-k * (days * DAY + age))

    got = {t.tag: t.weight for t in profile.tags}
    assert got["snow"] == pytest.approx(w(10, 100) + w(1, 40) + w(1, 10), rel=1e-6)
    assert got["beach"] == pytest.approx(w(1, 40), rel=1e-6)
    assert [t.tag for t in profile.tags] == ["snow", "beach"]
    assert [(x.user.id, x.engagements) for x in profile.authors] == [("a", 2), ("b", 1)]
    assert profile.authors[0].affinity == pytest.approx(w(10, 100) + w(1, 10), rel=1e-6)
