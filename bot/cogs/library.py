"""Growing the archive from Discord: /add for a web page, articles attached to a
mention, and the configured feeds polled on their intervals. Only admins may add."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands, tasks

from newsdesk.index import (
    MAX_ARTICLE_BYTES,
    FeedSource,
    IngestReport,
    Rejection,
    Selection,
    day_label,
    is_url,
    plural,
)

from ..permissions import admin_roles_text, is_admin
from ..text import code, cut_end, safe_cut

if TYPE_CHECKING:
    from newsdesk.index import Archive

    from ..client import NewsdeskBot

log = logging.getLogger("newsdesk.bot.library")
CONTENT_MAX = 2000
UPLOAD_SOURCE = "Discord upload"  # the outlet of uploaded articles that name none


def report_text(report: IngestReport) -> str:
    """What was added (title, outlet, date) or why not, within one message."""
    lines = []
    for article in report.added_articles[:10]:
        when = day_label(article.published)
        lines.append(f"Added **{safe_cut(article.title, 200)}** — *{safe_cut(article.source, 80)}*"
                     f", {when} ({code(article.id)})")
    if len(report.added_articles) > 10:
        lines.append(f"… and {len(report.added_articles) - 10} more.")
    if report.duplicates:
        lines.append(f"{report.duplicates} already in the archive.")
    for rejection in report.rejected[:5]:
        origin = rejection.origin
        where = origin if is_url(origin) else Path(origin).name
        lines.append(f"Not added: {safe_cut(where, 200)}: {safe_cut(rejection.reason, 200)}")
    return cut_end("\n".join(lines) or "Nothing to add.", CONTENT_MAX)


def removal_text(selection: Selection, removed: int) -> str:
    """What was removed (title, outlet, id), and what matched nothing."""
    lines = [f"Removed **{safe_cut(a.title, 200)}** — *{safe_cut(a.source, 80)}* ({code(a.id)})"
             for a in selection.articles[:10]]
    if len(selection.articles) > 10:
        lines.append(f"… and {len(selection.articles) - 10} more.")
    if removed:
        lines.append(f"{plural(removed, 'article')} removed; the index is up to date.")
    lines += [f"Not found: {safe_cut(problem, 300)}" for problem in selection.problems[:5]]
    return cut_end("\n".join(lines) or "Nothing to remove.", CONTENT_MAX)


def safe_choice(label: str) -> str:
    """An autocomplete label within Discord's 100 characters."""
    return label if len(label) <= 100 else label[:99] + "…"


class Library(commands.Cog):
    def __init__(self, bot: NewsdeskBot) -> None:
        self.bot = bot
        self.fetcher = bot.config.fetch.fetcher()
        self.loops: list[tasks.Loop] = []

    @property
    def archive(self) -> Archive:
        assert self.bot.archive is not None
        return self.bot.archive

    async def cog_load(self) -> None:
        if not self.bot.runs_background_work:
            return
        for feed in self.bot.config.feeds:
            self.loops.append(self._start_polling(feed))

    async def cog_unload(self) -> None:
        for loop in self.loops:
            loop.cancel()

    def _start_polling(self, feed: FeedSource) -> tasks.Loop:
        async def run() -> None:
            report = await asyncio.to_thread(self.archive.poll_feed, feed, self.fetcher)
            log.info("%s", report.summary())

        loop = tasks.loop(minutes=feed.interval_minutes)(run)
        loop.start()
        return loop

    @app_commands.command(name="add",
                          description="Add a web page or an article file to the archive (admins).")
    @app_commands.describe(url="The article's address, http:// or https://",
                           file="An article file (.txt .md .html .json .jsonl .csv)",
                           source="The outlet of the file's articles that name none "
                                  "(default: Discord upload)")
    async def add(self, interaction: discord.Interaction,
                  url: app_commands.Range[str, 1, 2000] | None = None,
                  file: discord.Attachment | None = None,
                  source: app_commands.Range[str, 1, 100] | None = None) -> None:
        if not await is_admin(self.bot, interaction.user):
            await interaction.response.send_message(
                f"Only admins can add articles ({admin_roles_text(self.bot)}).", ephemeral=True)
            return
        if (url is None) == (file is None):
            await interaction.response.send_message(
                "Give a `url` or a `file` to add (one of them).", ephemeral=True)
            return
        if url is not None and not is_url(url):
            await interaction.response.send_message(
                "That is not a web address: it must start with http:// or https://.",
                ephemeral=True)
            return
        await interaction.response.defer(thinking=True)
        if file is not None:
            report = await self._add_attachments([file], source or UPLOAD_SOURCE)
        else:
            report = await asyncio.to_thread(self.archive.add, [url], None, self.fetcher)
        log.info("/add %s by %s: %d added, %d rejected", interaction.id, interaction.user.id,
                 report.added, len(report.rejected))
        await interaction.followup.send(report_text(report))

    @app_commands.command(name="remove", description="Remove articles from the archive (admins).")
    @app_commands.describe(article="An article's id, or its first characters (type a title)",
                           source="Every article of this outlet")
    async def remove(self, interaction: discord.Interaction,
                     article: app_commands.Range[str, 1, 200] | None = None,
                     source: app_commands.Range[str, 1, 200] | None = None) -> None:
        if not await is_admin(self.bot, interaction.user):
            await interaction.response.send_message(
                f"Only admins can remove articles ({admin_roles_text(self.bot)}).",
                ephemeral=True)
            return
        if article is None and source is None:
            await interaction.response.send_message(
                "Name an `article` or a `source` to remove.", ephemeral=True)
            return
        await interaction.response.defer(thinking=True)
        selection = await asyncio.to_thread(self.archive.select, [article] if article else [],
                                            source)
        removed = await asyncio.to_thread(self.archive.remove,
                                          [a.id for a in selection.articles])
        log.info("/remove %s by %s: %d removed", interaction.id, interaction.user.id, removed)
        await interaction.followup.send(removal_text(selection, removed))

    @remove.autocomplete("article")
    async def article_titles(self, interaction: discord.Interaction, current: str
                             ) -> list[app_commands.Choice[str]]:
        matches = await asyncio.to_thread(self.archive.titles, current, 25)
        return [app_commands.Choice(name=safe_choice(f"{m.title} — {m.source}"),
                                    value=m.article_id) for m in matches]

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
            report = await self._add_attachments(message.attachments, UPLOAD_SOURCE)
        log.info("upload %s by %s: %d added, %d rejected", message.id, message.author.id,
                 report.added, len(report.rejected))
        await message.reply(report_text(report))

    async def _add_attachments(self, attachments: list[discord.Attachment],
                               source: str) -> IngestReport:
        """The attachments read from their bytes, in the worker thread, each as its own
        file (two of one name included), and the index updated once."""
        refused: list[Rejection] = []
        files: list[tuple[str, bytes]] = []
        for attachment in attachments:
            name = Path(attachment.filename).name or "attachment"
            if attachment.size > MAX_ARTICLE_BYTES:  # refused before it is downloaded
                refused.append(Rejection(name, f"file too large ({attachment.size:,} bytes; "
                                               f"the limit is {MAX_ARTICLE_BYTES:,})"))
            else:
                files.append((name, await attachment.read()))
        report = await asyncio.to_thread(self.archive.add_bytes, files, source)
        report.rejected[:0] = refused
        return report
