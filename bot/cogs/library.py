"""Growing the archive from Discord: /add for a web page, articles attached to a
mention, and the configured feeds polled on their intervals. Only admins may add."""

from __future__ import annotations

import asyncio
import logging
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands, tasks

from newsdesk.index import IngestReport
from newsdesk.index.config import FeedSource
from newsdesk.index.feeds import poll
from newsdesk.index.fetch import Fetcher
from newsdesk.index.readers import MAX_ARTICLE_FILE_BYTES, SUPPORTED_SUFFIXES
from newsdesk.index.records import Rejection

from ..permissions import admin_roles_text, is_admin
from ..text import cut_end, safe_cut

if TYPE_CHECKING:
    from newsdesk.index import Archive

    from ..client import NewsdeskBot

log = logging.getLogger("newsdesk.bot.library")
CONTENT_MAX = 2000


def report_text(report: IngestReport) -> str:
    """What was added (title, outlet, date) or why not, within one message."""
    lines = []
    for article in report.added_articles[:10]:
        when = article.published[:10] if article.published else "undated"
        lines.append(f"Added **{safe_cut(article.title, 200)}** — *{safe_cut(article.source, 80)}*"
                     f", {when} (`{article.id}`)")
    if len(report.added_articles) > 10:
        lines.append(f"… and {len(report.added_articles) - 10} more.")
    if report.duplicates:
        lines.append(f"{report.duplicates} already in the archive.")
    for rejection in report.rejected[:5]:
        origin = rejection.origin
        where = origin if origin.startswith(("http://", "https://")) else Path(origin).name
        lines.append(f"Not added: {safe_cut(where, 200)}: {safe_cut(rejection.reason, 200)}")
    return cut_end("\n".join(lines) or "Nothing to add.", CONTENT_MAX)


class Library(commands.Cog):
    def __init__(self, bot: NewsdeskBot) -> None:
        self.bot = bot
        self.fetcher = Fetcher()
        self.loops: list[tasks.Loop] = []

    @property
    def archive(self) -> Archive:
        assert self.bot.archive is not None
        return self.bot.archive

    async def cog_load(self) -> None:
        for feed in self.bot.config.feeds:
            self.loops.append(self._start_polling(feed))

    async def cog_unload(self) -> None:
        for loop in self.loops:
            loop.cancel()

    def _start_polling(self, feed: FeedSource) -> tasks.Loop:
        async def run() -> None:
            report = await asyncio.to_thread(poll, self.archive, feed, self.fetcher)
            log.info("%s", report.summary())

        loop = tasks.loop(minutes=feed.interval_minutes)(run)
        loop.start()
        return loop

    @app_commands.command(name="add", description="Add a web page to the archive (admins).")
    @app_commands.describe(url="The article's address, http:// or https://")
    async def add(self, interaction: discord.Interaction,
                  url: app_commands.Range[str, 1, 2000]) -> None:
        if not await is_admin(self.bot, interaction.user):
            await interaction.response.send_message(
                f"Only admins can add articles ({admin_roles_text(self.bot)}).", ephemeral=True)
            return
        if not url.startswith(("http://", "https://")):
            await interaction.response.send_message(
                "That is not a web address: it must start with http:// or https://.",
                ephemeral=True)
            return
        await interaction.response.defer(thinking=True)
        report = await asyncio.to_thread(self.archive.add, [url], None, self.fetcher)
        log.info("/add %s by %s: %d added, %d rejected", interaction.id, interaction.user.id,
                 report.added, len(report.rejected))
        await interaction.followup.send(report_text(report))

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        me = self.bot.user
        if message.author.bot or me is None or me not in message.mentions:
            return
        if not message.attachments:
            return  # a question: the questions cog answers it
        if not await is_admin(self.bot, message.author):
            await message.reply(f"Only admins can add articles ({admin_roles_text(self.bot)}).")
            return
        async with message.channel.typing():
            report = await self._add_attachments(message.attachments)
        log.info("upload %s by %s: %d added, %d rejected", message.id, message.author.id,
                 report.added, len(report.rejected))
        await message.reply(report_text(report))

    async def _add_attachments(self, attachments: list[discord.Attachment]) -> IngestReport:
        with tempfile.TemporaryDirectory(prefix="newsdesk-upload-") as folder:
            refused = IngestReport()
            for attachment in attachments:
                name = Path(attachment.filename).name
                if Path(name).suffix.lower() not in SUPPORTED_SUFFIXES:
                    refused.rejected.append(Rejection(name, "unsupported file type"))
                elif attachment.size > MAX_ARTICLE_FILE_BYTES:
                    refused.rejected.append(Rejection(name, "file too large"))
                else:
                    (Path(folder) / name).write_bytes(await attachment.read())
            report = await asyncio.to_thread(self.archive.add, [Path(folder)])
        report.rejected[:0] = refused.rejected
        return report
