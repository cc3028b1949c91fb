"""The time a question names: "in March 2008", "on 3 May 2019", "last week", "since 2015".

A question that names a time is most likely about articles published then, so the
searcher favours them (`Ranking.period_boost`) without hiding the rest: an article
from the day after still reports the event, and undated articles may hold the answer.
Times relative to today ("yesterday", "last month", "the past 3 weeks") are dropped
from the words searched for, since articles do not use them to mean that date; named
months and years stay, since articles do name them.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

_MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): number for number, name in enumerate(calendar.month_abbr)
                if name})
_MONTHS["sept"] = 9
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_SINCE = r"(?P<since>since\s+)?"

_ISO = re.compile(_SINCE + r"\b(?P<iso>(?:19|20)\d\d-[01]\d-[0-3]\d)\b", re.IGNORECASE)
_MONTH_DAY_YEAR = re.compile(
    _SINCE + rf"\b(?:{_MONTH}\s+{_DAY},?\s+{_YEAR}|{_DAY.replace('day>', 'day2>')}\s+"
    rf"{_MONTH.replace('month>', 'month2>')},?\s+{_YEAR.replace('year>', 'year2>')})\b",
    re.IGNORECASE)
_MONTH_YEAR = re.compile(_SINCE + rf"\b{_MONTH},?\s+(?:of\s+)?{_YEAR}\b", re.IGNORECASE)
# A month without a year needs a preposition: "may" alone is a verb.
_MONTH_ONLY = re.compile(r"\b(?P<prep>in|during|since|on)\s+" + _MONTH +
                         rf"(?:\s+{_DAY})?\b", re.IGNORECASE)
_YEAR_ONLY = re.compile(_SINCE + r"(?<![\d-])" + _YEAR + r"(?![\d-])", re.IGNORECASE)
_RELATIVE = re.compile(
    r"\b(?P<word>today|tonight|yesterday)\b"
    r"|\b(?P<which>this|last|past)\s+(?P<unit>week|month|year)\b"
    r"|\b(?:the\s+)?(?:last|past)\s+(?P<count>\d{1,3}|two|three|four|five|six|seven|"
    r"eight|nine|ten|few)\s+(?P<units>days|weeks|months|years)\b",
    re.IGNORECASE)
_COUNTS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
           "nine": 9, "ten": 10, "few": 3}


@dataclass(frozen=True)
class Period:
    """A span of days a question names (inclusive), and the words that named it."""

    start: date
    end: date
    phrase: str
    relative: bool  # named relative to today: its words are not searched for

    def describe(self) -> str:
        """The period as a reader would write it: "3 March 2008", "March 2008", "2008",
        or a range of days ("16 to 22 November 2026", written with an en dash)."""
        start, end = self.start, self.end
        if start == end:
            return f"{start.day} {start:%B %Y}"
        if start.day == 1 and end == _month_end(start.year, start.month):
            return f"{start:%B %Y}"
        if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31) and (
                start.year == end.year):
            return str(start.year)
        if start.year != end.year:
            return f"{start.day} {start:%B %Y} – {end.day} {end:%B %Y}"
        if start.month != end.month:
            return f"{start.day} {start:%B} – {end.day} {end:%B %Y}"
        return f"{start.day}–{end.day} {end:%B %Y}"


def question_period(question: str, today: date) -> Period | None:
    """The period `question` names, or None. The first form found wins, most exact first."""
    for find in (_iso, _month_day_year, _month_year, _relative, _month_only, _year_only):
        period = find(question, today)
        if period is not None:
            return period
    return None


def without_relative_time(question: str, period: Period | None) -> str:
    """`question` without the words of a period named relative to today."""
    if period is None or not period.relative:
        return question
    return question.replace(period.phrase, " ")


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _period(match: re.Match[str], start: date, end: date, today: date,
            relative: bool = False) -> Period:
    """A period from `start` to `end`, or to today after "since"."""
    if match.groupdict().get("since"):
        end = max(today, start)
    return Period(start, end, match.group(), relative)


def _iso(question: str, today: date) -> Period | None:
    match = _ISO.search(question)
    if match is None:
        return None
    try:
        day = date.fromisoformat(match.group("iso"))
    except ValueError:
        return None
    return _period(match, day, day, today)


def _month_day_year(question: str, today: date) -> Period | None:
    for match in _MONTH_DAY_YEAR.finditer(question):
        groups = match.groupdict()
        month = _MONTHS[(groups["month"] or groups["month2"]).lower()]
        try:
            day = date(int(groups["year"] or groups["year2"]), month,
                       int(groups["day"] or groups["day2"]))
        except ValueError:
            continue
        return _period(match, day, day, today)
    return None


def _month_year(question: str, today: date) -> Period | None:
    match = _MONTH_YEAR.search(question)
    if match is None:
        return None
    year, month = int(match.group("year")), _MONTHS[match.group("month").lower()]
    return _period(match, date(year, month, 1), _month_end(year, month), today)


def _month_only(question: str, today: date) -> Period | None:
    """"in March", "on May 3": the latest such month or day not after today."""
    for match in _MONTH_ONLY.finditer(question):
        name = match.group("month")
        if name.lower() == "may" and not name[0].isupper():
            continue
        month = _MONTHS[name.lower()]
        year = today.year if month <= today.month else today.year - 1
        if match.group("day"):
            try:
                day = date(year, month, int(match.group("day")))
            except ValueError:
                continue
            if day > today:
                day = day.replace(year=year - 1)
            start = end = day
        else:
            start, end = date(year, month, 1), _month_end(year, month)
        if match.group("prep").lower() == "since":
            end = today
        return Period(start, end, match.group(), relative=False)
    return None


def _year_only(question: str, today: date) -> Period | None:
    match = _YEAR_ONLY.search(question)
    if match is None:
        return None
    year = int(match.group("year"))
    return _period(match, date(year, 1, 1), date(year, 12, 31), today)


def _relative(question: str, today: date) -> Period | None:
    match = _RELATIVE.search(question)
    if match is None:
        return None
    word, which, unit = match.group("word"), match.group("which"), match.group("unit")
    if word:
        day = today - timedelta(days=1) if word.lower() == "yesterday" else today
        return Period(day, day, match.group(), relative=True)
    if unit:
        start, end = _calendar_unit(unit.lower(), which.lower(), today)
        return Period(start, end, match.group(), relative=True)
    count_text = match.group("count").lower()
    count = _COUNTS.get(count_text) or int(count_text)
    days = {"days": 1, "weeks": 7, "months": 30, "years": 365}[match.group("units").lower()]
    return Period(today - timedelta(days=count * days), today, match.group(), relative=True)


def _calendar_unit(unit: str, which: str, today: date) -> tuple[date, date]:
    """This or last calendar week (from Monday), month or year; "past" = the last 7,
    30 or 365 days up to today."""
    if which == "past":
        return today - timedelta(days={"week": 7, "month": 30, "year": 365}[unit]), today
    if unit == "week":
        monday = today - timedelta(days=today.weekday())
        if which == "this":
            return monday, today
        return monday - timedelta(days=7), monday - timedelta(days=1)
    if unit == "month":
        if which == "this":
            return today.replace(day=1), today
        last = today.replace(day=1) - timedelta(days=1)
        return last.replace(day=1), last
    if which == "this":
        return date(today.year, 1, 1), today
    return date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)
