"""Named markers for schedulers: for each key, the last slot a scheduled job covered
and the moment from which articles count as new to its next run.

A scheduler (the bot's scheduled briefings) picks its own keys; the archive only keeps
the markers, so a restart neither repeats a run nor skips one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .database import Database, utc_stamp

SCHEMA = """
CREATE TABLE IF NOT EXISTS markers (
    key TEXT PRIMARY KEY,
    slot TEXT NOT NULL,      -- the scheduled time the last run covered (UTC, ISO 8601)
    cutoff TEXT NOT NULL     -- articles added after this are new to the next run
);
"""


@dataclass(frozen=True)
class Marker:
    slot: datetime
    cutoff: datetime


_OLD_TABLE = "SELECT 1 FROM sqlite_master WHERE name = 'briefing_runs'"


class Markers:
    def __init__(self, db: Database) -> None:
        self._db = db
        db.create(SCHEMA)
        # Kept as briefing_runs before 0.2: one process moves them.
        db.change_if(lambda: db.one(_OLD_TABLE) is not None, self._move_old_runs)

    def _move_old_runs(self) -> None:
        self._db.execute("INSERT OR IGNORE INTO markers SELECT key, slot, cutoff"
                         " FROM briefing_runs")
        self._db.execute("DROP TABLE briefing_runs")

    def get(self, key: str) -> Marker | None:
        row = self._db.one("SELECT slot, cutoff FROM markers WHERE key = ?", (key,))
        return Marker(datetime.fromisoformat(row[0]), datetime.fromisoformat(row[1])) if (
            row) else None

    def set(self, key: str, marker: Marker) -> None:
        self._db.execute(
            "INSERT INTO markers (key, slot, cutoff) VALUES (?, ?, ?) ON CONFLICT(key)"
            " DO UPDATE SET slot = excluded.slot, cutoff = excluded.cutoff",
            (key, utc_stamp(marker.slot), utc_stamp(marker.cutoff)))
