"""Scheduled briefings: due times, and restarts that neither repeat nor skip a run.
The clock is passed in; nothing sleeps."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest

from newsdesk.bot.schedule import BriefingRunner, latest_slot
from newsdesk.bot.settings import ScheduledBriefing, discord_settings
from newsdesk.index import Archive, ConfigError, IndexSettings, load_config

from ..conftest import write_jsonl

DAILY = ScheduledBriefing(channel=42, topic="ferry storm", at=time(7, 30),
                          timezone="Europe/London", days=3)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


class Posts:
    def __init__(self) -> None:
        self.calls: list[tuple[list[str], datetime]] = []

    async def __call__(self, schedule, briefing, since) -> None:
        self.calls.append(([i.article_id for i in briefing.items], since))


def add_ferry(archive: Archive, tmp_path: Path, n: int, published: str) -> None:
    archive.add([write_jsonl(tmp_path / f"f{n}.jsonl", [{
        "id": f"ferry-{n}", "title": f"Ferry {n}", "source": "Gazette", "published": published,
        "text": f"The ferry service stopped during the storm, crews said on day {n}. "
                f"The storm kept ferry number {n} in port."}])])


def test_the_latest_slot_follows_the_local_clock_across_daylight_saving():
    winter = datetime(2024, 1, 10, 8, 0, tzinfo=UTC)  # 08:00 in London
    assert latest_slot(DAILY, winter) == datetime(2024, 1, 10, 7, 30, tzinfo=UTC)
    summer = datetime(2024, 7, 10, 7, 0, tzinfo=UTC)  # 08:00 in London (BST)
    assert latest_slot(DAILY, summer) == datetime(2024, 7, 10, 6, 30, tzinfo=UTC)
    before = datetime(2024, 7, 10, 6, 0, tzinfo=UTC)  # 07:00 BST: today's slot is ahead
    assert latest_slot(DAILY, before) == datetime(2024, 7, 9, 6, 30, tzinfo=UTC)


async def test_a_new_briefing_starts_counting_without_posting(tmp_path: Path):
    archive = Archive(IndexSettings(tmp_path / "data"))
    add_ferry(archive, tmp_path, 1, "2024-07-09")
    posts = Posts()
    runner = BriefingRunner(archive, Clock(datetime(2024, 7, 10, 9, 0, tzinfo=UTC)))
    assert not await runner.run_if_due(DAILY, posts)
    assert posts.calls == []
    archive.close()


async def test_each_slot_posts_once_with_only_the_articles_added_since(tmp_path: Path):
    archive = Archive(IndexSettings(tmp_path / "data"))
    add_ferry(archive, tmp_path, 1, datetime.now(UTC).date().isoformat())
    clock = Clock(datetime.now(UTC))
    posts = Posts()
    runner = BriefingRunner(archive, clock)
    await runner.run_if_due(DAILY, posts)  # first sight: the baseline

    add_ferry(archive, tmp_path, 2, datetime.now(UTC).date().isoformat())
    clock.now += timedelta(days=1)
    assert await runner.run_if_due(DAILY, posts)
    assert [ids for ids, _ in posts.calls] == [["ferry-2"]]  # ferry-1 was there before
    assert not await runner.run_if_due(DAILY, posts)  # the same slot again: no repeat
    assert len(posts.calls) == 1
    archive.close()


async def test_a_restart_catches_up_a_missed_slot_once_and_repeats_nothing(tmp_path: Path):
    data = tmp_path / "data"
    archive = Archive(IndexSettings(data))
    today = datetime.now(UTC)
    await BriefingRunner(archive, Clock(today)).run_if_due(DAILY, Posts())
    add_ferry(archive, tmp_path, 3, today.date().isoformat())
    archive.close()

    # The bot was down for two slots; it restarts with a fresh archive object.
    restarted = Archive(IndexSettings(data))
    posts = Posts()
    runner = BriefingRunner(restarted, Clock(today + timedelta(days=2, minutes=5)))
    assert await runner.run_if_due(DAILY, posts)  # catch-up, once
    assert not await runner.run_if_due(DAILY, posts)
    assert [ids for ids, _ in posts.calls] == [["ferry-3"]]

    again = BriefingRunner(Archive(IndexSettings(data)),
                           Clock(today + timedelta(days=2, minutes=6)))
    assert not await again.run_if_due(DAILY, posts)  # a second restart: still covered
    assert len(posts.calls) == 1
    restarted.close()


async def test_a_failed_post_is_tried_again_not_skipped(tmp_path: Path):
    archive = Archive(IndexSettings(tmp_path / "data"))
    add_ferry(archive, tmp_path, 4, "2024-07-09")
    clock = Clock(datetime.now(UTC))
    await BriefingRunner(archive, clock).run_if_due(DAILY, Posts())
    clock.now += timedelta(days=1)

    async def broken(*args) -> None:
        raise ConnectionError("Discord is down")

    runner = BriefingRunner(archive, clock)
    with pytest.raises(ConnectionError):
        await runner.run_if_due(DAILY, broken)
    posts = Posts()
    assert await runner.run_if_due(DAILY, posts)
    archive.close()


def test_briefings_in_the_config_are_checked(tmp_path: Path):
    path = tmp_path / "config.toml"
    path.write_text('[[briefings]]\nchannel = 42\ntopic = "ferry storm"\ntime = "07:30"\n'
                    'timezone = "Europe/London"\ndays = 3\n', "utf-8")
    assert discord_settings(load_config(path)).briefings == (DAILY,)
    for body, message in [
        ('[[briefings]]\nchannel = 42\ntopic = "x"\ntime = "25:00"\n', "time must be"),
        ('[[briefings]]\nchannel = 42\ntopic = "x"\ntime = "07:00"\ntimezone = "Mars/Base"\n',
         "unknown timezone 'Mars/Base'"),
        ('[[briefings]]\nchannel = 42\ntopic = "x"\ntime = "07:00"\nwhen = 1\n',
         "briefing 1: unknown setting 'when'"),
    ]:
        path.write_text(body, "utf-8")
        with pytest.raises(ConfigError, match=message):
            discord_settings(load_config(path))
