"""`graphfeed serve`, `token`, `schema-export`, `graphiql-assets`: the GraphQL API's commands."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from pydantic import SecretStr

from engine.cli import main
from engine.errors import GraphfeedError
from engine.settings import Settings

if TYPE_CHECKING:
    from engine.api.settings import ApiSettings
    from engine.store.embedded import EmbeddedServer


def _api_settings() -> tuple[Settings, ApiSettings]:
    from engine.api.settings import ApiSettings
    from engine.settings import get_settings

    try:
        settings = get_settings()
        api = ApiSettings.from_settings(settings)
    except GraphfeedError as e:
        raise click.ClickException(e.message) from e
    return _with_cursor_key(settings, api), api


def _with_cursor_key(settings: Settings, api: ApiSettings) -> Settings:
    """Unforgeable page cursors without a second secret: derived from the server's own."""
    if settings.recommend.cursor_key is not None or api.secret is None:
        return settings
    from engine.api.auth import derive_key

    key = derive_key(api.secret, "graphfeed cursors v1").hex()
    recommend = settings.recommend.model_copy(update={"cursor_key": SecretStr(key)})
    return settings.model_copy(update={"recommend": recommend})


@main.command()
@click.option("--host", default=None, help="Address to bind [GRAPHFEED_API_HOST, 127.0.0.1].")
@click.option("--port", default=None, type=int, help="Port [GRAPHFEED_API_PORT, 8000].")
@click.option("--access-log/--no-access-log", default=False, show_default=True,
              help="Log every HTTP request (costs throughput).")
@click.option("--graceful-timeout", default=30, show_default=True, type=click.IntRange(min=0),
              help="Seconds to let requests in flight finish on shutdown.")
@click.option("--log-level", default="info", show_default=True,
              type=click.Choice(["debug", "info", "warning", "error"]))
def serve(host: str | None, port: int | None, access_log: bool, graceful_timeout: int,
          log_level: str) -> None:
    """Serve the GraphQL API at /graphql (+ /healthz, /metrics).

    With no configuration: development mode on the embedded database in
    ./var/graph, with a demo world loaded into an empty graph and GraphiQL at
    /graphql. Production (GRAPHFEED_API_MODE=production) needs GRAPHFEED_API_SECRET.
    """
    import uvicorn

    from engine.api.app import create_app

    settings, api = _api_settings()
    logging.basicConfig(level=log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: "
                        "%(message)s")
    try:
        app = create_app(settings, api)
    except GraphfeedError as e:
        raise click.ClickException(e.message) from e
    host, port = host or api.host, api.port if port is None else port
    if api.development:
        access = "open to anyone (no GRAPHFEED_API_SECRET)" if not api.auth_required \
            else "secret or user token required"
        click.echo(f"graphfeed: DEVELOPMENT mode, {access}; GraphiQL at "
                   f"http://{host}:{port}/graphql. Set GRAPHFEED_API_MODE=production "
                   "to deploy.", err=True)
    options: dict[str, Any] = {
        "host": host, "port": port, "access_log": access_log, "log_level": log_level,
        "lifespan": "on", "server_header": False, "timeout_graceful_shutdown": graceful_timeout}
    if api.workers == 1:
        uvicorn.run(app, **options)
        return
    # Several processes: each builds its app from the same settings (worker_app). The
    # embedded database is started here, so every worker attaches to it and none stops it
    # while the others still serve.
    database = _start_embedded(settings)
    try:
        uvicorn.run("engine.cli.serve:worker_app", factory=True, workers=api.workers, **options)
    finally:
        if database is not None:
            database.stop()


def worker_app() -> Any:
    """The app of one of several server processes (uvicorn imports it by name)."""
    from engine.api.app import create_app

    settings, api = _api_settings()
    return create_app(settings, api)


def _start_embedded(settings: Settings) -> EmbeddedServer | None:
    from engine.store import start_embedded

    try:
        return start_embedded(settings)
    except GraphfeedError as e:
        raise click.ClickException(e.message) from e


@main.command()
@click.argument("user_id")
@click.option("--ttl", default=None, type=click.IntRange(min=1),
              help="Lifetime in seconds [GRAPHFEED_API_TOKEN_TTL_S, 3600].")
def token(user_id: str, ttl: int | None) -> None:
    """Print a signed token letting a frontend act as USER_ID."""
    from engine.api.auth import issue_token

    _, api = _api_settings()
    try:
        click.echo(issue_token(api, user_id, ttl))
    except GraphfeedError as e:
        raise click.ClickException(e.message) from e


@main.command("schema-export")
@click.argument("path", required=False, type=click.Path(dir_okay=False, path_type=Path),
                default=Path("graphql/schema.graphql"))
@click.option("--check", is_flag=True, help="Only compare; exit 1 when it differs.")
def schema_export(path: Path, check: bool) -> None:
    """Write the GraphQL schema as SDL (default graphql/schema.graphql)."""
    from engine.api.export import export

    same = export(path, check=check)
    if check and not same:
        raise click.ClickException(f"{path} differs from the schema in code: "
                                   "run graphfeed schema-export")
    click.echo(f"{path} is up to date" if same else f"wrote {path}")


@main.command("graphiql-assets")
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
def graphiql_assets(directory: Path | None) -> None:
    """Fetch GraphiQL's scripts with npm so development mode serves them locally."""
    from engine.api.graphiql import fetch_assets

    _, api = _api_settings()
    target = directory or api.graphiql_assets
    try:
        fetched = fetch_assets(target)
    except RuntimeError as e:
        raise click.ClickException(str(e)) from e
    click.echo(f"fetched {', '.join(fetched)} into {target}")
    if directory is not None and directory.resolve() != api.graphiql_assets.resolve():
        click.echo(f"serve them with GRAPHFEED_API_GRAPHIQL_ASSETS={directory}")
