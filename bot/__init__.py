"""newsdesk's Discord layer: a thin layer over `newsdesk.index.Archive`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .client import NewsdeskBot, create_bot

__all__ = ["NewsdeskBot", "create_bot"]


def __getattr__(name: str) -> Any:
    """discord.py is imported when the bot is first asked for, not with the package: the
    console's commands (which start through newsdesk.bot.cli) stay quick to start."""
    if name in __all__:
        from . import client
        return getattr(client, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
