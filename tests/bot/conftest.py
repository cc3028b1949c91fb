from __future__ import annotations

import re
from pathlib import Path

import pytest

from newsdesk.bot import create_bot
from newsdesk.index import Archive, IndexSettings
from newsdesk.index.config import FetchSettings
from newsdesk.index.fetch import Fetcher

from ..conftest import SEEDS, write_jsonl
from ..news_site import ARTICLE_TEXT, NewsSite, page

# The seed article gives two death tolls (40 and 60); either sentence answers the question.
ANSWERS_THE_TOLL = re.compile(r"killed (at least|more than) \d+|\d+ SDF fighters were killed")

PLACEHOLDER_CHANNEL = 1  # replaced by the simulated channel's id in tests that need it


def extra_articles() -> list[dict]:
    """Enough articles about one subject to need a second page of results."""
    return [{
        "id": f"ferry-{n}",
        "title": f"Ferry service report {n}",
        "source": "Harbour Gazette" if n % 2 else "Coast Times",
        "url": f"https://gazette.example/ferry/{n}",
        "published": f"2024-05-{n + 1:02d}",
        "text": f"The ferry service to island{n} resumed on Monday after the storm, the "
                f"harbour master said. Ferry crews worked overnight. Passengers on the ferry "
                f"to island{n} praised the crews. The storm had closed the ferry for {n} days.",
    } for n in range(1, 9)]


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    archive = Archive(IndexSettings(folder))
    archive.add([SEEDS, write_jsonl(tmp_path / "ferries.jsonl", extra_articles())])
    archive.close()
    return folder


@pytest.fixture
def config_path(tmp_path: Path, data_dir: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(f'[index]\ndata_dir = "{data_dir}"\n\n[discord]\n'
                    f"question_channels = [{PLACEHOLDER_CHANNEL}]\ncooldown_seconds = 30\n"
                    'admin_roles = ["Editors"]\n', "utf-8")
    return path


@pytest.fixture
def simcord_bot(config_path: Path):
    return create_bot(config_path, sync_commands=True)


QUESTION = "When did the ferry to Gull Island resume?"


def answer_of(result):
    """The message that answered: after a "thinking" defer, Discord turns the first
    follow-up into the original response."""
    return result.followups[-1] if result.followups else result.response


HTML = {"Content-Type": "text/html; charset=utf-8"}


@pytest.fixture
def fast_fetcher(monkeypatch):
    """The bot's fetcher without its politeness delay (one test server, many requests)."""
    monkeypatch.setattr(FetchSettings, "fetcher", lambda self: Fetcher(
        timeout=1.0, per_host_delay=0.0, allow_private_addresses=True))


@pytest.fixture
def site():
    """A news site on 127.0.0.1 with one article page and a feed that links to it."""
    server = NewsSite()
    server.routes["/ferry.html"] = lambda h: (200, HTML, page(
        "Ferry returns after storms", "Harbour Gazette", ARTICLE_TEXT, server.url("/ferry.html")))
    server.routes["/feed.xml"] = lambda h: (200, {"Content-Type": "application/rss+xml"}, (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour Gazette</title>'
        f'<item><title>Ferry returns</title><link>{server.url("/ferry.html")}</link></item>'
        "</channel></rss>").encode())
    server.start()
    yield server
    server.stop()




@pytest.fixture
def newsroom(simcord_env):
    """A server with one channel and one member: (env, channel, member)."""
    guild = simcord_env.create_guild()
    channel = guild.create_text_channel("newsroom")
    member = guild.add_member(simcord_env.create_user("alice"))
    return simcord_env, channel, member
