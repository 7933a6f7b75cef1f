"""`graphfeed evaluate likes`: the like model against the author's usual likes."""

from __future__ import annotations

import json
from pathlib import Path

import click

from engine.cli.evaluate import evaluate
from engine.errors import GraphfeedError


@evaluate.command("likes")
@click.option("--path", "path", type=click.Path(file_okay=False, path_type=Path),
              default=None, help="Folder with accounts.csv and posts.csv "
              "[default: ../shared/data/instagram_like_predictor_2019].")
@click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path),
              default=Path("benchmarks/out/likes"), show_default=True,
              help="Where likes.json, likes_importance.png and the image-feature cache go.")
@click.option("--json", "as_json", is_flag=True, help="Print the full result as JSON.")
@click.option("--seed", default=0, show_default=True, help="Seed of every random choice.")
@click.option("--no-ablations", is_flag=True, help="Skip the models without a feature group.")
@click.option("--save-model", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Also save the evaluated model into this folder.")
@click.option("--progress/--no-progress", default=True, show_default=True,
              help="Progress bars on stderr.")
def likes(path: Path | None, out: Path, as_json: bool, seed: int, no_ablations: bool,
          save_model: Path | None, progress: bool) -> None:
    """likePredict: newest post of each account vs. its earlier posts (Instagram 2019)."""
    from engine.evaluate.likes import evaluate_likes  # heavy imports only when run

    try:
        result = evaluate_likes(path, out_dir=out, seed=seed, ablations=not no_ablations,
                                progress=progress, save_model=save_model)
    except GraphfeedError as e:
        raise click.ClickException(e.message) from e
    if as_json:
        click.echo(json.dumps(result, indent=2))
        return
    rows = [("model", result["model"]), *result["baselines"].items(),
            *((f"ablation {k}", v) for k, v in result["ablations"].items())]
    click.echo(f"{'':22} {'log-MAE':>8} {'R2 log':>7} {'MdAPE':>6} {'±30%':>6} {'cover80':>7}")
    for name, m in rows:
        cover = "" if m["coverage_80"] is None else f"{m['coverage_80']:.3f}"
        click.echo(f"{name:22} {m['log_mae']:8.3f} {m['r2_log']:7.3f} {m['mdape']:6.3f} "
                   f"{m['within_30pct']:6.3f} {cover:>7}")
    click.echo(f"log-MAE reduction vs the better baseline: "
               f"{result['log_mae_reduction_vs_best_baseline']:.1%}")
    click.echo(f"written: {result['artifacts']['json']}, {result['artifacts']['importance_png']}")
