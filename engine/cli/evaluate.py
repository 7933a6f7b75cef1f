"""`graphfeed evaluate …`: quality measurements on real data."""

from __future__ import annotations

import click

from engine.cli import main


@main.group()
def evaluate() -> None:
    """Measure quality on the real data sets in ../shared/data."""
