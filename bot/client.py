"""The newsdesk Discord bot: one `commands.Bot`, configured from config.toml."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from newsdesk.index import Archive, Config, NoIndexError, load_config

from .answer_view import AnswerButton
from .cogs.admin import Admin
from .cogs.briefings import Briefings
from .cogs.library import Library
from .cogs.questions import Questions
from .cogs.watches import Watches
from .embeds import APOLOGY, EMPTY_ARCHIVE
from .settings import DiscordSettings, discord_settings

log = logging.getLogger("newsdesk.bot")


class NewsdeskTree(app_commands.CommandTree):
    """The one error path for slash commands: log once with context, apologise, never
    show a traceback. (Errors users can fix are answered inside the commands.)"""

    async def on_error(self, interaction: discord.Interaction,
                       error: app_commands.AppCommandError) -> None:
        original = getattr(error, "original", error)
        if isinstance(original, NoIndexError):  # nothing to search yet: say so, no alarm
            text = EMPTY_ARCHIVE
        else:
            command = interaction.command.name if interaction.command else "?"
            log.error("/%s (interaction %s, user %s) failed", command, interaction.id,
                      interaction.user.id, exc_info=original)
            text = APOLOGY
        if interaction.response.is_done():
            # After a defer, the "thinking…" placeholder becomes the reply.
            await interaction.edit_original_response(content=text, embeds=[], view=None)
        else:
            await interaction.response.send_message(text, ephemeral=True)


class NewsdeskBot(commands.Bot):
    """Answers questions from the archive. Cogs load and the archive opens in
    `setup_hook`, so constructing the bot does no I/O."""

    def __init__(self, config: Config, settings: DiscordSettings, *,
                 sync_commands: bool = False, **shards: Any) -> None:
        intents = discord.Intents.default()
        # Privileged: needed only to read plain messages in the question channels.
        # Mentions of the bot carry their content without it.
        intents.message_content = bool(settings.question_channels)
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents,
            allowed_mentions=discord.AllowedMentions.none(),
            help_command=None,
            **shards,
            tree_cls=NewsdeskTree,
        )
        self.config = config
        self.settings = settings
        self.sync_commands = sync_commands
        self.archive: Archive | None = None

    async def setup_hook(self) -> None:
        self.archive = await asyncio.to_thread(Archive, self.config.index)
        try:
            note = await asyncio.to_thread(self.archive.ensure_searchable)
        except NoIndexError as empty:  # questions say so until articles are added
            note = str(empty)
        if note:
            log.info("%s", note)
        stats = await asyncio.to_thread(self.archive.stats)
        log.info("archive open: %d articles, %s passages in %s", stats.articles,
                 stats.indexed_passages, self.config.index.data_dir)

        self.add_dynamic_items(AnswerButton)  # answers' buttons work across restarts
        await self.add_cog(Questions(self))
        await self.add_cog(Briefings(self))
        await self.add_cog(Library(self))
        await self.add_cog(Admin(self))
        await self.add_cog(Watches(self))
        if self.sync_commands:
            synced = await self.sync_app_commands()
            log.info("synced %d application commands", synced)

    async def sync_app_commands(self) -> int:
        """Register the slash commands with Discord: in the configured guilds (instant)
        or globally (may take up to an hour to appear)."""
        if self.settings.guild_ids:
            count = 0
            for guild_id in self.settings.guild_ids:
                guild = discord.Object(guild_id)
                self.tree.copy_global_to(guild=guild)
                count = len(await self.tree.sync(guild=guild))
            return count
        return len(await self.tree.sync())

    async def on_command_error(self, context: commands.Context,
                               exception: commands.CommandError) -> None:
        # A mention that is a question, not a command, is not an error: the
        # questions cog answers it.
        if isinstance(exception, commands.CommandNotFound):
            return
        if context.cog is not None and context.cog.has_error_handler():
            return  # handled (and logged if unexpected) by the cog
        log.error("command %s failed", context.command, exc_info=exception)

    @property
    def runs_background_work(self) -> bool:
        """Whether this process polls feeds, posts scheduled briefings and watch alerts:
        of several shard processes, only the one with shard 0 does, so nothing is done
        twice."""
        shard_ids = getattr(self, "shard_ids", None)
        return not shard_ids or 0 in shard_ids

    async def close(self) -> None:
        await super().close()
        if self.archive is not None:
            self.archive.close()
            self.archive = None
            log.info("archive closed")


class ShardedNewsdeskBot(NewsdeskBot, commands.AutoShardedBot):
    """The bot running a slice of discord.py's shards (`shard_ids` of `shard_count`), so
    that several processes on one host split a large server's gateway load while they
    read one index (readers never wait for the one writer)."""


def create_bot(config_path: Path | str | None, *, sync_commands: bool = False) -> NewsdeskBot:
    """The configured, not yet connected bot; `await bot.start(token)` connects it."""
    config = load_config(Path(config_path) if config_path is not None else None)
    return NewsdeskBot(config, discord_settings(config), sync_commands=sync_commands)
