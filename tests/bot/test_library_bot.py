"""/add and articles attached to a mention, in the real bot (simcord), fetching from
a news site on 127.0.0.1."""

from __future__ import annotations

import time

import pytest

from ..news_site import ARTICLE_TEXT, page
from .conftest import QUESTION, answer_of


@pytest.fixture
def world(simcord_env):
    guild = simcord_env.create_guild()
    channel = guild.create_text_channel("desk")
    editors = guild.create_role("Editors")
    editor = guild.add_member(simcord_env.create_user("ed"), roles=[editors])
    reader = guild.add_member(simcord_env.create_user("rita"))
    return simcord_env, channel, editor, reader


async def test_add_is_for_admins(fast_fetcher, world, site):
    _, channel, _, reader = world
    result = await reader.slash(channel, "add", url=site.url("/ferry.html"))
    assert result.ephemeral and "Only admins can add articles (roles: Editors)" in (
        result.response.content)


async def test_an_added_page_is_answerable_at_once(fast_fetcher, world, site):
    _, channel, editor, reader = world
    began = time.perf_counter()
    result = await editor.slash(channel, "add", url=site.url("/ferry.html"))
    assert answer_of(result).content.startswith(
        "Added **Ferry returns after storms** — *Harbour Gazette*, 2024-05-02")
    asked = await reader.slash(channel, "ask", question=QUESTION)
    elapsed = time.perf_counter() - began
    assert answer_of(asked).embeds[1].title == "Ferry returns after storms"
    assert elapsed < 30  # a generous bound; the figure itself is reported by the benchmark


async def test_add_says_why_a_page_was_not_added(fast_fetcher, world, site):
    _, channel, editor, _ = world
    result = await editor.slash(channel, "add", url=site.url("/gone.html"))
    assert answer_of(result).content == (
        f"Not added: {site.url('/gone.html')}: HTTP 404 Not Found")
    again = await editor.slash(channel, "add", url="ftp://example.org/x")
    assert again.ephemeral and "must start with http://" in again.response.content


async def test_an_article_attached_to_a_mention_is_added_by_an_admin_only(world):
    env, channel, editor, reader = world
    body = page("Ferry returns after storms", "Harbour Gazette", ARTICLE_TEXT,
                "https://gazette.example/ferry")
    await reader.send(channel, f"{env.bot.user.mention} please add",
                      attachments=[("ferry.html", body)])
    assert "Only admins can add articles" in channel.last_message.content
    await editor.send(channel, f"{env.bot.user.mention} please add",
                      attachments=[("ferry.html", body), ("notes.exe", b"MZ")])
    reply = channel.last_message.content
    assert reply.startswith("Added **Ferry returns after storms** — *Harbour Gazette*")
    assert "Not added: notes.exe: unsupported file type" in reply
