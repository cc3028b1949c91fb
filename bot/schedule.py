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

from newsdesk.index import Archive
from newsdesk.index.briefing import Briefing, build_briefing

from .settings import ScheduledBriefing

Poster = Callable[[ScheduledBriefing, Briefing, datetime], Awaitable[None]]


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
        store = self.archive.store
        last = await asyncio.to_thread(store.briefing_run, schedule.key)
        if last is None:
            await asyncio.to_thread(store.record_briefing_run, schedule.key, slot, now)
            return False
        last_slot, cutoff = last
        if last_slot >= slot:
            return False
        since = now.astimezone(ZoneInfo(schedule.timezone)).date() - timedelta(days=schedule.days)
        briefing = await asyncio.to_thread(build_briefing, self.archive, schedule.topic,
                                           since=since, added_after=cutoff)
        await post(schedule, briefing, cutoff)
        # Recorded only after posting: a failed post is tried again, never skipped.
        await asyncio.to_thread(store.record_briefing_run, schedule.key, slot, now)
        return True
