"""newsdesk's Discord layer: a thin layer over `newsdesk.index.Archive`."""

from .client import NewsdeskBot, create_bot

__all__ = ["NewsdeskBot", "create_bot"]
