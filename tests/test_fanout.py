"""engine.recommend.fanout: a request's independent reads together, unless the process is busy."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator

import pytest

from engine.recommend import fanout


def where(log: list[str], value: int) -> Callable[[], int]:
    def call() -> int:
        log.append(threading.current_thread().name)
        return value
    return call


def test_results_come_in_order_and_the_first_error_after_every_call() -> None:
    done: list[int] = []

    def fail() -> int:
        raise ValueError("boom")

    def slow(i: int) -> Callable[[], int]:
        def call() -> int:
            threading.Event().wait(0.01 * i)
            done.append(i)
            return i
        return call

    assert fanout.gather([slow(3), slow(2), slow(1), slow(0)]) == [3, 2, 1, 0]
    done.clear()
    with pytest.raises(ValueError, match="boom"):
        fanout.gather([fail, slow(2), slow(1)])
    assert sorted(done) == [1, 2]  # nothing left running against the store


@contextlib.contextmanager
def another_gather_running() -> Iterator[None]:
    """A gather in another thread that holds its place until the block ends."""
    started, release = threading.Event(), threading.Event()

    def hold() -> int:
        started.set()
        release.wait(30)
        return 0

    other = threading.Thread(target=fanout.gather, args=([hold, where([], 1)],))
    other.start()
    try:
        assert started.wait(30)
        yield
    finally:
        release.set()
        other.join(30)


def test_a_busy_process_reads_in_sequence(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fanout, "BUSY", 1)  # one gather at a time fans out
    alone: list[str] = []
    assert fanout.gather([where(alone, 1), where(alone, 2), where(alone, 3)]) == [1, 2, 3]
    assert any(name.startswith("graphfeed-read") for name in alone)  # fanned out
    assert not fanout.busy()
    with another_gather_running():
        assert fanout.busy()  # what a caller that splits a read asks first
        busy: list[str] = []
        assert fanout.gather([where(busy, 1), where(busy, 2), where(busy, 3)]) == [1, 2, 3]
        assert busy == [threading.current_thread().name] * 3  # inline, in order
    again: list[str] = []
    fanout.gather([where(again, 1), where(again, 2), where(again, 3)])
    assert any(name.startswith("graphfeed-read") for name in again)  # the count came back
    assert not fanout.busy()


def test_an_urgent_gather_fans_out_even_when_busy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fanout, "BUSY", 1)
    with another_gather_running():
        urgent: list[str] = []
        assert fanout.gather([where(urgent, 1), where(urgent, 2), where(urgent, 3)],
                             urgent=True) == [1, 2, 3]
        assert any(name.startswith("graphfeed-read") for name in urgent)
