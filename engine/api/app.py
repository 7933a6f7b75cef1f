"""The ASGI application: ``/graphql``, ``/healthz``, ``/metrics`` (and GraphiQL in development).

``create_app()`` opens the configured store when the server starts (or uses
the one it is given), loads a demo world into an empty graph in development
mode, and closes what it opened when the server stops.
"""

from __future__ import annotations

import contextlib
import gc
import logging
from collections.abc import AsyncIterator

import anyio
import anyio.to_thread
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from engine import serving_gc
from engine.api.auth import SECRET_HEADER
from engine.api.context import Services
from engine.api.graphiql import ASSETS_ROUTE, assets_complete
from engine.api.metrics import CONTENT_TYPE, Metrics
from engine.api.schema import build_schema
from engine.api.settings import ApiSettings
from engine.api.snapshots import SnapshotPreparer
from engine.api.view import REQUEST_ID_HEADER, GraphQLView
from engine.recommend.explore import prepare_snapshot
from engine.recommend.graph_sources import served_explore_settings
from engine.settings import Settings, get_settings
from engine.store import GraphStore, open_store

log = logging.getLogger("engine.api")


def create_app(settings: Settings | None = None, api: ApiSettings | None = None, *,
               store: GraphStore | None = None, graph: str | None = None) -> Starlette:
    """The API app. ``store``: serve this open store (the caller closes it); ``graph``: a
    FalkorDB graph other than the configured one."""
    settings = settings or get_settings()
    api = api or ApiSettings.from_settings(settings)
    api.check_can_serve()
    metrics = Metrics()
    services = Services(settings=settings, api=api)
    view = GraphQLView(build_schema(api), services, metrics)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        owned = store is None
        preparer: SnapshotPreparer | None = None
        # The collector's thresholds before serving, restored at shutdown (tests serve
        # in-process).
        collector: tuple[int, int, int] | None = None
        opened = store if store is not None else await anyio.to_thread.run_sync(
            lambda: open_store(settings, graph=graph))
        try:
            services.bind(opened)
            limiter = services.limiter = anyio.CapacityLimiter(api.store_threads)
            heavy = services.heavy_limiter = anyio.CapacityLimiter(api.recommend_threads)
            metrics.track_threads(lambda: limiter.borrowed_tokens + heavy.borrowed_tokens)
            kept = services.recommender.ranker.post_facts
            metrics.track_post_facts(lambda: (kept.hits, kept.misses))
            # The like model is loaded now, not by the first predictLikes.
            await anyio.to_thread.run_sync(services.likes.get)
            if api.development and api.demo_users > 0:
                await anyio.to_thread.run_sync(load_demo_if_empty, services.store, settings, api)
            # Everything made so far (modules, schema, like model) lives as long as the
            # server; requests are collected less often (engine/serving_gc.py).
            collector = serving_gc.settle()
            preparer = _snapshot_preparer(services, metrics) if api.explore_prepare else None
            if preparer is not None:
                preparer.start()
            yield
        finally:
            if collector is not None:
                gc.set_threshold(*collector)
            if preparer is not None:
                await anyio.to_thread.run_sync(preparer.stop)
            if owned:
                await anyio.to_thread.run_sync(opened.close)

    async def healthz(request: Request) -> Response:
        up = await services.run(services.store.ping)
        return JSONResponse({"status": "ok" if up else "unavailable",
                             "database": "reachable" if up else "unreachable"},
                            status_code=200 if up else 503)

    async def metrics_endpoint(request: Request) -> Response:
        return Response(metrics.render(), media_type=CONTENT_TYPE)

    routes: list[Route | Mount] = [
        Route("/graphql", view, methods=["GET", "POST"]),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/metrics", metrics_endpoint, methods=["GET"]),
    ]
    if api.development and assets_complete(api.graphiql_assets):
        routes.append(Mount(ASSETS_ROUTE.rstrip("/"), StaticFiles(directory=api.graphiql_assets)))
    middleware = []
    if api.cors_origins:
        middleware.append(Middleware(
            CORSMiddleware, allow_origins=api.cors_origins, allow_methods=["GET", "POST"],
            allow_headers=["authorization", "content-type", SECRET_HEADER, REQUEST_ID_HEADER],
            expose_headers=[REQUEST_ID_HEADER], max_age=600))
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan)
    app.state.services = services
    app.state.metrics = metrics
    return app


def _snapshot_preparer(services: Services, metrics: Metrics) -> SnapshotPreparer:
    store, settings = services.store, services.settings
    # Explore's own settings and the feed's community source's: each list is computed once,
    # long enough for both.
    served = served_explore_settings(settings.explore, services.recommender.sources)
    return SnapshotPreparer(
        lambda as_of: prepare_snapshot(store, as_of, served), services.recommender.clock,
        settings.explore.snapshot_seconds, services.api.explore_prepare_lead_s,
        on_prepared=lambda p: metrics.snapshot_prepared(p.as_of, p.seconds))


def load_demo_if_empty(store: GraphStore, settings: Settings, api: ApiSettings) -> int:
    """Development: an empty graph gets a demo world of ``api.demo_users`` users."""
    if store.read("api/find_any_user"):
        return 0
    from engine.demo import generate_world, load_world

    log.warning("the graph is empty: loading a demo world of %d users (seed %d); set "
                "GRAPHFEED_API_DEMO_USERS=0 to start empty", api.demo_users, api.demo_seed)
    world = generate_world(api.demo_users, seed=api.demo_seed)
    counts = load_world(store, world, progress=False, settings=settings)
    log.warning("demo world loaded: %s", ", ".join(f"{v} {k}" for k, v in counts.items()))
    return api.demo_users
