"""The buttons under a briefing: page through it, or dismiss it. (An answer's buttons
are persistent: answer_view.py.)"""

from __future__ import annotations

import contextlib

import discord

VIEW_TIMEOUT_SECONDS = 15 * 60


class PagerView(discord.ui.View):
    """Pages of embeds, rendered in advance. Anyone may page; only the asker may dismiss."""

    def __init__(self, pages: list[list[discord.Embed]], asker_id: int) -> None:
        super().__init__(timeout=VIEW_TIMEOUT_SECONDS)
        self.pages = pages
        self.asker_id = asker_id
        self.page = 0
        self.message: discord.Message | discord.WebhookMessage | None = None
        self._sync_buttons()

    def first_page(self) -> list[discord.Embed]:
        return self.pages[0]

    def _sync_buttons(self) -> None:
        self.previous.disabled = self.page == 0
        self.more.disabled = self.page >= len(self.pages) - 1
        self.more.label = "More" if len(self.pages) > 1 else "No more results"

    async def _show(self, interaction: discord.Interaction, page: int) -> None:
        self.page = page
        self._sync_buttons()
        await interaction.response.edit_message(embeds=self.pages[page], view=self)

    @discord.ui.button(label="Previous", style=discord.ButtonStyle.secondary)
    async def previous(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        await self._show(interaction, max(self.page - 1, 0))

    @discord.ui.button(label="More", style=discord.ButtonStyle.primary)
    async def more(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        await self._show(interaction, min(self.page + 1, len(self.pages) - 1))

    @discord.ui.button(label="Dismiss", style=discord.ButtonStyle.danger)
    async def dismiss(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        if interaction.user.id != self.asker_id:
            await interaction.response.send_message(
                "Only the person who asked can dismiss this.", ephemeral=True)
            return
        self.stop()
        await interaction.response.defer()
        await interaction.delete_original_response()

    async def on_timeout(self) -> None:
        if self.message is not None:
            # Deleted or no longer editable: nothing to tidy.
            with contextlib.suppress(discord.HTTPException):
                await self.message.edit(view=None)
