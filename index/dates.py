"""Dates typed by users: ISO dates ("2018-11-01") or ages ("7d", "2w", "3m", "1y")."""

from __future__ import annotations

import re
from datetime import date, timedelta

_AGE = re.compile(r"^(\d{1,4})\s*([dwmy])$", re.IGNORECASE)
_DAYS_PER = {"d": 1, "w": 7, "m": 30, "y": 365}


def parse_day(text: str, today: date | None = None) -> date:
    """An ISO date, or an age before `today` (7d = seven days ago). ValueError if neither."""
    text = text.strip()
    match = _AGE.match(text)
    if match:
        days = int(match.group(1)) * _DAYS_PER[match.group(2).lower()]
        return (today or date.today()) - timedelta(days=days)
    try:
        return date.fromisoformat(text[:10]) if len(text) >= 10 else date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"not a date: {text!r} (use YYYY-MM-DD, or an age such as 7d, "
                         "2w, 3m, 1y)") from None
