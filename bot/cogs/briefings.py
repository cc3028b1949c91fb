"""Briefings in Discord: /briefing on demand, and the scheduled ones from config.toml."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Literal

import discord
from discord import app_commands
from discord.ext import commands, tasks

from newsdesk.index import Briefing, Marker

from ..embeds import briefing_pages, timeline_pages
from ..schedule import BriefingRunner, cursor_key
from ..settings import ScheduledBriefing
from ..text import safe_cut
from ..views import PagerView

if TYPE_CHECKING:
    from ..client import NewsdeskBot

log = logging.getLogger("newsdesk.bot.briefings")


class Briefings(commands.Cog):
    def __init__(self, bot: NewsdeskBot) -> None:
        self.bot = bot
        assert bot.archive is not None
        # discord.utils.utcnow, not datetime.now: the clock discord.py's tasks use.
        self.runner = BriefingRunner(bot.archive, clock=discord.utils.utcnow)
        self.loops: list[tasks.Loop] = []

    async def cog_load(self) -> None:
        if not self.bot.runs_background_work:
            return
        for schedule in self.bot.settings.briefings:
            self.loops.append(self._start(schedule))

    async def cog_unload(self) -> None:
        for loop in self.loops:
            loop.cancel()

    def _start(self, schedule: ScheduledBriefing) -> tasks.Loop:
        async def run() -> None:
            await self.run_scheduled(schedule)

        async def catch_up() -> None:
            await self.bot.wait_until_ready()
            await self.run_scheduled(schedule)  # a slot missed while offline runs now

        loop = tasks.loop(time=schedule.local_time)(run)
        loop.before_loop(catch_up)
        loop.start()
        return loop

    async def run_scheduled(self, schedule: ScheduledBriefing) -> None:
        try:
            if await self.runner.run_if_due(schedule, self._post):
                log.info("posted the scheduled briefing on %r to channel %s", schedule.topic,
                         schedule.channel)
        except Exception:
            log.exception("scheduled briefing on %r for channel %s failed", schedule.topic,
                          schedule.channel)

    async def _post(self, schedule: ScheduledBriefing, briefing: Briefing,
                    since: datetime) -> None:
        channel = self.bot.get_channel(schedule.channel)
        if not isinstance(channel, discord.abc.Messageable):
            raise LookupError(f"channel {schedule.channel} is not a text channel I can see")
        if briefing.empty:
            await channel.send(f"No new articles on “{safe_cut(schedule.topic, 200)}” since "
                               f"{since:%Y-%m-%d %H:%M} UTC.")
            return
        for page in briefing_pages(briefing):
            await channel.send(embeds=page)

    @app_commands.command(name="timeline",
                          description="A topic's dated stories in order, grouped by day.")
    @app_commands.describe(topic="What the timeline is about",
                           days="How many days back (default: all dates)")
    async def timeline(self, interaction: discord.Interaction,
                       topic: app_commands.Range[str, 1, 200],
                       days: app_commands.Range[int, 0, 3650] = 0) -> None:
        await interaction.response.defer(thinking=True)
        since = date.today() - timedelta(days=days) if days else None
        assert self.bot.archive is not None
        result = await asyncio.to_thread(self.bot.archive.timeline, topic, since=since)
        view = PagerView(timeline_pages(result), interaction.user.id)
        view.message = await interaction.followup.send(embeds=view.first_page(), view=view,
                                                       wait=True)

    @app_commands.command(name="briefing", description="What the archive says on a topic.")
    @app_commands.describe(topic="What to brief on",
                           days="How many days back (default 7; 0: all dates, undated too)",
                           since="last: only what arrived since this channel's previous "
                                 "briefing on the topic")
    async def briefing(self, interaction: discord.Interaction,
                       topic: app_commands.Range[str, 1, 200],
                       days: app_commands.Range[int, 0, 3650] = 7,
                       since: Literal["last"] | None = None) -> None:
        await interaction.response.defer(thinking=True)
        archive = self.bot.archive
        assert archive is not None
        cursor = cursor_key(interaction.channel_id or 0, topic)
        now = datetime.now(UTC)  # the clock the store stamps additions with
        previous = await asyncio.to_thread(archive.marker, cursor) if since else None
        # "since:last" is about arrival, not publication: no date window then.
        window_start = None if since or not days else date.today() - timedelta(days=days)
        result = await asyncio.to_thread(archive.brief, topic, since=window_start,
                                         added_after=previous.cutoff if previous else None)
        log.info("briefing %s: %d stories", interaction.id, len(result.items) + len(result.undated))
        if since and previous and result.empty:
            await interaction.followup.send(
                f"No new articles on “{safe_cut(topic, 200)}” since this channel's previous "
                f"briefing on it ({previous.cutoff:%Y-%m-%d %H:%M} UTC).")
        else:
            view = PagerView(briefing_pages(result), interaction.user.id)
            view.message = await interaction.followup.send(embeds=view.first_page(), view=view,
                                                           wait=True)
        await asyncio.to_thread(archive.set_marker, cursor, Marker(now, now))
