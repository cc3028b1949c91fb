"""newsdesk's Discord layer: a thin layer over `index.Archive`'s search API."""

from .client import NewsdeskBot, create_bot

__all__ = ["NewsdeskBot", "create_bot"]
