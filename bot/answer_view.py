"""The buttons under an answer: Passages, Previous, More, Dismiss, 👍, 👎, Wrong article.

They are persistent: each button's custom_id carries the action, the shown answer's id
(kept in the archive by `Archive.record_answer`) and the page, and the bot registers
`AnswerButton` as a dynamic item, so the buttons keep working after a restart.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import discord

from newsdesk.index import Answer, ShownAnswer

from .embeds import answer_card, page_count, passage_embeds

if TYPE_CHECKING:
    from .client import NewsdeskBot


@dataclass(frozen=True)
class Action:
    label: str | None
    emoji: str | None
    style: discord.ButtonStyle
    row: int


ACTIONS = {
    "passages": Action("Passages", None, discord.ButtonStyle.secondary, 0),
    "prev": Action("Previous", None, discord.ButtonStyle.secondary, 0),
    "more": Action("More", None, discord.ButtonStyle.primary, 0),
    "dismiss": Action("Dismiss", None, discord.ButtonStyle.danger, 0),
    "up": Action(None, "👍", discord.ButtonStyle.secondary, 1),
    "down": Action(None, "👎", discord.ButtonStyle.secondary, 1),
    "wrong_article": Action("Wrong article", None, discord.ButtonStyle.secondary, 1),
}
VERDICT_THANKS = {"up": "👍 noted: thank you.",
                  "down": "👎 noted: thank you. It helps us find better answers.",
                  "wrong_article": "Noted: the answer came from the wrong article. Thank you."}


class AnswerButton(discord.ui.DynamicItem[discord.ui.Button],
                   template=r"nd:(?P<action>[a-z_]+):(?P<answer>[0-9]{1,18}):(?P<page>[0-9]{1,3})"
                            r":(?P<token>[0-9a-f]{16})"):
    def __init__(self, action: str, answer_id: int, page: int, token: str, *,
                 disabled: bool = False) -> None:
        look = ACTIONS[action]
        super().__init__(discord.ui.Button(
            label=look.label, emoji=look.emoji, style=look.style, row=look.row,
            disabled=disabled, custom_id=f"nd:{action}:{answer_id}:{page}:{token}"))
        self.action = action
        self.answer_id = answer_id
        self.page = page
        self.token = token

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Button,
                             match: re.Match[str], /) -> AnswerButton:
        action = match["action"]
        if action not in ACTIONS:
            raise ValueError(f"unknown answer button {action!r}")
        return cls(action, int(match["answer"]), int(match["page"]), match["token"])

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        bot: NewsdeskBot = interaction.client
        archive = bot.archive
        assert archive is not None
        shown = await asyncio.to_thread(archive.shown_answer, self.answer_id, self.token,
                                        interaction.channel_id)
        if shown is None or not shown.hits:
            await interaction.response.send_message("This answer is no longer available.",
                                                    ephemeral=True)
            return
        per_page = bot.settings.results_per_page
        user = str(interaction.user.id)
        if self.action in ("prev", "more"):
            page = self.page + (1 if self.action == "more" else -1)
            page = min(max(page, 0), page_count(shown, per_page) - 1)
            await interaction.response.edit_message(
                embed=answer_card(shown, page, per_page),
                view=answer_view(shown, self.answer_id, page, per_page, self.token))
        elif self.action == "passages":
            await interaction.response.send_message(
                embeds=passage_embeds(shown, self.page, per_page), ephemeral=True)
        elif self.action == "dismiss":
            if not await asyncio.to_thread(archive.is_asker, shown, user):
                await interaction.response.send_message(
                    "Only the person who asked can dismiss this.", ephemeral=True)
                return
            await interaction.response.defer()
            await interaction.delete_original_response()
        else:
            await asyncio.to_thread(archive.record_feedback, self.answer_id, user, self.action)
            await interaction.response.send_message(VERDICT_THANKS[self.action],
                                                    ephemeral=True)


def answer_view(answer: Answer | ShownAnswer, answer_id: int, page: int, per_page: int,
                token: str) -> discord.ui.View:
    """The buttons for page `page` of a shown answer (no timeout: they persist); `token`
    ties them to the answer and its channel (Archive.answer_token)."""
    pages = page_count(answer, per_page)
    view = discord.ui.View(timeout=None)
    for action in ACTIONS:
        disabled = (action == "prev" and page == 0) or (action == "more" and page >= pages - 1)
        view.add_item(AnswerButton(action, answer_id, page, token, disabled=disabled))
    return view
