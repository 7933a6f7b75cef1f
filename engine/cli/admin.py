"""Admin commands: schema, demo, import, import-instagram, cypher, stats."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from engine.cli import main
from engine.cli.common import opened_store, parse_param, reports_errors
from engine.errors import GraphfeedError, StoreError, ValidationError

console = Console()


def _counts_table(title: str, counts: dict[str, int]) -> Table:
    # The title goes in the header row: a table title wraps to the (narrow) table's width.
    table = Table()
    table.add_column(title)
    table.add_column("count", justify="right")
    for key, value in counts.items():
        table.add_row(key, f"{value:,}")
    return table


@main.command()
@reports_errors
def schema() -> None:
    """Create the indexes and unique constraints that are missing, and the engagement
    counters of posts and follower counters of users written before graphfeed kept them."""
    from engine.recommend.counts import backfill_post_counts, backfill_user_counts

    with opened_store(schema=False) as store:
        made = store.apply_schema()
        counted = backfill_post_counts(store)
        followed = backfill_user_counts(store)
    if made:
        for item in made:
            click.echo(f"created {item}")
    else:
        click.echo("schema is up to date: nothing to create")
    if counted:
        click.echo(f"counted the engagements of {counted:,} posts that had no counters")
    if followed:
        click.echo(f"counted the followers of {followed:,} users that had no counters")


@main.command()
@click.option("--users", default=1000, show_default=True, type=click.IntRange(2, 10_000_000),
              help="How many users the synthetic world has.")
@click.option("--seed", default=0, show_default=True, type=int,
              help="The same seed (on the same day) gives the same world.")
@click.option("--reset", is_flag=True, help="Delete everything in the configured graph first.")
@click.option("--progress/--no-progress", default=True, show_default=True)
@reports_errors
def demo(users: int, seed: int, reset: bool, progress: bool) -> None:
    """Generate a synthetic Instagram-like world and load it."""
    from engine.demo import generate_world, load_world
    from engine.maintenance import delete_everything, graph_counts, is_empty

    started = time.perf_counter()
    with opened_store() as store:
        if reset:
            delete_everything(store)
        elif not is_empty(store):
            raise GraphfeedError("the graph is not empty: pass --reset to delete everything "
                                 "in it first, or point GRAPHFEED_GRAPH_URI elsewhere")
        world = generate_world(users, seed)
        generated = time.perf_counter() - started
        load_world(store, world, progress=progress)
        counts = graph_counts(store)
    elapsed = time.perf_counter() - started
    console.print(_counts_table(f"demo world: {users:,} users, seed {seed}", counts))
    click.echo(f"generated in {generated:.1f} s, loaded in {elapsed - generated:.1f} s, "
               f"total {elapsed:.1f} s")


@main.command("import")
@click.argument("kind", type=click.Choice(["activities", "follows", "engagements",
                                           "impressions", "users"]))
@click.argument("files", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default=None,
              help="The files' format (default: csv for *.csv, else jsonl).")
@click.option("--progress/--no-progress", default=True, show_default=True)
@reports_errors
def import_(kind: str, files: tuple[Path, ...], fmt: str | None, progress: bool) -> None:
    """Import events of one KIND from JSON Lines or CSV files.

    Every line of every file is checked first; if any is bad, each bad line is
    reported and nothing is written.
    """
    from engine.importers.files import import_files

    with opened_store() as store:
        counts = import_files(store, kind, files, fmt=fmt, progress=progress)
    console.print(_counts_table(f"imported {kind}", counts))


@main.command("import-instagram")
@click.option("--path", "path", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="The instagram_like_predictor_2019 folder "
                   "(default: ../shared/data/instagram_like_predictor_2019).")
@click.option("--progress/--no-progress", default=True, show_default=True)
@reports_errors
def import_instagram(path: Path | None, progress: bool) -> None:
    """Import the Instagram like-predictor set: accounts, posts and hashtags."""
    from engine.importers.instagram import default_path, import_instagram

    folder = path or default_path()
    if not folder.is_dir():
        raise ValidationError(f"{folder} is not a folder: pass --path to the folder holding "
                              "accounts.csv and posts.csv")
    with opened_store() as store:
        counts = import_instagram(store, folder, progress=progress)
    console.print(_counts_table(f"imported {folder.name}", counts))


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--param", "-p", "params", multiple=True, metavar="NAME=VALUE",
              help="A query parameter, repeatable; VALUE is JSON when it parses, else text.")
@click.option("--json", "as_json", is_flag=True, help="Print the rows as JSON.")
@click.option("--write", is_flag=True,
              help="Allow the statement to write (it runs read-only otherwise).")
@reports_errors
def cypher(file: Path, params: tuple[str, ...], as_json: bool, write: bool) -> None:
    """Run one Cypher statement from FILE with parameters and print its rows."""
    text = file.read_text(encoding="utf-8").strip().removesuffix(";").strip()
    if not text:
        raise ValidationError(f"{file} holds no Cypher statement")
    values = dict(parse_param(p) for p in params)
    with opened_store() as store:
        try:
            rows = store.execute(text, values, write=write)
        except StoreError as e:
            if not write and any(m in e.message.lower() for m in _READ_ONLY_REFUSALS):
                raise StoreError(f"{e.message} (the statement ran read-only: pass --write "
                                 "to let it write)") from e
            raise
    if as_json:
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False, default=str))
        return
    console.print(_rows_table(rows))
    click.echo(f"{len(rows)} row(s)")


# How each database refuses a write in a read-only transaction.
_READ_ONLY_REFUSALS = ("read-only", "read access mode")


def _rows_table(rows: list[dict[str, Any]]) -> Table:
    table = Table()
    columns = list(dict.fromkeys(k for row in rows for k in row))
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*(_cell(row.get(c)) for c in columns))
    return table


def _cell(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, default=str)


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
@reports_errors
def stats(as_json: bool) -> None:
    """Count users, posts, tags, follows, engagements, impressions and interests."""
    from engine.maintenance import graph_counts

    with opened_store() as store:
        counts = graph_counts(store)
    if as_json:
        click.echo(json.dumps(counts))
    else:
        console.print(_counts_table("graph", counts))
