"""How long work reports its progress, without tying index/ to any console library."""

from __future__ import annotations

from typing import Protocol


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
