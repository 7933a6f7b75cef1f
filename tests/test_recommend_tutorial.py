"""The seed tutorial of a hosted personalization API, end to end on the embedded graph.

Insert three activities, john clicks picture:2 (score 15, position 2), analyze
picture:2's features, john follows conner3400, read john's personalized feed,
read his follow suggestions.
"""

from __future__ import annotations

from engine.events import now_ms
from engine.ingest import Ingestor
from engine.recommend import Recommender
from engine.settings import Settings
from engine.store import GraphStore

HOUR = 3_600_000


def test_the_seed_tutorial_flow(store: GraphStore, settings: Settings) -> None:
    ingest = Ingestor(store, settings)
    rec = Recommender(store, settings)
    t = now_ms() - HOUR
    ingest.add_activities([
        {"actor": "conner3400", "verb": "pin", "object": "picture:1", "foreign_id": "picture:1",
         "tags": ["tree", "snow", "winter", "landscape"], "time": t},
        {"actor": "conner3400", "verb": "pin", "object": "picture:2", "foreign_id": "picture:2",
         "tags": ["beach", "van", "surfing", "travel"], "time": t + 1},
        {"actor": "thierry", "verb": "pin", "object": "picture:3", "foreign_id": "picture:3",
         "tags": ["dog", "puppy", "running", "labrador"], "time": t + 2},
    ])
    ingest.upsert_users([{"id": "john", "name": "John"}])
    accepted = ingest.track_engagement({
        "user_id": "john", "label": "click", "content": {"foreign_id": "picture:2"},
        "score": 15, "position": 2, "feed_id": "user:thierry"})
    assert accepted.accepted == 1

    analysis = rec.analyze_features("picture:2")
    assert analysis.post.author_id == "conner3400"
    assert analysis.tags == ("beach", "surfing", "travel", "van")
    assert analysis.author.user.id == "conner3400" and analysis.author.user.posts == 2
    assert analysis.author.engagements == 1
    assert analysis.author.mean_engagements_per_post == 0.5
    assert analysis.engagement.total == 1 and analysis.engagement.users == 1
    (click,) = analysis.engagement.by_label
    assert (click.label, click.count, click.mean_score) == ("click", 1, 15.0)
    assert [b.count for b in analysis.engagement.score_histogram] == [1, 0, 0, 0, 0]
    assert analysis.audience.users == 1
    assert {t.tag for t in analysis.audience.top_tags} == {"beach", "van", "surfing", "travel"}
    assert analysis.audience.communities == ()
    assert analysis.for_user is None

    ingest.follow("john", "conner3400")

    feed = rec.feed("john")
    ids = [i.post.id for i in feed.items]
    assert ids[0] == "picture:1", "the followee's post comes first"
    assert "picture:2" not in ids, "john already clicked it"
    first = feed.items[0]
    assert "followees" in first.sources
    assert "from conner3400, who you follow" in first.reasons
    assert ids == ["picture:1", "picture:3"], "thierry's fresh post keeps the feed going"
    assert feed.has_next is False

    suggestions = rec.follow_suggestions("john")
    assert [s.user.id for s in suggestions] == ["thierry"]
    assert "conner3400" not in [s.user.id for s in suggestions]
    assert suggestions[0].sources == ("popular",)

    why = rec.analyze_features("picture:1", for_user="john")
    assert why.for_user is not None
    names = [c.name for c in why.for_user.contributions]
    assert names[:2] == ["author_affinity", "followee_post"]
    assert why.for_user.excluded_because == ()
    assert abs(sum(c.contribution for c in why.for_user.contributions)
               - why.for_user.score) < 1e-5
