"""`graphfeed evaluate feed`: the feed ranker's Recall@K / NDCG@K on real data."""

from __future__ import annotations

import json
from pathlib import Path

import click

from engine.cli.evaluate import evaluate


@evaluate.command("feed")
@click.option("--dataset", default="hetrec-lastfm", show_default=True,
              type=click.Choice(["hetrec-lastfm"]))
@click.option("--path", "data_path", required=True,
              type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="The data set's folder, e.g. ../shared/data/hetrec2011_lastfm_2k.")
@click.option("--seed", default=0, show_default=True, type=int, help="Fixes the split.")
@click.option("--users", default=None, type=click.IntRange(min=1),
              help="Evaluate a seeded sample of this many users (default: all).")
@click.option("--out", "out_dir", default=Path("var/evaluate"), show_default=True,
              type=click.Path(file_okay=False, path_type=Path),
              help="Where the JSON report and the Recall@K plot (PNG) go.")
@click.option("--graph/--no-graph", default=True, show_default=True,
              help="Train communities, embeddings and post neighbours on the training graph "
                   "and use the graph sources (the report then also holds the feed without "
                   "them).")
@click.option("--target", default="test", show_default=True, type=click.Choice(["test", "valid"]),
              help="Score the test items (validation masked) or the validation items (test "
                   "masked): tune on valid, report test once.")
@click.option("--limits", default="widened", show_default=True,
              type=click.Choice(["widened", "serving"]),
              help="Widen the candidate limits so every item is reachable, or keep the serving "
                   "ones: what a feed request's candidate budget costs in quality.")
@click.option("--tune", is_flag=True,
              help="Also re-rank with a grid of graph-feature weights (embedding_similarity x "
                   "community_trend), reported under 'variants'.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def feed(dataset: str, data_path: Path, seed: int, users: int | None, out_dir: Path,
         graph: bool, target: str, limits: str, tune: bool, as_json: bool) -> None:
    """Recall@K and NDCG@K of the feed ranker vs popularity (random 8:1:1, full ranking)."""
    from engine.errors import GraphfeedError
    from engine.evaluate.feed import evaluate_feed, tuning_grid, write_report
    from engine.settings import get_settings

    try:
        variants = tuning_grid(get_settings().recommend.weights) if tune else None
        result = evaluate_feed(data_path, dataset=dataset, seed=seed, users=users, graph=graph,
                               target=target, limits=limits, variants=variants,
                               progress=True)
    except GraphfeedError as e:
        raise click.ClickException(str(e)) from e
    json_path, png_path = write_report(result, out_dir)
    if as_json:
        click.echo(json.dumps(result, sort_keys=True))
        return
    for name in ("feed", "feed_without_graph", "popularity", *result.get("variants", {})):
        r = result.get(name) or result.get("variants", {}).get(name)
        if r:
            click.echo(f"{name:18s} Recall@10 {r['recall@10']:.4f}  NDCG@10 {r['ndcg@10']:.4f}")
    click.echo(f"{result['users']} users, seed {seed}, {result['seconds']:.0f} s; "
               f"wrote {json_path} and {png_path}")
