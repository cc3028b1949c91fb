"""Admin commands: registering the slash commands with Discord, on request only."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from discord.ext import commands

from ..permissions import is_admin

if TYPE_CHECKING:
    from ..client import NewsdeskBot

log = logging.getLogger("newsdesk.bot.admin")


class Admin(commands.Cog):
    def __init__(self, bot: NewsdeskBot) -> None:
        self.bot = bot

    async def cog_check(self, ctx: commands.Context) -> bool:
        if await is_admin(self.bot, ctx.author):
            return True
        raise commands.CheckFailure("only the bot's owner or an admin role may do that")

    @commands.command(name="sync")
    async def sync(self, ctx: commands.Context) -> None:
        """`@newsdesk sync`: register the slash commands (never done automatically)."""
        count = await self.bot.sync_app_commands()
        log.info("%s synced %d application commands", ctx.author.id, count)
        await ctx.reply(f"Synced {count} slash commands.")

    async def cog_command_error(self, ctx: commands.Context, error: Exception) -> None:
        if isinstance(error, commands.CheckFailure):
            await ctx.reply(f"Sorry: {error}.")
            return
        log.error("command %s failed", ctx.command, exc_info=error)
        await ctx.reply("Sorry, that failed; it has been logged.")
