"""How long work reports its progress, without tying index/ to any console library."""

from __future__ import annotations

import time
from typing import Protocol, TextIO


class Progress(Protocol):
    def stage(self, description: str, total: int | None) -> None:
        """A new stage of work begins, with `total` steps if known."""

    def advance(self, steps: int = 1) -> None:
        """`steps` more steps of the current stage are done."""


class Silent:
    """Progress that reports nothing (tests, embedders, the bot)."""

    def stage(self, description: str, total: int | None) -> None:
        pass

    def advance(self, steps: int = 1) -> None:
        pass


class LineProgress:
    """Progress as one line per finished stage ("Reading articles: 1,204/1,204 in 3.1
    s"), for output that is not a terminal: a log or a pipe, where a redrawn bar leaves
    only its last frame and drawing one costs a command rich's import (~60 ms)."""

    def __init__(self, stream: TextIO | None) -> None:
        self._stream = stream  # (None: a process started without it; nothing is written)
        self._stage: tuple[str, int | None, float] | None = None  # description, total, start
        self._done = 0

    def __enter__(self) -> LineProgress:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        self._finish_stage(stopped=kind is not None)

    def stage(self, description: str, total: int | None) -> None:
        self._finish_stage()
        self._stage, self._done = (description, total, time.perf_counter()), 0

    def advance(self, steps: int = 1) -> None:
        self._done += steps

    def _finish_stage(self, stopped: bool = False) -> None:
        if self._stage is None:
            return
        description, total, began = self._stage
        self._stage = None
        if self._stream is None:
            return
        done = f"{self._done:,}" if total is None else f"{self._done:,}/{total:,}"
        took = f"{time.perf_counter() - began:.1f} s"
        self._stream.write(f"{description}: {done} in {took}{' (stopped)' if stopped else ''}\n")
        self._stream.flush()
