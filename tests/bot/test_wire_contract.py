"""The unmodified discord.py client, logged in through create_bot() and bot.start(token)
against a fake Discord on 127.0.0.1: what exactly goes over the wire."""

from __future__ import annotations

import asyncio
import logging
import os
import re
import signal

import discord
import pytest
import yarl

from newsdesk.bot import create_bot
from newsdesk.bot.cli import serve
from newsdesk.bot.settings import load_token

from .conftest import ANSWERS_THE_TOLL
from .fake_discord import ALICE, BOT_ID, BOT_USER, CHANNEL_ID, GUILD_ID, FakeDiscord

TOKEN = "MTE5ODc2NTQzMjEwOTg3NjU0MzI.GxYzAb.c2VjcmV0LXRva2VuLWZvci10ZXN0aW5nLW9ubHk"
QUESTION = "How many SDF fighters did ISIS kill?"
MESSAGES = f"/channels/{CHANNEL_ID}/messages"


@pytest.fixture
async def fake():
    server = FakeDiscord()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def connected(fake, config_path, monkeypatch, caplog):
    monkeypatch.setattr(discord.http.Route, "BASE", fake.api_base)
    monkeypatch.setattr(discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY",
                        yarl.URL(fake.gateway_url))
    monkeypatch.setenv("DISCORD_TOKEN", TOKEN)
    caplog.set_level(logging.DEBUG)
    bot = create_bot(config_path)
    bot._connection.guild_ready_timeout = 0.05  # the fake sends every guild at once
    runner = asyncio.create_task(serve(bot, load_token(bot.settings)))
    await asyncio.wait_for(bot.wait_until_ready(), 10)
    yield bot
    if not runner.done():
        os.kill(os.getpid(), signal.SIGTERM)  # the clean-shutdown path users take
    await asyncio.wait_for(runner, 10)


async def ask_by_mention(fake: FakeDiscord, question: str) -> dict:
    message = fake.message(CHANNEL_ID, ALICE, {"content": f"<@{BOT_ID}> {question}"},
                           mentions=[BOT_USER])
    await fake.dispatch("MESSAGE_CREATE", message)
    return message


def is_post(path: str):
    return lambda r: getattr(r, "method", None) == "POST" and r.path == path


async def test_the_bot_logs_in_identifies_and_becomes_ready(connected, fake):
    identify = await fake.wait_for(lambda f: isinstance(f, dict) and f.get("op") == 2)
    intents = discord.Intents._from_value(identify["d"]["intents"])
    assert intents.message_content and intents.guild_messages and not intents.members
    assert connected.user.id == int(BOT_ID)
    assert connected.get_guild(int(GUILD_ID)).get_channel(int(CHANNEL_ID)) is not None
    assert [r.path for r in fake.requests[:2]] == ["/users/@me", "/oauth2/applications/@me"]
    assert not any(r.path.endswith("/commands") for r in fake.requests)  # no automatic sync


async def test_a_mention_is_answered_with_an_embed_reply_that_pings_no_one(connected, fake):
    asked = await ask_by_mention(fake, QUESTION)
    sent = (await fake.wait_for(is_post(MESSAGES))).json
    assert sent["allowed_mentions"] == {"parse": []}
    assert sent["message_reference"]["message_id"] == int(asked["id"])
    [card] = sent["embeds"]
    assert card["title"] == QUESTION
    assert ANSWERS_THE_TOLL.search(card["description"])
    assert len(discord.Embed.from_dict(card)) <= 1000
    buttons = [c for row in sent["components"] for c in row["components"]]
    assert [c.get("label") or c["emoji"]["name"] for c in buttons] == [
        "Passages", "Previous", "More", "Dismiss", "👍", "👎", "Wrong article"]
    assert all(re.fullmatch(r"nd:[a-z_]+:[0-9]+:0:[0-9a-f]{16}", c["custom_id"]) for c in buttons)


async def test_a_slash_command_is_deferred_then_answered_by_follow_up(connected, fake):
    interaction = fake.interaction("ask", [{"name": "question", "type": 3, "value": QUESTION}])
    await fake.dispatch("INTERACTION_CREATE", interaction)
    callback = await fake.wait_for(
        is_post(f"/interactions/{interaction['id']}/itoken-1/callback"))
    assert callback.query == {"with_response": "1"}
    assert callback.json == {"type": 5}  # deferred, "thinking…"
    follow_up = await fake.wait_for(
        is_post(f"/webhooks/{interaction['application_id']}/itoken-1"))
    assert follow_up.query["wait"] == "1"  # the message comes back, for the view to edit
    assert ANSWERS_THE_TOLL.search(follow_up.json["embeds"][0]["description"])
    assert follow_up.json["allowed_mentions"] == {"parse": []}
    assert fake.requests.index(callback) < fake.requests.index(follow_up)


async def test_a_429_with_retry_after_is_retried(connected, fake):
    fake.rate_limit_next[MESSAGES] = 1
    await ask_by_mention(fake, QUESTION)
    await fake.wait_for(lambda r: sum(1 for q in fake.requests if is_post(MESSAGES)(q)) == 2)
    first, second = [r for r in fake.requests if is_post(MESSAGES)(r)]
    assert first.body == second.body  # the same message, sent again after the wait


async def test_the_token_travels_only_in_the_authorization_header(connected, fake, caplog):
    await ask_by_mention(fake, QUESTION)
    await fake.wait_for(is_post(MESSAGES))
    for request in fake.requests:
        assert request.headers["Authorization"] == f"Bot {TOKEN}"
        others = {k: v for k, v in request.headers.items() if k != "Authorization"}
        assert TOKEN not in f"{request.path}{request.query}{request.body}{others}"
    # The gateway protocol itself needs the token once, in IDENTIFY; nowhere else.
    assert [f["op"] for f in fake.frames if TOKEN in str(f)] == [2]
    assert TOKEN not in caplog.text
    assert TOKEN not in repr(connected.settings) + repr(load_token(connected.settings))


async def test_sigterm_closes_the_bot_and_its_archive(fake, config_path, monkeypatch):
    monkeypatch.setattr(discord.http.Route, "BASE", fake.api_base)
    monkeypatch.setattr(discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY",
                        yarl.URL(fake.gateway_url))
    monkeypatch.setenv("DISCORD_TOKEN", TOKEN)
    bot = create_bot(config_path)
    bot._connection.guild_ready_timeout = 0.05
    runner = asyncio.create_task(serve(bot, load_token(bot.settings)))
    await asyncio.wait_for(bot.wait_until_ready(), 10)
    assert bot.archive is not None
    os.kill(os.getpid(), signal.SIGTERM)
    await asyncio.wait_for(runner, 10)  # serve() returns: nothing was left running
    assert bot.is_closed()
    assert bot.archive is None  # closed with its database
