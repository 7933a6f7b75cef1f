"""What resolvers reach through ``info.context``: app-wide services and per-request state.

The store and the engine are synchronous (redis / Bolt clients). Every call to
them goes through :meth:`Services.run`, which runs it in a worker thread
bounded by a capacity limiter, so one slow query never blocks the event loop
and the number of concurrent database calls stays bounded.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import anyio
import anyio.to_thread

from engine.api.auth import Principal
from engine.api.settings import ApiSettings
from engine.ingest import Ingestor
from engine.learn.predict import LikeModels
from engine.recommend import Recommender
from engine.settings import Settings
from engine.store import GraphStore

T = TypeVar("T")


@dataclass
class Services:
    """Shared by every request; bound to a store when the server starts (``bind``)."""

    settings: Settings
    api: ApiSettings
    store: GraphStore = field(init=False)
    ingestor: Ingestor = field(init=False)
    recommender: Recommender = field(init=False)
    likes: LikeModels = field(init=False)
    limiter: anyio.CapacityLimiter | None = None
    heavy_limiter: anyio.CapacityLimiter | None = None

    def bind(self, store: GraphStore) -> None:
        self.store = store
        self.recommender = Recommender(store, self.settings)
        self.ingestor = Ingestor(store, self.settings,
                                 on_posts_written=self.recommender.forget_posts)
        self.likes = LikeModels(self.settings.model_dir / "likes", self.api.likes_refresh_s)

    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a synchronous store/engine call in a worker thread."""
        if self.limiter is None:  # made lazily: it belongs to the running event loop
            self.limiter = anyio.CapacityLimiter(self.api.store_threads)
        return await anyio.to_thread.run_sync(functools.partial(fn, *args, **kwargs),
                                              limiter=self.limiter)

    async def run_heavy(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a recommendation (many queries, CPU in Python) in its own, smaller pool, so
        a burst of feeds cannot take every thread from cheap reads and event writes."""
        if self.heavy_limiter is None:
            self.heavy_limiter = anyio.CapacityLimiter(self.api.recommend_threads)
        return await anyio.to_thread.run_sync(functools.partial(fn, *args, **kwargs),
                                              limiter=self.heavy_limiter)


@dataclass
class RequestContext:
    """Per request: who is calling, its id, and fresh DataLoaders."""

    services: Services
    principal: Principal
    request_id: str
    loaders: Any = None  # engine.api.loaders.Loaders (set right after construction)
    operation: str = "invalid"  # metrics label, set once the document is parsed
    extra: dict[str, Any] = field(default_factory=dict)
