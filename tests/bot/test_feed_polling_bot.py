"""Feeds configured in config.toml, polled by the running bot (simcord), from a news
site on 127.0.0.1."""

from __future__ import annotations

from pathlib import Path

import pytest

from ..news_site import NewsSite
from .conftest import QUESTION, answer_of


@pytest.fixture
def config_path(tmp_path: Path, data_dir: Path, site: NewsSite, fast_fetcher) -> Path:
    """The bot's config with one feed, polled when the bot starts."""
    path = tmp_path / "config.toml"
    path.write_text(f'[index]\ndata_dir = "{data_dir}"\n\n[discord]\nadmin_roles = ["Editors"]\n'
                    f'\n[[feeds]]\nurl = "{site.url("/feed.xml")}"\ninterval_minutes = 15\n',
                    "utf-8")
    return path


async def test_configured_feeds_are_polled_and_their_articles_answered(newsroom, site,
                                                                       fast_fetcher):
    env, channel, reader = newsroom
    await env.settle()
    assert site.requests["/feed.xml"] == 1 and site.requests["/ferry.html"] == 1
    asked = await reader.slash(channel, "ask", question=QUESTION)
    assert "[Ferry returns after storms](" in answer_of(asked).embeds[0].description
