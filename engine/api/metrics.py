"""Prometheus metrics at ``/metrics``: requests and latency per operation.

The ``operation`` label is the operation's root field(s) (``feed``,
``trackEngagement``, ``feed+user``…): bounded by the schema, never the
client-chosen operation name. Requests rejected before GraphQL parsing get
``invalid``. Each server has its own registry (tests run several in one process).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.core import CounterMetricFamily
from prometheus_client.registry import Collector

# Seconds; dense around the targets (feed p99 150 ms, suggestions p99 80 ms).
BUCKETS = (0.002, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.15, 0.2, 0.3, 0.5, 1.0, 2.5, 5.0,
           10.0)
CONTENT_TYPE = CONTENT_TYPE_LATEST


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "graphfeed_api_requests", "GraphQL requests by operation and outcome "
            "(ok, error: GraphQL errors in the result, internal: a masked unexpected error, "
            "or the HTTP rejection: unauthenticated, too_large, bad_request).",
            ["operation", "outcome"], registry=self.registry)
        self.latency = Histogram(
            "graphfeed_api_request_duration_seconds",
            "Time from receiving a GraphQL request to its response, by operation.",
            ["operation"], buckets=BUCKETS, registry=self.registry)
        self.store_threads = Gauge(
            "graphfeed_api_store_threads_busy",
            "Worker threads running store or engine calls right now.", registry=self.registry)

        self.explore_snapshot = Gauge(
            "graphfeed_api_explore_snapshot_ms",
            "Start (epoch ms) of the latest Explore snapshot whose per-community lists the "
            "server computed ahead.", registry=self.registry)
        self.explore_prepared = Counter(
            "graphfeed_api_explore_snapshots_prepared",
            "Explore snapshots whose per-community lists the server computed ahead.",
            registry=self.registry)
        self.explore_prepare_seconds = Gauge(
            "graphfeed_api_explore_prepare_seconds",
            "How long computing the latest snapshot's lists took.", registry=self.registry)

    def snapshot_prepared(self, as_of: int, seconds: float) -> None:
        self.explore_snapshot.set(as_of)
        self.explore_prepare_seconds.set(seconds)
        self.explore_prepared.inc()

    def observe(self, operation: str, outcome: str, seconds: float) -> None:
        self.requests.labels(operation, outcome).inc()
        self.latency.labels(operation).observe(seconds)

    def track_threads(self, busy: Callable[[], float]) -> None:
        self.store_threads.set_function(busy)

    def track_post_facts(self, counts: Callable[[], tuple[int, int]]) -> None:
        """``counts()``: (hits, misses) of the feed's kept post facts so far."""
        self.registry.register(_PostFacts(counts))

    def render(self) -> bytes:
        return generate_latest(self.registry)


class _PostFacts(Collector):
    """The feed's kept post facts (engine/recommend/postfacts.py), read when scraped: a hit
    rate far below ~80% under load means the TTL or the size is too small for the traffic."""

    def __init__(self, counts: Callable[[], tuple[int, int]]) -> None:
        self.counts = counts

    def collect(self) -> Iterator[CounterMetricFamily]:
        hits, misses = self.counts()
        family = CounterMetricFamily(
            "graphfeed_feed_post_facts", "Candidate post facts the feed found kept (hit) or "
            "read from the database (miss).", labels=["result"])
        family.add_metric(["hit"], hits)
        family.add_metric(["miss"], misses)
        yield family
