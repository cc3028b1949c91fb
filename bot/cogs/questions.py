"""Questions: mentions, question channels, /ask, /search, /source and /help.

The cog only translates Discord events into calls of `newsdesk.index.Archive` and of the plain
formatting code in bot/embeds.py.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from newsdesk.index import Answer, Article, NoIndexError, parse_day

from ..answer_view import answer_view
from ..cooldown import UserCooldown
from ..embeds import (
    APOLOGY,
    EMPTY_ARCHIVE,
    answer_card,
    help_embed,
    no_match_text,
    search_embed,
    source_embed,
)
from ..settings import DiscordSettings
from ..text import cut_end, safe_cut

if TYPE_CHECKING:
    from newsdesk.index import Archive

    from ..client import NewsdeskBot

log = logging.getLogger("newsdesk.bot.questions")

PAGES = 3  # an answer carries up to PAGES pages of results behind "More"
SEARCH_RESULTS = 10
AUTOCOMPLETE_CHOICES = 25


class Questions(commands.Cog):
    def __init__(self, bot: NewsdeskBot) -> None:
        self.bot = bot
        self.cooldown = UserCooldown(bot.settings.cooldown_seconds)

    @property
    def settings(self) -> DiscordSettings:
        return self.bot.settings

    @property
    def archive(self) -> Archive:
        """The bot's archive; it opens in setup_hook, before any cog loads."""
        assert self.bot.archive is not None
        return self.bot.archive

    # Plain messages ---------------------------------------------------------------

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        question = self.question_in(message)
        if question is None:
            return
        if (await self.bot.get_context(message)).valid:
            return  # "@newsdesk sync" and other commands are not questions
        if not question:
            await message.reply("Ask me a question after the mention, or try `/help`.")
            return
        retry = self.cooldown.retry_after(message.author.id)
        if retry:
            await message.reply(self._cooldown_text(retry), delete_after=min(retry, 30))
            return
        try:
            async with message.channel.typing():
                answer = await self._ask(message.id, question, self._answer_k())
            await self._reply_with_answer(message, answer)
        except NoIndexError:
            await message.reply(EMPTY_ARCHIVE)
        except Exception:
            log.exception("question %s in channel %s failed", message.id, message.channel.id)
            await message.reply(APOLOGY)

    def question_in(self, message: discord.Message) -> str | None:
        """The question a message asks the bot, "" for a bare mention, None if none."""
        me = self.bot.user
        if message.author.bot or me is None:
            return None
        if me in message.mentions:
            if message.attachments:
                return None  # articles sent to be added: the library cog takes them
            return re.sub(rf"<@!?{me.id}>", " ", message.content).strip()
        if message.channel.id in self.settings.question_channels:
            return message.content.strip() or None
        return None

    async def _reply_with_answer(self, message: discord.Message, answer: Answer) -> None:
        if not answer.hits:
            await message.reply(no_match_text(answer))
            return
        if self.settings.answer_in_threads and isinstance(message.channel, discord.TextChannel):
            thread = await message.create_thread(name=cut_end(answer.question, 90) or "Answer")
            embed, view = await self._answer_card(answer, message.author.id, thread.id)
            await thread.send(embed=embed, view=view)
        else:
            embed, view = await self._answer_card(answer, message.author.id, message.channel.id)
            await message.reply(embed=embed, view=view)

    # Slash commands ---------------------------------------------------------------

    @app_commands.command(name="ask", description="Answer a question from the news archive.")
    @app_commands.describe(question="What do you want to know?",
                           source="Only articles from this outlet",
                           since="Only articles published since: 2018-11-01, or 7d, 2w, 3m")
    async def ask(self, interaction: discord.Interaction, question: app_commands.Range[
                  str, 1, 500], source: str | None = None, since: str | None = None) -> None:
        try:
            since_day = parse_day(since) if since else None
        except ValueError as exc:
            await _refuse(interaction, str(exc))
            return
        if not await self._allowed(interaction):
            return
        await interaction.response.defer(thinking=True)
        answer = await self._ask(interaction.id, question, self._answer_k(), source=source,
                                 since=since_day)
        if not answer.hits:
            await interaction.followup.send(no_match_text(answer))
            return
        embed, view = await self._answer_card(answer, interaction.user.id,
                                              interaction.channel_id)
        await interaction.followup.send(embed=embed, view=view)

    @ask.autocomplete("source")
    async def source_names(self, interaction: discord.Interaction, current: str
                           ) -> list[app_commands.Choice[str]]:
        needle = current.casefold()
        sources = await asyncio.to_thread(self.archive.sources)  # may load a new index
        return [app_commands.Choice(name=name[:100], value=name[:100])
                for name in sources if needle in name.casefold()][:AUTOCOMPLETE_CHOICES]

    @app_commands.command(name="search", description="List the articles that match a query.")
    @app_commands.describe(query="Words to look for")
    async def search(self, interaction: discord.Interaction,
                     query: app_commands.Range[str, 1, 500]) -> None:
        if not await self._allowed(interaction):
            return
        await interaction.response.defer(thinking=True)
        answer = await self._ask(interaction.id, query, SEARCH_RESULTS, listing=True)
        if answer.hits:
            await interaction.followup.send(embed=search_embed(answer))
        else:
            await interaction.followup.send(no_match_text(answer))

    @app_commands.command(name="source", description="Show one article's details and link.")
    @app_commands.describe(article="The article's id (start typing its title)")
    async def source(self, interaction: discord.Interaction, article: str) -> None:
        found = await asyncio.to_thread(self._article_named, article)
        if found is None:
            await _refuse(interaction, f"No article has an id or title like "
                                       f"“{safe_cut(article, 80)}”: start typing a title and "
                                       "pick one from the list.")
            return
        await interaction.response.send_message(embed=source_embed(found))

    @source.autocomplete("article")
    async def article_titles(self, interaction: discord.Interaction, current: str
                             ) -> list[app_commands.Choice[str]]:
        matches = await asyncio.to_thread(self.archive.titles, current, AUTOCOMPLETE_CHOICES)
        return [app_commands.Choice(name=_choice_name(m.title, m.source), value=m.article_id)
                for m in matches]

    @app_commands.command(name="help", description="How to ask newsdesk questions.")
    async def help(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(
            embed=help_embed(sorted(self.settings.question_channels)), ephemeral=True)

    # Shared -----------------------------------------------------------------------

    def _article_named(self, text: str) -> Article | None:
        """The article `text` names: an id (or its start), else the best-matching title
        (what people type when they do not pick from the list)."""
        found = self.archive.article(text)
        if found is not None:
            return found
        titles = self.archive.titles(text, 1)
        if titles:
            return self.archive.article(titles[0].article_id)
        listing = self.archive.search(text, 1)
        return self.archive.article(listing.hits[0].article_id) if listing.hits else None

    async def _answer_card(self, answer: Answer, asker_id: int, channel_id: int | None
                           ) -> tuple[discord.Embed, discord.ui.View]:
        """The answer's first page and its buttons, the answer kept so they persist (in
        the channel it is shown in, and there only)."""
        answer_id = await asyncio.to_thread(self.archive.record_answer, answer, str(asker_id),
                                            channel_id)
        token = await asyncio.to_thread(self.archive.answer_token, answer_id, channel_id)
        per_page = self.settings.results_per_page
        return (answer_card(answer, 0, per_page),
                answer_view(answer, answer_id, 0, per_page, token))

    def _answer_k(self) -> int:
        return self.settings.results_per_page * PAGES

    async def _allowed(self, interaction: discord.Interaction) -> bool:
        """False (after telling the user, ephemerally) when they are on cooldown."""
        retry = self.cooldown.retry_after(interaction.user.id)
        if retry:
            await _refuse(interaction, self._cooldown_text(retry))
        return not retry

    @staticmethod
    def _cooldown_text(retry: float) -> str:
        return f"One question at a time, please: you can ask again in {max(retry, 1):.0f} s."

    async def _ask(self, question_id: int, question: str, k: int, *, listing: bool = False,
                   **filters: object) -> Answer:
        """Parse and search off the event loop, so a slow question never stalls the bot;
        `listing` asks for /search's looser list instead of an answer."""
        began = time.perf_counter()
        ask = self.archive.search if listing else self.archive.ask
        answer = await asyncio.to_thread(ask, question, k, **filters)
        log.info("question %s: %d results in %.1f ms", question_id, len(answer.hits),
                 (time.perf_counter() - began) * 1000)
        return answer


async def _refuse(interaction: discord.Interaction, text: str) -> None:
    """Tell the user (only them) why their command was not carried out."""
    await interaction.response.send_message(text, ephemeral=True)


def _choice_name(title: str, source: str) -> str:
    """An autocomplete label within Discord's 100 characters: "Title — Outlet"."""
    suffix = f" — {source[:30]}"
    room = 100 - len(suffix)
    return (title if len(title) <= room else title[:room - 1] + "…") + suffix
