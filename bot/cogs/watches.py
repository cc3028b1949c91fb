"""Watches in Discord: /watch add, /watch list, /unwatch, and posting each watch's alerts
to its channel. The alerts are made by the archive when articles arrive (feeds, /add,
uploads, `newsdesk add` in another process); this cog posts the unposted ones, once."""

from __future__ import annotations

import asyncio
import logging
from itertools import groupby
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands, tasks

from newsdesk.index import Alert

from ..embeds import CONTENT_MAX, alert_embeds
from ..permissions import admin_roles_text, is_admin
from ..text import cut_end, safe_cut

if TYPE_CHECKING:
    from newsdesk.index import Archive

    from ..client import NewsdeskBot

log = logging.getLogger("newsdesk.bot.watches")
POLL_SECONDS = 60


class Watches(commands.Cog):
    watch = app_commands.Group(name="watch", description="Follow topics: each new story on "
                                                         "one is announced once.")

    def __init__(self, bot: NewsdeskBot) -> None:
        self.bot = bot

    @property
    def archive(self) -> Archive:
        assert self.bot.archive is not None
        return self.bot.archive

    async def cog_load(self) -> None:
        if self.bot.runs_background_work:
            self.poster.start()

    async def cog_unload(self) -> None:
        self.poster.cancel()

    @tasks.loop(seconds=POLL_SECONDS)
    async def poster(self) -> None:
        try:
            await self.post_alerts()
        except Exception:
            log.exception("posting watch alerts failed")

    @poster.before_loop
    async def _ready(self) -> None:
        await self.bot.wait_until_ready()

    async def post_alerts(self) -> int:
        """Post every unposted alert to its watch's channel; how many were posted. Many
        at once for one watch become one digest."""
        alerts = await asyncio.to_thread(self.archive.unposted_alerts)
        posted = 0
        for _, group in groupby(alerts, key=lambda a: a.watch.id):
            batch: list[Alert] = list(group)
            channel = self.bot.get_channel(batch[0].watch.channel or 0)
            if not isinstance(channel, discord.abc.Messageable):
                continue  # not visible now (or another shard's): kept for a later round
            try:
                for embeds in alert_embeds(batch):
                    await channel.send(embeds=embeds)
            except discord.HTTPException:  # one channel's trouble must not hold the others
                log.exception("watch %s: posting to channel %s failed", batch[0].watch.id,
                              batch[0].watch.channel)
                continue
            await asyncio.to_thread(self.archive.mark_alerts_posted, [a.id for a in batch])
            posted += len(batch)
        return posted

    @watch.command(name="add", description="Announce each new story on a topic (admins).")
    @app_commands.describe(topic="Every word of it must be in a story",
                           channel="Where to announce (default: here)")
    async def add(self, interaction: discord.Interaction,
                  topic: app_commands.Range[str, 1, 200],
                  channel: discord.TextChannel | None = None) -> None:
        if not await is_admin(self.bot, interaction.user):
            await interaction.response.send_message(
                f"Only admins can add watches ({admin_roles_text(self.bot)}).", ephemeral=True)
            return
        target = channel.id if channel else interaction.channel_id
        watch = await asyncio.to_thread(self.archive.add_watch, topic, target)
        await interaction.response.send_message(
            f"Watching “{safe_cut(watch.topic, 200)}” (watch {watch.id}): each new story on it "
            f"will be announced in <#{target}>.")

    @watch.command(name="list", description="The topics being watched.")
    async def list_watches(self, interaction: discord.Interaction) -> None:
        watches = await asyncio.to_thread(self.archive.watches)
        here = [w for w in watches if w.channel in self._channels_here(interaction)]
        lines = [f"**{w.id}**. “{safe_cut(w.topic, 100)}” → <#{w.channel}>" for w in here]
        await interaction.response.send_message(
            cut_end("\n".join(lines), CONTENT_MAX) or "No watches in this server yet: "
            "`/watch add topic`.", ephemeral=True)

    @staticmethod
    def _channels_here(interaction: discord.Interaction) -> set[int | None]:
        """The channels of the server the command came from: watches are per server."""
        guild = interaction.guild
        channels = {c.id for c in guild.channels} if guild else set()
        return channels | {interaction.channel_id}

    @app_commands.command(name="unwatch", description="Stop a watch (admins).")
    @app_commands.describe(watch="The watch's number, from /watch list")
    async def unwatch(self, interaction: discord.Interaction,
                      watch: app_commands.Range[int, 1]) -> None:
        if not await is_admin(self.bot, interaction.user):
            await interaction.response.send_message(
                f"Only admins can stop watches ({admin_roles_text(self.bot)}).", ephemeral=True)
            return
        watches = await asyncio.to_thread(self.archive.watches)
        ours = {w.id for w in watches if w.channel in self._channels_here(interaction)}
        removed = watch in ours and await asyncio.to_thread(self.archive.remove_watch, watch)
        await interaction.response.send_message(
            f"Stopped watch {watch}." if removed else f"No watch has the number {watch}.",
            ephemeral=not removed)
