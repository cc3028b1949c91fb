"""When a scheduled briefing is due, and running it exactly once per slot.

Plain code, with the clock passed in, so the restart behaviour is tested without
waiting: the database remembers, per briefing, the last slot it covered and the moment
from which articles count as new. A run that finds its slot already covered does
nothing (a restart does not repeat); a run that finds an earlier slot uncovered catches
up once (a restart does not skip), and only articles added since the last run are new.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from newsdesk.index import Archive, Briefing, Marker

from .settings import ScheduledBriefing

Poster = Callable[[ScheduledBriefing, Briefing, datetime], Awaitable[None]]


def cursor_key(channel: int, topic: str) -> str:
    """The marker of a channel's latest briefing on a topic, scheduled or asked for:
    "since last" briefings list what arrived after it."""
    return f"cursor|{channel}|{' '.join(topic.casefold().split())}"


def latest_slot(schedule: ScheduledBriefing, now: datetime) -> datetime:
    """The most recent scheduled moment at or before `now` (aware, in UTC)."""
    zone = ZoneInfo(schedule.timezone)
    local = now.astimezone(zone)
    slot = datetime.combine(local.date(), schedule.at, tzinfo=zone)
    if slot > local:
        slot = datetime.combine(local.date() - timedelta(days=1), schedule.at, tzinfo=zone)
    return slot.astimezone(UTC)


class BriefingRunner:
    def __init__(self, archive: Archive, clock: Callable[[], datetime]) -> None:
        self.archive = archive
        self.clock = clock

    async def run_if_due(self, schedule: ScheduledBriefing, post: Poster) -> bool:
        """Post the briefing if its latest slot has not been covered; True if it posted.

        The first time a briefing is seen it only starts counting: nothing is posted
        unprompted when a briefing is first configured, and the next slot covers the
        articles added from then on.
        """
        now = self.clock()
        slot = latest_slot(schedule, now)
        archive = self.archive
        last = await asyncio.to_thread(archive.marker, schedule.key)
        if last is None:
            await asyncio.to_thread(archive.set_marker, schedule.key, Marker(slot, now))
            return False
        if last.slot >= slot:
            return False
        since = now.astimezone(ZoneInfo(schedule.timezone)).date() - timedelta(days=schedule.days)
        cursor = cursor_key(schedule.channel, schedule.topic)
        previous = await asyncio.to_thread(archive.marker, cursor)
        # New: added since this channel's previous briefing on the topic, of any kind.
        cutoff = max(last.cutoff, previous.cutoff) if previous else last.cutoff
        briefing = await asyncio.to_thread(archive.brief, schedule.topic, since=since,
                                           added_after=cutoff)
        await post(schedule, briefing, cutoff)
        # Recorded only after posting: a failed post is tried again, never skipped.
        await asyncio.to_thread(archive.set_marker, schedule.key, Marker(slot, now))
        await asyncio.to_thread(archive.set_marker, cursor, Marker(slot, now))
        return True
