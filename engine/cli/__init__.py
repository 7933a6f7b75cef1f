"""The `graphfeed` command: thin wrappers that parse arguments and call the engine."""

from __future__ import annotations

import click

from engine import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="graphfeed")
def main() -> None:
    """graphfeed: a graph-database-centric recommendation engine."""


def _register() -> None:
    # Each area keeps its commands in its own module; importing registers them.
    from engine.cli import (  # noqa: F401
        admin,
        evaluate,
        evaluate_feed,
        evaluate_likes,
        serve,
        train,
    )


_register()
