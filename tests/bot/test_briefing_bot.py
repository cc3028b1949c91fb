"""/briefing and scheduled briefings, through the real bot in simcord."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, time

from newsdesk.bot import create_bot
from newsdesk.bot.embeds import MESSAGE_EMBEDS_MAX
from newsdesk.bot.settings import ScheduledBriefing
from newsdesk.index import Marker

from ..conftest import write_jsonl
from .conftest import answer_of


async def test_slash_briefing_posts_a_digest_with_its_sources(newsroom):
    _, channel, alice = newsroom
    result = await alice.slash(channel, "briefing", topic="ferry storm", days=3650)
    embeds = answer_of(result).embeds
    header, stories = embeds[0], embeds[1:]
    assert header.title == "Briefing: ferry storm"
    assert header.description.startswith("8 articles from 2 outlets, published 2024-05-02 to "
                                         "2024-05-09")
    assert [s.title for s in stories] == [f"Ferry service report {n}" for n in range(8, 0, -1)]
    assert all(s.description.startswith(("*Harbour Gazette* · 2024-05", "*Coast Times* · 2024-05"))
               for s in stories)
    assert stories[0].url == "https://gazette.example/ferry/8"
    assert sum(len(e) for e in embeds) <= MESSAGE_EMBEDS_MAX


async def test_slash_briefing_shows_both_figures_when_sources_disagree(newsroom):
    _, channel, alice = newsroom
    result = await alice.slash(channel, "briefing", topic="fighting in Deir el-Zour", days=30)
    assert "Window: " in answer_of(result).embeds[0].description
    assert "(1 undated article left out)" in answer_of(result).embeds[0].description
    result = await alice.slash(channel, "briefing", topic="fighting in Deir el-Zour", days=0)
    embeds = answer_of(result).embeds
    assert "1 undated" in embeds[0].description and "Window: all dates." in (
        embeds[0].description)
    dispute = embeds[-1]
    assert dispute.title == "Sources differ on fighters killed: 40 against 60"
    assert {f.name.split(" ")[0] for f in dispute.fields} == {"40", "60"}
    assert all(f.value.startswith("> ") for f in dispute.fields)


async def test_a_scheduled_briefing_posts_new_articles_once_then_says_none(newsroom):
    env, channel, _ = newsroom
    cog = env.bot.get_cog("Briefings")
    ferries = ScheduledBriefing(channel.id, "ferry storm", time(7, 0), "UTC", days=3650)
    archive = env.bot.archive
    long_ago = datetime(2000, 1, 1, tzinfo=UTC)
    archive.set_marker(ferries.key, Marker(long_ago, long_ago))  # ran once, years ago

    await cog.run_scheduled(ferries)
    posted = channel.history()
    assert posted[0].embeds[0].title == "Briefing: ferry storm"
    assert len(posted[0].embeds) > 1

    await cog.run_scheduled(ferries)  # the same slot: nothing more
    assert len(channel.history()) == len(posted)

    archive.set_marker(ferries.key, Marker(long_ago, datetime.now(UTC)))  # slot missed, no news
    await cog.run_scheduled(ferries)
    assert channel.last_message.content.startswith("No new articles on “ferry storm” since ")


async def test_slash_timeline_lists_the_days_of_a_topic(newsroom):
    _, channel, alice = newsroom
    result = await alice.slash(channel, "timeline", topic="ferry storm")
    [page] = answer_of(result).embeds
    assert page.title == "Timeline: ferry storm"
    days = [line[2:12] for line in page.description.split("\n") if line.startswith("**20")]
    assert days and days == sorted(days)
    assert page.footer.text.startswith("Window: all dates")


async def test_a_watch_alerts_once_for_a_story_and_its_copy_across_a_restart(
        newsroom, config_path, tmp_path):
    env, channel, alice = newsroom
    env.bot.settings = dataclasses.replace(env.bot.settings, admin_roles=frozenset())
    refused = await alice.slash(channel, "watch add", topic="Quillmoor pier")
    assert refused.ephemeral and "Only admins can add watches" in refused.response.content
    env.bot.owner_id = alice.id
    made = await alice.slash(channel, "watch add", topic="Quillmoor pier")
    assert made.response.content.startswith("Watching “Quillmoor pier” (watch 1)")

    text = "Crews repaired the Quillmoor pier on Monday after the winter storms broke it."
    env.bot.archive.add([write_jsonl(tmp_path / "pier.jsonl", [  # as another process would
        {"id": "p1", "title": "Pier repaired", "source": "Coast Times", "text": text},
        {"id": "p2", "title": "Pier repaired", "source": "Island Post", "text": text}])])
    cog = env.bot.get_cog("Watches")
    assert await cog.post_alerts() == 1
    [alert] = channel.last_message.embeds
    assert alert.title == "Pier repaired" and alert.description.startswith(
        "*Coast Times, Island Post* · undated")
    assert alert.footer.text == "Watch “Quillmoor pier” · article p1"

    await env.restart_bot(create_bot(config_path))
    env.bot.archive.add([write_jsonl(tmp_path / "copy.jsonl", [
        {"id": "p3", "title": "Pier fixed", "source": "Gazette", "text": text}])])
    assert await env.bot.get_cog("Watches").post_alerts() == 0  # a copy: never again
    listing = await alice.slash(channel, "watch list")
    assert "“Quillmoor pier” → <#" in listing.response.content


async def test_briefing_since_last_lists_only_what_arrived_after_the_previous_one(
        newsroom, tmp_path):
    env, channel, alice = newsroom
    first = await alice.slash(channel, "briefing", topic="Quillmoor pier", days=0)
    assert "Nothing in the archive on this topic" in answer_of(first).embeds[0].description
    again = await alice.slash(channel, "briefing", topic="Quillmoor pier", since="last")
    assert answer_of(again).content.startswith("No new articles on “Quillmoor pier” since")
    env.bot.archive.add([write_jsonl(tmp_path / "pier.jsonl", [
        {"id": "p1", "title": "Pier repaired", "source": "Coast Times",
         "text": "Crews repaired the Quillmoor pier on Monday after the storms."}])])
    new = await alice.slash(channel, "briefing", topic="quillmoor  PIER", since="last")
    embeds = answer_of(new).embeds
    assert embeds[1].title == "Pier repaired"
    later = await alice.slash(channel, "briefing", topic="Quillmoor pier", since="last")
    assert answer_of(later).content.startswith("No new articles")
