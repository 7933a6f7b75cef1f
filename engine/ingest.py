"""Writing raw events: activities, follows, engagements, impressions.

Every batch is validated as a whole first (the first bad row rejects it and
nothing is written), then written by one ``UNWIND $rows AS row`` statement,
which each database runs as one transaction.

Interest profile: every new engagement moves the user's ``INTERESTED_IN``
weight on each tag of the post, at once, in the same statement::

    weight(t) = sum over engagements e on posts tagged t of
                score_e / 100 * 2 ** (-(t - at_e) / half_life)

stored as the weight at ``updated_at`` (the newest engagement seen) so an update
is O(1): ``w <- w * 2**(-(new - old)/h) + score/100 * 2**(-(new - at)/h)``; late
events simply arrive already decayed. ``half_life`` is
``GRAPHFEED_INTEREST_HALF_LIFE_DAYS``. Readers decay to "now" themselves.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from engine.errors import NotFound, ValidationError
from engine.events import (
    ActivityIn,
    EngagementIn,
    FollowIn,
    IdIn,
    ImpressionIn,
    UserIn,
    now_ms,
    parse_batch,
)
from engine.settings import Settings, get_settings
from engine.store import GraphStore

MS_PER_DAY = 86_400_000


def decay_rate(half_life_days: float) -> float:
    """Per-millisecond exponential rate for a half-life in days."""
    return math.log(2) / (half_life_days * MS_PER_DAY)


@dataclass(frozen=True)
class EngagementResult:
    accepted: int
    duplicates: int


class Ingestor:
    """Validates and writes raw events to the graph."""

    def __init__(self, store: GraphStore, settings: Settings | None = None, *,
                 on_posts_written: Callable[[list[str]], None] | None = None) -> None:
        """``on_posts_written(ids)``: told after posts are created or edited (a recommender
        in the same process forgets what it kept of them)."""
        self.store = store
        self.settings = settings or get_settings()
        self.on_posts_written = on_posts_written
        self._decay = decay_rate(self.settings.interest_half_life_days)

    # -- users ------------------------------------------------------------------
    def upsert_users(self, rows: Sequence[Any]) -> int:
        users = self._parse(UserIn, rows, "users")
        latest = {u.id: u for u in users}  # a batch may name a user twice: last wins
        payload = [u.model_dump() for u in latest.values()]
        self.store.write("ingest/upsert_users", rows=payload, now=now_ms())
        return len(payload)

    # -- activities -------------------------------------------------------------
    def add_activities(self, rows: Sequence[Any]) -> int:
        activities = self._parse(ActivityIn, rows, "activities")
        latest = {a.foreign_id: a for a in activities}
        self.store.write("ingest/upsert_posts", rows=[a.row() for a in latest.values()])
        if self.on_posts_written is not None:
            self.on_posts_written(list(latest))
        return len(latest)

    def add_activity(self, activity: Any) -> int:
        return self.add_activities([activity])

    def remove_activities(self, foreign_ids: Sequence[str]) -> int:
        """Mark posts removed (their engagements are raw events and stay); returns how many."""
        ids = self._ids(foreign_ids, "foreign_ids")
        missing = self._missing_posts(ids)
        if missing:
            raise NotFound(f"no activity with foreign_id {_list(missing)}", ids=missing)
        rows = self.store.write("ingest/remove_posts", ids=ids, now=now_ms())
        return int(rows[0]["removed"]) if rows else 0

    # -- follows ----------------------------------------------------------------
    def follow_many(self, rows: Sequence[Any]) -> int:
        follows = self._parse(FollowIn, rows, "follows")
        self._require_users({f.source for f in follows} | {f.target for f in follows})
        unique = {(f.source, f.target): f for f in follows}
        payload = [{"source": f.source, "target": f.target, "at": f.time} for f in unique.values()]
        self.store.write("ingest/create_follows", rows=payload)
        return len(payload)

    def follow(self, source: str, target: str, time: Any = None) -> int:
        return self.follow_many([{"source": source, "target": target, "time": time}])

    def unfollow_many(self, rows: Sequence[Any]) -> int:
        follows = self._parse(FollowIn, rows, "unfollows")
        self._require_users({f.source for f in follows} | {f.target for f in follows})
        payload = [{"source": f.source, "target": f.target} for f in follows]
        result = self.store.write("ingest/delete_follows", rows=payload)
        return int(result[0]["unfollowed"]) if result else 0

    def unfollow(self, source: str, target: str) -> int:
        return self.unfollow_many([{"source": source, "target": target}])

    # -- engagements ------------------------------------------------------------
    def track_engagements(self, rows: Sequence[Any]) -> EngagementResult:
        engagements = self._parse(EngagementIn, rows, "engagements")
        # An engagement id is counted once, whether repeated in the batch or seen before.
        unique = list({e.id: e for e in reversed(engagements)}.values())[::-1]
        conflicts = self.store.read("ingest/find_engagement_conflicts",
                                    post_ids=sorted({e.content_id for e in engagements}),
                                    ids=[e.id for e in unique])
        missing = [r["id"] for r in conflicts if r["kind"] == "missing_post"]
        if missing:
            raise NotFound(f"engagements name unknown content {_list(missing)}", ids=missing)
        known = {r["id"] for r in conflicts if r["kind"] == "known"}
        fresh = [e for e in unique if e.id not in known]
        if fresh:
            singles, rows = self._engagement_rows(fresh)
            self.store.write("ingest/create_engagements", singles=singles, rows=rows,
                             decay=self._decay)
        return EngagementResult(accepted=len(fresh), duplicates=len(engagements) - len(fresh))

    def _engagement_rows(
        self, engagements: list[EngagementIn]
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """Rows for create_engagements: (users with one engagement here, the rest).

        A user's rows carry their interest weight decayed to the user's newest
        engagement in the batch, so the statement can add a user's weights on a tag
        with sum(). The users with a single engagement need no grouping at all.
        """
        as_of: dict[str, int] = {}
        count: dict[str, int] = {}
        for e in engagements:
            count[e.user_id] = count.get(e.user_id, 0) + 1
            if e.time > as_of.get(e.user_id, -1):
                as_of[e.user_id] = e.time
        singles: list[dict[str, Any]] = []
        rows: list[dict[str, Any]] = []
        for e in engagements:
            row = e.row()
            row["as_of"] = newest = as_of[e.user_id]
            row["weight"] = e.score / 100.0 * math.exp(self._decay * (e.time - newest))
            (singles if count[e.user_id] == 1 else rows).append(row)
        return singles, rows

    def track_engagement(self, engagement: Any) -> EngagementResult:
        return self.track_engagements([engagement])

    # -- impressions ------------------------------------------------------------
    def track_impressions(self, rows: Sequence[Any]) -> int:
        impressions = self._parse(ImpressionIn, rows, "impressions")
        views = [
            (imp, post_id, None if imp.position is None else imp.position + offset)
            for imp in impressions
            for offset, post_id in enumerate(imp.content_list)
        ]
        # One row per (user, post): a MERGE does not see rows merged earlier in the
        # same statement, so repeated views are counted here instead.
        merged: dict[tuple[str, str], dict[str, Any]] = {}
        for imp, post_id, position in views:
            row = merged.setdefault((imp.user_id, post_id), {
                "user_id": imp.user_id, "post_id": post_id, "n": 0, "at": imp.time,
                "feed_id": imp.feed_id, "position": position})
            row["n"] += 1
            if imp.time >= row["at"]:
                row.update(at=imp.time, feed_id=imp.feed_id, position=position)
        flat = list(merged.values())
        if len(views) > self.settings.max_batch:
            raise ValidationError(
                f"impressions: {len(views)} post views is more than the batch limit of "
                f"{self.settings.max_batch}; split it", limit=self.settings.max_batch)
        missing = self._missing_posts(sorted({r["post_id"] for r in flat}))
        if missing:
            raise NotFound(f"impressions name unknown content {_list(missing)}", ids=missing)
        self.store.write("ingest/upsert_impressions", rows=flat)
        return len(views)

    # -- helpers ----------------------------------------------------------------
    def _parse(self, model: Any, rows: Sequence[Any], what: str) -> list[Any]:
        return parse_batch(model, rows, max_batch=self.settings.max_batch, what=what)

    def _ids(self, ids: Iterable[Any], what: str) -> list[str]:
        if isinstance(ids, str | bytes) or not isinstance(ids, Iterable):
            raise ValidationError(f"{what} must be a list of ids")
        parsed = parse_batch(IdIn, [{"id": i} for i in ids],
                             max_batch=self.settings.max_batch, what=what)
        return list(dict.fromkeys(r.id for r in parsed))

    def _missing_posts(self, ids: list[str]) -> list[str]:
        return [r["id"] for r in self.store.read("ingest/find_missing_posts", ids=ids)]

    def _require_users(self, ids: set[str]) -> None:
        missing = [r["id"] for r in self.store.read("ingest/find_missing_users", ids=sorted(ids))]
        if missing:
            raise NotFound(f"unknown user {_list(missing)}", ids=missing)


def _list(ids: list[str], shown: int = 5) -> str:
    head = ", ".join(repr(i) for i in ids[:shown])
    return head + (f" and {len(ids) - shown} more" if len(ids) > shown else "")
