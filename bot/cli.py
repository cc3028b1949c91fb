"""`newsdesk`: the index's commands plus `newsdesk bot`, which runs the Discord bot."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from newsdesk.index import Config, ConfigError, load_config
from newsdesk.index.cli import ExtraCommand
from newsdesk.index.cli import main as index_main

if TYPE_CHECKING:
    from rich.console import Console

    from .client import NewsdeskBot
    from .settings import DiscordSettings, Secret

# discord.py, the bot and its settings are imported inside `newsdesk bot`'s functions
# only: every other command starts about 0.7 s sooner without them.

log = logging.getLogger("newsdesk.bot")


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--sync", action="store_true",
                        help="register the slash commands with Discord at start-up (needed "
                             "once, and after commands change)")
    parser.add_argument("--log-level", default="INFO",
                        choices=["DEBUG", "INFO", "WARNING", "ERROR"])
    parser.add_argument("--shard-ids", type=shard_ids, metavar="N,N…",
                        help="run only these of discord.py's shards (with --shard-count), so "
                             "that several processes split a large bot's gateway load")
    parser.add_argument("--shard-count", type=int, metavar="N",
                        help="how many shards the bot has in all (with --shard-ids)")


def shard_ids(text: str) -> list[int]:
    try:
        ids = sorted({int(part) for part in text.split(",") if part.strip()})
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be shard numbers such as 0,1, not {text!r}"
                                         ) from None
    if not ids or ids[0] < 0:
        raise argparse.ArgumentTypeError("must be shard numbers from 0, such as 0,1")
    return ids


def make_bot(args: argparse.Namespace, config: Config, settings: DiscordSettings
             ) -> NewsdeskBot:
    """The bot, sharded when --shard-ids and --shard-count say so (both or neither)."""
    from .client import NewsdeskBot, ShardedNewsdeskBot

    if (args.shard_ids is None) != (args.shard_count is None):
        raise ConfigError("--shard-ids and --shard-count go together")
    if args.shard_ids is None:
        return NewsdeskBot(config, settings, sync_commands=args.sync)
    if args.shard_ids[-1] >= args.shard_count:
        raise ConfigError(f"--shard-ids must be below --shard-count ({args.shard_count})")
    return ShardedNewsdeskBot(config, settings, sync_commands=args.sync,
                              shard_ids=args.shard_ids, shard_count=args.shard_count)


def run(args: argparse.Namespace, out: Console, err: Console) -> int:
    import asyncio

    import discord

    from newsdesk.allocator import keep_freed_memory

    from .settings import discord_settings, load_token

    keep_freed_memory()  # (a process that answers for weeks: see allocator.py)
    config = load_config(args.config)
    settings = discord_settings(config)
    bot = make_bot(args, config, settings)
    token = load_token(settings)  # fails here, in one line, before anything connects
    discord.utils.setup_logging(level=getattr(logging, args.log_level))
    try:
        asyncio.run(serve(bot, token))
    except discord.LoginFailure:
        err.print("[red]newsdesk: error:[/] Discord rejected the token; check $DISCORD_TOKEN "
                  "or discord.token_file.", soft_wrap=True)
        return 2
    except discord.PrivilegedIntentsRequired:
        err.print("[red]newsdesk: error:[/] discord.question_channels needs the Message "
                  "Content intent: enable it for the bot in the Developer Portal (Bot → "
                  "Privileged Gateway Intents), or leave question_channels empty.",
                  soft_wrap=True)
        return 2
    return 0


async def serve(bot: NewsdeskBot, token: Secret) -> None:
    """Run until the connection ends or SIGINT/SIGTERM arrives; then close cleanly (the
    archive and its database close with the bot)."""
    import asyncio

    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with bot:
        running = asyncio.create_task(bot.start(token.reveal()))
        stopping = asyncio.create_task(stop.wait())
        done, _ = await asyncio.wait({running, stopping}, return_when=asyncio.FIRST_COMPLETED)
        if stopping in done:
            log.info("stopping on signal")
        await bot.close()
        for task in (running, stopping):
            if not task.done():
                task.cancel()
        if running in done:
            running.result()  # a login or intents failure surfaces to run()


BOT = ExtraCommand("bot", "Run the Discord bot (token from $DISCORD_TOKEN or "
                          "discord.token_file).", configure, run)


def main(argv: Sequence[str] | None = None) -> int:
    return index_main(argv, extra=[BOT])


if __name__ == "__main__":
    sys.exit(main())
