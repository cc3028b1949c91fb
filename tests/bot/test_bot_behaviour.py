"""The real bot object, driven through its real event handlers by simcord (offline)."""

from __future__ import annotations

import dataclasses
import logging

import discord
import pytest
from discord.ext import commands

from newsdesk.bot import create_bot
from newsdesk.bot.embeds import ANSWER_CARD_MAX

from .conftest import ANSWERS_THE_TOLL, answer_of

QUESTION = "How many SDF fighters did ISIS kill?"


@pytest.fixture
def world(simcord_env):
    guild = simcord_env.create_guild()
    channel = guild.create_text_channel("newsroom")
    alice = guild.add_member(simcord_env.create_user("alice"))
    bob = guild.add_member(simcord_env.create_user("bob"))
    return simcord_env, guild, channel, alice, bob


def bot_messages(channel, env):
    return [m for m in channel.history() if m.author.id == env.bot.user.id]


async def test_a_mention_with_a_question_gets_a_sourced_answer_in_reply(world):
    env, _, channel, alice, _ = world
    asked = await alice.send(channel, f"{env.bot.user.mention} {QUESTION}")
    reply = channel.last_message
    assert reply.author.id == env.bot.user.id
    assert reply.reference.message_id == asked.id
    [card] = reply.embeds  # one short card
    assert ANSWERS_THE_TOLL.search(card.description)
    assert card.title == QUESTION
    assert card.description.startswith("**")  # the answer sentence, in bold
    assert "· *seeds* · undated · `d31e59b5c1ac77ec`" in card.description
    assert len(card) <= ANSWER_CARD_MAX
    rows = [[c.label or c.emoji.name for c in row.children] for row in reply.components]
    assert rows == [["Passages", "Previous", "More", "Dismiss"],
                    ["👍", "👎", "Wrong article"]]


async def test_console_and_bot_give_the_same_answer(world):
    env, _, channel, alice, _ = world
    await alice.send(channel, f"{env.bot.user.mention} {QUESTION}")
    hits = env.bot.archive.ask(QUESTION, k=9).hits
    card = channel.last_message.embeds[0]
    assert hits[0].sentence.replace("*", "") in card.description.replace("\\", "")
    passages = (await alice.click(channel.last_message, label="Passages")).response.embeds
    others = list(dict.fromkeys(h.article_id for h in hits[1:]
                                if h.article_id != hits[0].article_id))
    # The answer's passage, then those of the other articles listed as sources.
    assert [e.footer.text.rsplit(" ", 1)[-1] for e in passages] == [
        hits[0].article_id, *others[:3]]


async def test_plain_messages_are_questions_only_in_configured_channels(world):
    env, guild, channel, alice, _ = world
    other = guild.create_text_channel("chat")
    env.bot.settings = dataclasses.replace(env.bot.settings,
                                           question_channels=frozenset({channel.id}))
    await alice.send(other, "Who is Jan Egeland?")
    assert bot_messages(other, env) == []
    await alice.send(channel, "Who is Jan Egeland?")
    assert "Jan Egeland" in channel.last_message.embeds[0].description


async def test_a_question_nothing_answers_says_so_and_suggests_search(world):
    env, _, channel, alice, _ = world
    await alice.send(channel, f"{env.bot.user.mention} What did the bitcoin market do in Zurich?")
    text = channel.last_message.content
    assert "Nothing in the archive answers" in text
    assert "/search" in text


async def test_slash_ask_defers_then_follows_up_with_the_answer(world):
    env, _, channel, alice, _ = world
    result = await alice.slash(channel, "ask", question=QUESTION)
    calls = [(r.method, r.path.split("/")[1], r.json) for r in env.http_requests[-2:]]
    assert calls[0] == ("POST", "interactions", {"type": 5})  # deferred first
    assert calls[1][:2] == ("POST", "webhooks")  # then the follow-up
    answer = answer_of(result)
    assert ANSWERS_THE_TOLL.search(answer.embeds[0].description)
    assert not answer.ephemeral


async def test_slash_ask_filters_by_source_and_rejects_a_bad_date(world):
    _, _, channel, alice, bob = world
    result = await alice.slash(channel, "ask", question="ferry storm island", source="Coast Times")
    card = answer_of(result).embeds[0]
    assert "*Coast Times* · 2024-05-" in card.description
    assert "Harbour Gazette" not in card.description
    nothing = await bob.slash(channel, "ask", question=QUESTION, source="Reuters")
    assert "No article is from “Reuters”; the outlets are " in answer_of(nothing).content
    bad = await bob.slash(channel, "ask", question="ferry", since="last week")
    assert bad.ephemeral
    assert "not a date" in bad.response.content


async def test_source_autocomplete_offers_outlets(world):
    _, _, channel, alice, _ = world
    choices = await alice.autocomplete(channel, "ask", "source", "harb", question="ferry")
    assert [c["value"] for c in choices] == ["Harbour Gazette"]


async def test_slash_search_lists_matching_articles(world):
    _, _, channel, alice, _ = world
    result = await alice.slash(channel, "search", query="ferry crews")
    listing = answer_of(result).embeds[0]
    assert listing.title == "Search: ferry crews"
    assert listing.description.count("gazette.example/ferry/") >= 4


async def test_source_autocomplete_then_slash_source_shows_the_article(world):
    _, _, channel, alice, _ = world
    choices = await alice.autocomplete(channel, "source", "article", "Ferry service report 3")
    assert choices and len(choices) <= 25
    assert choices[0]["name"] == "Ferry service report 3 — Harbour Gazette"
    result = await alice.slash(channel, "source", article=choices[0]["value"])
    embed = result.response.embeds[0]
    assert embed.title == "Ferry service report 3"
    assert embed.url == "https://gazette.example/ferry/3"
    assert embed.footer.text == "article ferry-3"
    missing = await alice.slash(channel, "source", article="nope")
    assert missing.ephemeral and "No article has an id or title like" in (
        missing.response.content)
    typed = await alice.slash(channel, "source", article="ferry service report 3")
    assert typed.response.embeds[0].footer.text == "article ferry-3"  # a title, typed


async def test_help_is_ephemeral_and_names_every_command_and_button(world):
    env, _, channel, alice, _ = world
    result = await alice.slash(channel, "help")
    assert result.ephemeral
    names = " ".join(f.name for f in result.response.embeds[0].fields)
    commands_ = {c.name for c in env.bot.tree.get_commands()} - {"help"}  # this one
    assert {f"/{name}" for name in commands_} <= {word for word in names.split()
                                                  if word.startswith("/")}
    buttons = result.response.embeds[0].fields[-2].value
    assert all(b in buttons for b in ("Passages", "More", "Dismiss", "👍", "👎", "Wrong article"))


async def test_more_pages_through_results_and_only_the_asker_can_dismiss(world):
    env, _, channel, alice, bob = world
    await alice.send(channel, f"{env.bot.user.mention} When did the ferry service resume?")
    message = channel.last_message
    first = message.embeds[0]
    assert first.footer.text.startswith("Page 1 of")
    await bob.click(message, label="More")
    page2 = channel.last_message
    assert page2.id == message.id
    assert page2.embeds[0].footer.text.startswith("Page 2 of")
    answer_line = first.description.split("\n")[0]
    assert page2.embeds[0].description.startswith(answer_line)  # the answer stays
    assert "\n5. " in page2.embeds[0].description

    refused = await bob.click(page2, label="Dismiss")
    assert refused.ephemeral and "Only the person who asked" in refused.response.content
    assert channel.last_message.id == message.id
    await alice.click(page2, label="Dismiss")
    assert all(m.id != message.id for m in channel.history())


async def test_cooldown_answers_politely_and_ends(world):
    env, _, channel, alice, bob = world
    await alice.slash(channel, "ask", question=QUESTION)
    again = await alice.slash(channel, "ask", question=QUESTION)
    assert again.ephemeral and "ask again in 30 s" in again.response.content
    other = await bob.slash(channel, "search", query="ferry")
    assert not other.ephemeral  # cooldowns are per user
    await env.advance_time(31)
    later = await alice.slash(channel, "ask", question=QUESTION)
    assert answer_of(later).embeds and not answer_of(later).ephemeral


async def test_sync_is_for_admins_only(world):
    env, guild, channel, alice, _ = world
    editors = guild.create_role("Editors")
    editor = guild.add_member(env.create_user("ed"), roles=[editors])
    await alice.send(channel, f"{env.bot.user.mention} sync")
    assert "only the bot's owner or an admin role" in channel.last_message.content
    assert [type(e) for e in env.errors] == [commands.CheckFailure]  # seen, and answered
    await editor.send(channel, f"{env.bot.user.mention} sync")
    assert channel.last_message.content == "Synced 10 slash commands."


async def test_an_unexpected_error_is_logged_once_and_the_user_gets_an_apology(
        world, caplog, monkeypatch):
    env, _, channel, alice, _ = world

    def broken(*args, **kwargs):
        raise RuntimeError("index exploded")

    monkeypatch.setattr(env.bot.archive, "ask", broken)
    with caplog.at_level(logging.ERROR):
        result = await alice.slash(channel, "ask", question=QUESTION)
    apology = result.response  # the "thinking…" placeholder, turned into the apology
    assert apology.content.startswith("Sorry, something went wrong")
    assert "Traceback" not in apology.content and apology.embeds == []
    records = [r for r in caplog.records if r.exc_info]
    assert len(records) == 1 and "/ask" in records[0].getMessage()
    [error] = env.errors  # simcord saw it too; acknowledged here
    assert isinstance(error.original, RuntimeError)


async def test_quoted_news_text_cannot_ping_anyone(world, tmp_path):
    env, _, channel, alice, _ = world
    from ..conftest import write_jsonl
    env.bot.archive.add([write_jsonl(tmp_path / "ping.jsonl", [{
        "id": "ping", "title": "@everyone look", "source": "Prank Post",
        "text": "The zebra crossing vote shocked @everyone and <@&123456789012345678> "
                "at the zebra council."}])])
    await alice.send(channel, f"{env.bot.user.mention} zebra crossing vote")
    reply = channel.last_message
    passages = await alice.click(reply, label="Passages")
    text = reply.embeds[0].description + passages.response.embeds[0].description
    assert "@everyone" not in text.replace("@\u200beveryone", "")
    assert reply.mention_everyone is False and reply.role_mentions == []
    request = next(r for r in reversed(env.http_requests)
                   if r.method == "POST" and r.path.endswith("/messages"))
    assert request.json["allowed_mentions"] == {"parse": []}  # no one, not even the asker


def test_intents_ask_for_message_content_only_with_question_channels(config_path):
    from newsdesk.bot import create_bot
    assert create_bot(config_path).intents.message_content
    config_path.write_text(config_path.read_text().replace("question_channels = [1]\n", ""))
    bot = create_bot(config_path)
    assert not bot.intents.message_content
    assert bot.allowed_mentions.to_dict() == discord.AllowedMentions.none().to_dict()


async def test_a_corrected_spelling_is_said_under_the_answer(world):
    env, _, channel, alice, _ = world
    await alice.send(channel, f"{env.bot.user.mention} Who is Jan Egelandd?")
    answer = channel.last_message.embeds[0]
    assert "Jan Egeland" in answer.description
    assert answer.footer.text == "Searched for “egeland” (typed: “egelandd”)"


async def test_a_time_the_question_names_is_said_under_the_answer(world):
    env, _, channel, alice, _ = world
    await alice.send(channel, f"{env.bot.user.mention} What did ISIS do last week?")
    footer = channel.last_message.embeds[0].footer.text
    assert footer.startswith("No article is from ") and "(“last week”)" in footer


async def test_a_vote_is_stored_and_the_buttons_work_after_a_restart(world, config_path):
    env, _, channel, alice, bob = world
    await alice.send(channel, f"{env.bot.user.mention} {QUESTION}")
    message = channel.last_message
    thanks = await bob.click(message, custom_id=_button(message, "👍"))
    assert thanks.ephemeral and thanks.response.content.startswith("👍 noted")
    assert env.bot.archive.feedback_summary().verdicts["up"] == 1

    await env.restart_bot(create_bot(config_path))  # a new process: no view in memory
    down = await alice.click(message, custom_id=_button(message, "👎"))
    assert down.ephemeral and down.response.content.startswith("👎 noted")
    summary = env.bot.archive.feedback_summary()
    assert summary.verdicts == {"up": 1, "down": 1, "wrong_article": 0}
    assert summary.recent_down[0].answer.question == QUESTION
    passages = await bob.click(message, label="Passages")
    assert passages.response.embeds[0].footer.text.startswith("Result 1 of")
    refused = await bob.click(message, label="Dismiss")
    assert "Only the person who asked" in refused.response.content
    await alice.click(message, label="Dismiss")
    assert all(m.id != message.id for m in channel.history())


def _button(message, emoji: str) -> str:
    return next(c.custom_id for row in message.components for c in row.children
                if c.emoji is not None and c.emoji.name == emoji)


async def test_answers_can_go_into_a_thread_on_the_question(world):
    env, _, channel, alice, _ = world
    env.bot.settings = dataclasses.replace(env.bot.settings, answer_in_threads=True)
    asked = await alice.send(channel, f"{env.bot.user.mention} {QUESTION}")
    thread = next(t for t in channel.threads if t.id == asked.id)
    [card] = thread.last_message.embeds
    assert ANSWERS_THE_TOLL.search(card.description)
    assert thread.name == QUESTION


async def test_a_button_acts_only_on_its_own_answer_in_its_own_channel(world):
    """A button carries the answer's id and a token for that answer and channel: a
    custom_id made up by a user (another id, another channel, no token) finds nothing."""
    env, guild, channel, alice, _ = world
    await alice.send(channel, f"{env.bot.user.mention} {QUESTION}")
    _, _, answer_id, _, token = _button(channel.last_message, "👍").split(":")
    archive, other = env.bot.archive, guild.create_text_channel("elsewhere")
    assert archive.shown_answer(int(answer_id), token, channel.id).question == QUESTION
    assert archive.shown_answer(int(answer_id), "0" * 16, channel.id) is None
    assert archive.shown_answer(int(answer_id), token, other.id) is None
    assert archive.shown_answer(int(answer_id) + 1, token, channel.id) is None
