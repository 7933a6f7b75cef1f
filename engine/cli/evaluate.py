"""`graphfeed evaluate …`: quality measurements on real data."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from engine.cli import main

_LINK_METHODS = ("adamic-adar", "jaccard", "common-neighbors", "preferential-attachment",
                 "blend", "node2vec", "fastrp")


@main.group()
def evaluate() -> None:
    """Measure quality on the real data sets in ../shared/data."""


def _parse_value(text: str) -> Any:
    """KEY=VALUE values: int, then float, then true/false, else the string."""
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return {"true": True, "false": False}.get(text.lower(), text)


@evaluate.command("links")
@click.option("--edges", "edges_path", required=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Undirected edge list, one 'u v' pair per line.")
@click.option("--method", required=True, type=click.Choice(_LINK_METHODS))
@click.option("--operator", type=click.Choice(["hadamard", "average", "l1", "l2"]),
              default=None, help="Edge operator for node2vec/fastrp (default hadamard).")
@click.option("--seed", default=0, show_default=True, type=int)
@click.option("--param", "-P", "raw_params", multiple=True, metavar="KEY=VALUE",
              help="Method parameter, repeatable: p=0.5, q=2, dimensions=64, "
                   "preset=paper (node2vec: l=80, k=10 instead of graphfeed's training "
                   "defaults), weights=0,1,1 (fastrp), refit=true and "
                   "embedding=fastrp|none (blend).")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def links(edges_path: Path, method: str, operator: str | None, seed: int,
          raw_params: tuple[str, ...], as_json: bool) -> None:
    """Link-prediction ROC AUC with the node2vec paper's 50% connected split."""
    from engine.errors import GraphfeedError
    from engine.evaluate.links import evaluate_links

    params: dict[str, Any] = {}
    for item in raw_params:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"expected KEY=VALUE, got {item!r}", param_hint="--param")
        params[key.strip()] = _parse_value(value.strip())
    if method == "node2vec" and not as_json:
        params.setdefault("progress", True)
    try:
        result = evaluate_links(edges_path, method, seed=seed, operator=operator, **params)
    except GraphfeedError as e:
        raise click.ClickException(str(e)) from e
    if as_json:
        click.echo(json.dumps(result, sort_keys=True))
    else:
        op = f" ({result['operator']})" if result["operator"] else ""
        click.echo(f"{result['method']}{op}: AUC {result['auc']:.4f} on {result['n_pos']} "
                   f"removed edges + {result['n_neg']} non-edges, seed {result['seed']}, "
                   f"{result['seconds']:.1f} s")
