"""Helpers every command module shares: error reporting and the store's lifetime."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import ParamSpec, TypeVar

import click

from engine.errors import GraphfeedError
from engine.store import GraphStore, open_store

P = ParamSpec("P")
R = TypeVar("R")


def reports_errors(command: Callable[P, R]) -> Callable[P, R]:
    """Print an expected failure as ``error: <message>`` on stderr and exit with code 1.

    Only ``GraphfeedError`` is caught: anything else is a bug and keeps its traceback.
    """

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except GraphfeedError as e:
            click.echo(f"error: {e.message}", err=True)
            sys.exit(1)

    return wrapper


@contextmanager
def opened_store(*, schema: bool = True) -> Iterator[GraphStore]:
    """The configured store, closed on the way out (an embedded server we started stops)."""
    store = open_store(schema=schema)
    try:
        yield store
    finally:
        store.close()


def parse_param(text: str) -> tuple[str, object]:
    """``k=v`` with v as JSON when it parses (``n=3``, ``ids=["a"]``), else as a string."""
    import json

    key, sep, raw = text.partition("=")
    key = key.strip()
    if not sep or not key.isidentifier():
        raise click.BadParameter(f"{text!r}: expected NAME=VALUE with NAME a Cypher parameter name")
    try:
        return key, json.loads(raw)
    except ValueError:
        return key, raw
