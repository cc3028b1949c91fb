"""Who may change the archive or the bot: its owner, or members with an admin role."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord

if TYPE_CHECKING:
    from .client import NewsdeskBot


def has_admin_role(bot: NewsdeskBot, user: discord.abc.User) -> bool:
    """Whether `user` holds one of the configured admin roles (by id or by name)."""
    wanted = bot.settings.admin_roles
    return any(role.id in wanted or role.name in wanted for role in getattr(user, "roles", []))


async def is_admin(bot: NewsdeskBot, user: discord.abc.User) -> bool:
    return has_admin_role(bot, user) or await bot.is_owner(user)


def admin_roles_text(bot: NewsdeskBot) -> str:
    roles = ", ".join(str(r) for r in sorted(bot.settings.admin_roles, key=str))
    return f"roles: {roles}" if roles else "no admin roles are configured"
